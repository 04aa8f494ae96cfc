"""A rule-based sentence splitter: no model, no download, character offsets exact.

```python
from hayrick.nodes.preprocessing.sentences import split_sentences

text = "Dr. Smith paid $3.50 for it, i.e. too much. Then he left... He came back!"
[text[s:e] for s, e in split_sentences(text)]
# ['Dr. Smith paid $3.50 for it, i.e. too much.', 'Then he left...', 'He came back!']
```

A sentence ends at ".", "!", "?", "…" (or a run of them, e.g. "?!" or "..."), optionally
followed by closing quotes or brackets, then whitespace, then something that is not a
lower-case letter. A "." does not end a sentence after a known abbreviation (Mr., Dr., e.g.,
i.e., vs.; Fig., No., Jan. ... when a number follows), a single letter (an initial: "J. Smith")
or a dotted acronym ("U.S.", "a.m."). A blank line always ends a sentence, so headings and list
items without a final period stay apart. Decimals ("3.14") and versions ("v1.2.3") have no
whitespace after the dot, so they never end a sentence.
"""

from __future__ import annotations

import re

#: Words (lower case, without their final ".") after which "." never ends a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    ["mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "rev", "hon", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov", "sen", "pres", "supt", "messrs", "mme", "mlle", "e.g", "i.e", "cf", "vs", "viz", "approx", "ca", "al", "ibid", "resp", "incl", "esp", "dept"]
)
#: Words after which "." does not end a sentence when a number follows ("Fig. 3", "No. 5", "Jan. 12").
NUMBER_ABBREVIATIONS: frozenset[str] = frozenset(
    ["fig", "figs", "no", "nos", "nr", "vol", "vols", "p", "pp", "eq", "eqs", "sec", "ch", "art", "ed", "eds", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)

_END = re.compile(r"""(?P<punct>[.!?…]+)[\"'”’»)\]]*(?P<space>\s+)""")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_ACRONYM = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]?$")  # U.S, a.m, e.g (final "." already removed)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of each sentence of `text`, in order, without surrounding whitespace.

    The spans do not overlap and only whitespace lies between them, so `text[start:end]` is
    the sentence exactly as it appears in `text`.
    """
    starts = {0}
    for match in _BLANK_LINE.finditer(text):
        starts.add(match.end())
    for match in _END.finditer(text):
        nxt = match.end()
        if nxt >= len(text) or text[nxt].islower():
            continue
        if match.group("punct") == "." and _is_abbreviation(text, match.start(), text[nxt].isdigit()):
            continue
        starts.add(nxt)
    spans = []
    ordered = sorted(starts)
    for start, end in zip(ordered, [*ordered[1:], len(text)], strict=True):
        span = strip_span(text, start, end)
        if span[0] < span[1]:
            spans.append(span)
    return spans


def haystack_sentences(text: str) -> list[str]:
    """The sentences of `text` as Haystack 1.x's PreProcessor cuts them: each with the whitespace after it.

    The first holds the whitespace before it too, and the whitespace at the end of `text` is
    dropped, so `"".join(haystack_sentences(text)) == text.rstrip()`.
    """
    spans = split_sentences(text)
    if not spans:
        return []
    starts = [0] + [start for start, _ in spans[1:]]
    ends = [*starts[1:], len(text.rstrip())]
    return [text[a:b] for a, b in zip(starts, ends)]


def split_passages(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of each passage of `text`: the blocks between blank lines, without surrounding whitespace."""
    spans, position = [], 0
    for match in _BLANK_LINE.finditer(text):
        spans.append(strip_span(text, position, match.start()))
        position = match.end()
    spans.append(strip_span(text, position, len(text)))
    return [(start, end) for start, end in spans if start < end]


def _is_abbreviation(text: str, dot: int, number_follows: bool) -> bool:
    """Whether the word that ends with the "." at `dot` is an abbreviation, an initial or an acronym."""
    start = dot
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:dot].lstrip("\"'“‘«([{").lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. R. R. Tolkien"
    if word in ABBREVIATIONS or _ACRONYM.match(word):
        return True
    return number_follows and word in NUMBER_ABBREVIATIONS


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """`(start, end)` moved inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
