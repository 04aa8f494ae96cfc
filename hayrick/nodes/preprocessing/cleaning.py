"""Text cleaning for `PreProcessor`: pure functions on strings whose pages are separated by "\\f".

```python
from hayrick.nodes.preprocessing.cleaning import clean_empty_lines, clean_whitespace, remove_header_footer

text = remove_header_footer(pdf_text)       # repeated page headers and footers
text = clean_empty_lines(clean_whitespace(text))
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import reduce
from typing import Any

_EMPTY_LINES = re.compile(r"\n\n+")
_WORD = re.compile(r"\S+")

Cuts = list[tuple[int, int]]  # the [start, end) spans of a text that a cleaning step removes, in order


def clean_whitespace(text: str) -> str:
    """Strip the whitespace at the start and end of every line, page by page (as Haystack 1.x).

    As `str.splitlines` does, line ends become "\\n" and each page's last line end goes.
    """
    return "\f".join("\n".join(line.strip() for line in page.splitlines()) for page in text.split("\f"))


def whitespace_cuts(text: str) -> Cuts:
    """What `clean_whitespace` removes from `text` (a line end it turns into "\\n" counts as kept)."""
    cuts: Cuts = []
    page_start = 0
    for page in text.split("\f"):
        position = page_start
        lines = page.splitlines(keepends=True)
        for i, line in enumerate(lines):
            body = line.splitlines()[0] if line.splitlines() else ""
            ending = len(line) - len(body)
            lead = len(body) - len(body.lstrip())
            stripped = body.strip()
            if lead:
                cuts.append((position, position + lead))
            trail_start = position + lead + len(stripped)
            trail_end = position + len(body)
            if i == len(lines) - 1 or ending == 2:  # a page's last line end goes; "\r\n" becomes "\n"
                trail_end += ending if i == len(lines) - 1 else 1
            if trail_start < trail_end:
                cuts.append((trail_start, trail_end))
            position += len(line)
        page_start += len(page) + 1
    return cuts


def clean_empty_lines(text: str) -> str:
    """Collapse runs of empty lines to one empty line (so paragraphs stay apart), page by page."""
    return "\f".join(_EMPTY_LINES.sub("\n\n", page) for page in text.split("\f"))


def empty_line_cuts(text: str) -> Cuts:
    """What `clean_empty_lines` removes from `text`."""
    return [(m.start() + 2, m.end()) for m in _EMPTY_LINES.finditer(text) if m.end() - m.start() > 2]


def remove_substrings(text: str, substrings: list[str]) -> str:
    """`text` without any occurrence of each of `substrings`, removed in order."""
    for substring in substrings:
        if substring:
            text = text.replace(substring, "")
    return text


def substring_cuts(text: str, substring: str) -> Cuts:
    """What `text.replace(substring, "")` removes."""
    cuts: Cuts = []
    start = text.find(substring) if substring else -1
    while start >= 0:
        cuts.append((start, start + len(substring)))
        start = text.find(substring, start + len(substring))
    return cuts


def move_offset(offset: int, cuts: Cuts) -> int:
    """Where `offset` of a text lies once `cuts` are removed (an offset inside a cut moves to its start)."""
    removed = 0
    for start, end in cuts:
        if end <= offset:
            removed += end - start
        elif start < offset:
            removed += offset - start
        else:
            break
    return offset - removed


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
    for cuts in header_footer_cuts(text, n_chars, n_first_pages_to_ignore, n_last_pages_to_ignore, min_ngram, max_ngram):
        text = apply_cuts(text, cuts)
    return text


def header_footer_cuts(
    text: str,
    n_chars: int = 300,
    n_first_pages_to_ignore: int = 1,
    n_last_pages_to_ignore: int = 1,
    min_ngram: int = 3,
    max_ngram: int = 30,
) -> Iterator[Cuts]:
    """What `remove_header_footer` removes: the header's cuts, then (in the text without them) the footer's."""
    pages = text.split("\f")
    reach = [min(n_chars, len(page) // 2) for page in pages]  # a header never reaches the page's second half
    inner = range(n_first_pages_to_ignore, len(pages) - n_last_pages_to_ignore)
    header = find_longest_common_ngram([pages[i][: reach[i]] for i in inner], min_ngram, max_ngram)
    if header:
        cuts = _page_cuts(pages, [_first_cut(page, header, limit) for page, limit in zip(pages, reach, strict=True)])
        yield cuts
        text = apply_cuts(text, cuts)
        pages = text.split("\f")
    footer = find_longest_common_ngram([pages[i][-n_chars:] for i in inner], min_ngram, max_ngram)
    if footer:
        yield _page_cuts(pages, [_last_cut(page, footer, n_chars) for page in pages])


def apply_cuts(text: str, cuts: Cuts) -> str:
    """`text` without the spans of `cuts`."""
    kept, position = [], 0
    for start, end in cuts:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)


def _page_cuts(pages: list[str], per_page: list[tuple[int, int] | None]) -> Cuts:
    cuts, offset = [], 0
    for page, cut in zip(pages, per_page, strict=True):
        if cut is not None:
            cuts.append((offset + cut[0], offset + cut[1]))
        offset += len(page) + 1
    return cuts


def _first_cut(page: str, part: str, n_chars: int) -> tuple[int, int] | None:
    """The first `part` that starts in the first `n_chars` of `page`, with the whitespace after it."""
    index = page.find(part, 0, n_chars + len(part))
    if index < 0:
        return None
    end = index + len(part)
    return index, end + len(page[end:]) - len(page[end:].lstrip())


def _last_cut(page: str, part: str, n_chars: int) -> tuple[int, int] | None:
    """The last `part` that ends in the last `n_chars` of `page`, with the whitespace before it."""
    index = page.rfind(part, max(0, len(page) - n_chars - len(part)))
    if index < 0:
        return None
    return len(page[:index].rstrip()), index + len(part)


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


def move_headlines(headlines: list[dict[str, Any]], cuts: Cuts) -> list[dict[str, Any]]:
    """`headlines` with each `start_idx` moved past `cuts` (copies; a headline without an int start_idx is kept as is)."""
    return [
        {**h, "start_idx": move_offset(h["start_idx"], cuts)} if isinstance(h.get("start_idx"), int) else dict(h)
        for h in headlines
    ]


def relocate_headlines(headlines: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """`headlines` with `start_idx` found again in `text` after it changed (in order; lost ones dropped)."""
    found, position = [], 0
    for headline in headlines:
        index = text.find(str(headline.get("headline", "")), position)
        if index >= 0:
            found.append({**headline, "start_idx": index})
            position = index + len(str(headline.get("headline", "")))
    return found
