"""The one tokenizer of BM25 and TF-IDF: Haystack 1.x's default regex, custom regexes, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import hayrick
from hayrick.stores.bm25 import DEFAULT_TOKENIZATION_REGEX, Tokenizer, tokenize


def test_tokenize_is_haystacks_default():
    assert tokenize("Hello, World! I'm a B2B x café-au-lait") == ["hello", "world", "b2b", "café", "au", "lait"]


def test_one_default_regex():
    assert DEFAULT_TOKENIZATION_REGEX == r"(?u)\b\w\w+\b"
    assert Tokenizer()("Hello, World! I'm a B2B") == tokenize("Hello, World! I'm a B2B")
    root = Path(hayrick.__file__).parent
    written = [p.relative_to(root).as_posix() for p in root.rglob("*.py") if r"\w\w+" in p.read_text()]
    assert written == ["stores/bm25/tokenization.py"]  # BM25 stores and TF-IDF import it from here


def test_custom_regex_lower_cases_first():
    words = Tokenizer(r"\w+")
    assert words("I'm a B2B") == ["i", "m", "a", "b2b"]
    assert Tokenizer(r"[A-Z]+")("ABC def") == []  # matched against the lower-cased text
    assert repr(words) == "Tokenizer('\\\\w+')"


@pytest.mark.parametrize("regex", ["(unclosed", None, 12])
def test_invalid_regex(regex):
    with pytest.raises(ValueError, match=r"is not a valid regex"):
        Tokenizer(regex)
