"""Text cleaning for `PreProcessor`: pure functions on strings whose pages are separated by "\\f".

```python
from hayrick.nodes.preprocessing.cleaning import clean_empty_lines, clean_whitespace, remove_header_footer

text = remove_header_footer(pdf_text)       # repeated page headers and footers
text = clean_empty_lines(clean_whitespace(text))
```
"""

from __future__ import annotations

import re
from functools import reduce
from typing import Any

_EMPTY_LINES = re.compile(r"\n\n+")
_WORD = re.compile(r"\S+")


def clean_whitespace(text: str) -> str:
    """Strip the whitespace at the start and end of every line, page by page (as Haystack 1.x)."""
    return "\f".join("\n".join(line.strip() for line in page.splitlines()) for page in text.split("\f"))


def clean_empty_lines(text: str) -> str:
    """Collapse runs of empty lines to one empty line (so paragraphs stay apart), page by page."""
    return "\f".join(_EMPTY_LINES.sub("\n\n", page) for page in text.split("\f"))


def remove_substrings(text: str, substrings: list[str]) -> str:
    """`text` without any occurrence of each of `substrings`, removed in order."""
    for substring in substrings:
        if substring:
            text = text.replace(substring, "")
    return text


def remove_header_footer(
    text: str,
    n_chars: int = 300,
    n_first_pages_to_ignore: int = 1,
    n_last_pages_to_ignore: int = 1,
    min_ngram: int = 3,
    max_ngram: int = 30,
) -> str:
    """Remove a header and a footer repeated on the pages of `text` (pages separated by "\\f").

    As Haystack 1.x: the header is the longest run of `min_ngram` to `max_ngram` words that the
    first `n_chars` characters of every page share, the footer the same for the last `n_chars`
    once the header is gone. The first and last pages are left out of the search (title pages
    differ) but cleaned too. Unlike Haystack 1.x: at least two pages must take part in the
    search (one page shares everything with itself); the header is searched in at most the first
    half of a page (so a short page's footer is not taken for its header); and each is removed
    once per page, only where it was searched, with the whitespace next to it, so body text that
    repeats it stays.

    Args:
        text: pages separated by "\\f".
        n_chars: how far from the start (end) of a page a header (footer) may reach.
        n_first_pages_to_ignore: pages at the start not searched.
        n_last_pages_to_ignore: pages at the end not searched.
        min_ngram: fewest words a header or footer has.
        max_ngram: most words a header or footer has.
    """
    pages = text.split("\f")
    reach = [min(n_chars, len(page) // 2) for page in pages]  # a header never reaches the page's second half
    inner = range(n_first_pages_to_ignore, len(pages) - n_last_pages_to_ignore)
    header = find_longest_common_ngram([pages[i][: reach[i]] for i in inner], min_ngram, max_ngram)
    if header:
        pages = [_remove_first(page, header, limit) for page, limit in zip(pages, reach, strict=True)]
    footer = find_longest_common_ngram([pages[i][-n_chars:] for i in inner], min_ngram, max_ngram)
    if footer:
        pages = [_remove_last(page, footer, n_chars) for page in pages]
    return "\f".join(pages)


def find_longest_common_ngram(sequences: list[str], min_ngram: int = 3, max_ngram: int = 30) -> str | None:
    """The longest run of `min_ngram` to `max_ngram` words found in every one of `sequences`.

    None when fewer than two sequences have text, or they share no such run. A run is the
    exact text from its first word to its last, whitespace (line breaks too) included.
    """
    sequences = [s for s in sequences if s.strip()]
    if len(sequences) < 2:
        return None
    shared = reduce(set.intersection, (_ngrams(s, min_ngram, max_ngram) for s in sequences))
    if not shared:
        return None
    longest = max(shared, key=lambda ngram: (len(ngram), ngram))
    return longest if longest.strip() else None


def _ngrams(text: str, min_ngram: int, max_ngram: int) -> set[str]:
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    found = set()
    for i in range(len(words)):
        for n in range(min_ngram, max_ngram + 1):
            if i + n > len(words):
                break
            found.add(text[words[i][0] : words[i + n - 1][1]])
    return found


def _remove_first(page: str, part: str, n_chars: int) -> str:
    """`page` without the first `part` that starts in its first `n_chars`, nor the whitespace after it."""
    index = page.find(part, 0, n_chars + len(part))
    return page if index < 0 else page[:index] + page[index + len(part) :].lstrip()


def _remove_last(page: str, part: str, n_chars: int) -> str:
    """`page` without the last `part` that ends in its last `n_chars`, nor the whitespace before it."""
    index = page.rfind(part, max(0, len(page) - n_chars - len(part)))
    return page if index < 0 else page[:index].rstrip() + page[index + len(part) :]


def relocate_headlines(headlines: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """`headlines` with `start_idx` found again in `text` after it changed (in order; lost ones dropped)."""
    found, position = [], 0
    for headline in headlines:
        index = text.find(str(headline.get("headline", "")), position)
        if index >= 0:
            found.append({**headline, "start_idx": index})
            position = index + len(str(headline.get("headline", "")))
    return found
