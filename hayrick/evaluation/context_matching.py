"""Fuzzy context matching, as Haystack 1.x judges whether a retrieved text is a gold document's text.

Two texts match when their similarity (0 to 100, rapidfuzz's partial ratio of the shorter against
the longer, on lower-cased text with whitespace collapsed) is above a threshold (65 by default).
Texts shorter than `min_length` characters never match. With `boost_split_overlaps`, a text that
overlaps the other only at one end (a neighbouring split of the same document) scores higher.

```python
from hayrick.evaluation.context_matching import calculate_context_similarity, match_context

calculate_context_similarity(gold_text, retrieved_text)          # 100.0 when one contains the other
match_context(gold_text, [("doc1", text1), ("doc2", text2)])   # [(id, score)] above the threshold, best first
```

A text that contains the other scores 100 without a fuzzy comparison, so identical and
containing splits (the common case) cost a substring search only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter

from hayrick.lazy_imports import require

_SPACES = re.compile(r"\s+")


def normalize_white_space_and_case(text: str) -> str:
    """`text` lower-cased, with runs of whitespace as one space and none at the ends."""
    return _SPACES.sub(" ", text).lower().strip()


def _no_processor(text: str) -> str:
    return text


def calculate_context_similarity(
    context: str, candidate: str, min_length: int = 100, boost_split_overlaps: bool = True
) -> float:
    """How much of `context` and `candidate` agree, from 0 to 100 (Haystack 1.x's measure).

    Args:
        context: the gold text.
        candidate: the text to compare with it.
        min_length: texts shorter than this (after normalisation) score 0.
        boost_split_overlaps: raise scores between 40 and 65 where the shorter text aligns with an
            end of the longer one and one of its halves matches better (overlapping splits).
    """
    return similarity_of_normalized(
        normalize_white_space_and_case(context), normalize_white_space_and_case(candidate), min_length, boost_split_overlaps
    )


def similarity_of_normalized(context: str, candidate: str, min_length: int, boost_split_overlaps: bool) -> float:
    """`calculate_context_similarity` of texts already normalised."""
    if len(candidate) < min_length or len(context) < min_length:
        return 0.0
    shorter, longer = (context, candidate) if len(context) < len(candidate) else (candidate, context)
    if shorter in longer:
        return 100.0
    fuzz = require("rapidfuzz", owner="context matching").fuzz
    alignment = fuzz.partial_ratio_alignment(shorter, longer, processor=_no_processor)
    score = alignment.score
    if boost_split_overlaps and 40 <= score < 65:
        cut_len = len(shorter) // 2
        if alignment.dest_start == 0:  # the shorter text sits at the start of the longer one
            cut_score = fuzz.partial_ratio(shorter[cut_len:], longer, processor=_no_processor)
            if cut_score > score:
                score = (score + cut_score) / 2
        if alignment.dest_end == len(longer):  # ... or at its end
            cut_score = fuzz.partial_ratio(shorter[:-cut_len], longer, processor=_no_processor)
            if cut_score > score:
                score = (score + cut_score) / 2
    return float(score)


def match_context(
    context: str,
    candidates: Iterable[tuple[str, str]],
    threshold: float = 65.0,
    show_progress: bool = False,
    num_processes: int | None = None,
    chunksize: int = 1,
    min_length: int = 100,
    boost_split_overlaps: bool = True,
) -> list[tuple[str, float]]:
    """The `(id, score)` of the candidates `(id, text)` whose similarity to `context` is above `threshold`, best first.

    `show_progress`, `num_processes` and `chunksize` are accepted for Haystack 1.x compatibility;
    the comparison runs in this process (most pairs are decided by a substring search).
    """
    gold = normalize_white_space_and_case(context)
    scored = [
        (candidate_id, similarity_of_normalized(gold, normalize_white_space_and_case(text), min_length, boost_split_overlaps))
        for candidate_id, text in candidates
    ]
    return sorted(((i, s) for i, s in scored if s > threshold), key=itemgetter(1), reverse=True)


def match_contexts(
    contexts: list[str],
    candidates: Iterable[tuple[str, str]],
    threshold: float = 65.0,
    show_progress: bool = False,
    num_processes: int | None = None,
    chunksize: int = 1,
    min_length: int = 100,
    boost_split_overlaps: bool = True,
) -> list[list[tuple[str, float]]]:
    """`match_context` for each of `contexts` in one pass over the candidates: one list per context.

    Unlike Haystack 1.x, a context without matches gets an empty list, so the result lines up with `contexts`.
    """
    golds = [normalize_white_space_and_case(c) for c in contexts]
    found: list[tuple[int, str, float]] = []
    for candidate_id, text in candidates:
        normalized = normalize_white_space_and_case(text)
        for index, gold in enumerate(golds):
            score = similarity_of_normalized(gold, normalized, min_length, boost_split_overlaps)
            if score > threshold:
                found.append((index, candidate_id, score))
    matches: list[list[tuple[str, float]]] = [[] for _ in contexts]
    for index, group in groupby(sorted(found, key=itemgetter(0)), key=itemgetter(0)):
        matches[index] = sorted(((i, s) for _, i, s in group), key=itemgetter(1), reverse=True)
    return matches
