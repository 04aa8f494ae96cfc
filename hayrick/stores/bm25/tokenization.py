"""The BM25 and TF-IDF tokenizer: the matches of a regex in the lower-cased text.

```python
from hayrick.stores.bm25.tokenization import Tokenizer, tokenize

tokenize("Hello, World! I'm a B2B x café")  # ['hello', 'world', 'b2b', 'café'], Haystack 1.x's default
words = Tokenizer(r"\\w+")                  # a store's bm25_tokenization_regex
words("I'm a B2B")                          # ['i', 'm', 'a', 'b2b']
```
"""

from __future__ import annotations

import re

#: Haystack 1.x's default `bm25_tokenization_regex` (also scikit-learn's `token_pattern`):
#: words of two or more word characters.
DEFAULT_TOKENIZATION_REGEX = r"(?u)\b\w\w+\b"


class Tokenizer:
    """Splits text into the matches of `regex` in its lower-cased form.

    Raises:
        ValueError: `regex` is not a str or does not compile (the message names the regex).
    """

    def __init__(self, regex: str = DEFAULT_TOKENIZATION_REGEX):
        try:
            self.pattern = re.compile(regex)
        except (re.error, TypeError) as exc:
            raise ValueError(f"{regex!r} is not a valid regex: {exc}") from None
        self.regex = regex
        self._findall = self.pattern.findall

    def __call__(self, text: str) -> list[str]:
        return self._findall(text.lower())

    def __repr__(self) -> str:
        return f"Tokenizer({self.regex!r})"


_DEFAULT = Tokenizer()


def tokenize(text: str) -> list[str]:
    """Haystack 1.x's default BM25 tokens: the matches of `(?u)\\b\\w\\w+\\b` in the lower-cased text."""
    return _DEFAULT(text)
