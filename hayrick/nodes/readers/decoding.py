"""Span decoding for extractive QA: pure numpy functions over start/end logits, shared by both readers.

Two families:

- `top_spans`, `null_scores`, `widen_to_words`, `filter_duplicates`, `confidence`: FARMReader's
  decoding. A span's score is `start_logit[s] + end_logit[e]`, raw logits, so scores compare across
  windows and documents; `confidence(score) = sigmoid(score / 8)` maps it into [0, 1] (Haystack's
  scaling), keeping the order.
- `pipeline_spans`: the transformers (4.x) question-answering pipeline's
  decoding, reproduced operation for operation so that the TransformersReader gives the same spans
  and scores: per-window softmax over context tokens (and [CLS]), scores as products of start and
  end probabilities, top-k over their outer product.

```python
>>> start = np.array([[0.0, 1.0, 5.0, 0.0]]); end = np.array([[0.0, 0.0, 1.0, 6.0]])
>>> starts, ends, scores = top_spans(start, end, np.array([1]), np.array([3]), max_answer_length=5, top_k=1)
>>> int(starts[0, 0]), int(ends[0, 0]), float(scores[0, 0])
(2, 3, 11.0)
```
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Temperature of `confidence`: sigmoid(score / 8), as Haystack 1.x scaled raw span scores.
CONFIDENCE_TEMPERATURE = 8.0


def context_mask(width: int, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """`(B, width)` booleans, True on tokens `first[b] <= t <= last[b]` (a window's context tokens)."""
    positions = np.arange(width)[None, :]
    return (positions >= np.asarray(first)[:, None]) & (positions <= np.asarray(last)[:, None])


def top_spans(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    context_first: np.ndarray,
    context_last: np.ndarray,
    max_answer_length: int,
    top_k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `top_k` best spans of every window of a batch, vectorised over the batch.

    A span `(s, e)` is valid when both tokens lie in the window's context
    (`context_first[b] <= s <= e <= context_last[b]`) and `e - s + 1 <= max_answer_length`.
    Its score is `start_logits[b, s] + end_logits[b, e]`.

    Args:
        start_logits, end_logits: `(B, T)` logits.
        context_first, context_last: `(B,)` first and last context token per window (a window
            without context has `context_first > context_last`).
        max_answer_length: the most tokens in a span.
        top_k: spans per window.

    Returns:
        `starts, ends, scores`, each `(B, k)` with `k = min(top_k, T * max_answer_length)`, best first
        (ties: lower start, then shorter span). Missing spans have score `-inf`.
    """
    start_logits = np.asarray(start_logits, dtype=np.float32)
    end_logits = np.asarray(end_logits, dtype=np.float32)
    batch, width = start_logits.shape
    length = max(1, min(int(max_answer_length), width))
    inside = context_mask(width, context_first, context_last)
    start = np.where(inside, start_logits, -np.inf)
    end = np.where(inside, end_logits, -np.inf)
    end = np.concatenate([end, np.full((batch, length - 1), -np.inf, dtype=np.float32)], axis=1)
    band = start[:, :, None] + sliding_window_view(end, length, axis=1)  # [b, s, d] = start[s] + end[s + d]
    flat = band.reshape(batch, width * length)
    k = max(1, min(int(top_k), flat.shape[1]))
    if k < flat.shape[1]:
        candidates = np.argpartition(-flat, k - 1, axis=1)[:, :k]
    else:
        candidates = np.broadcast_to(np.arange(flat.shape[1]), (batch, flat.shape[1]))
    values = np.take_along_axis(flat, candidates, axis=1)
    order = np.lexsort((candidates, -values), axis=1)  # score descending, then flat index ascending
    candidates = np.take_along_axis(candidates, order, axis=1)
    scores = np.take_along_axis(values, order, axis=1)
    starts = candidates // length
    return starts, starts + candidates % length, scores


def null_scores(start_logits: np.ndarray, end_logits: np.ndarray, cls_index: np.ndarray | int = 0) -> np.ndarray:
    """The no-answer score of every window: `start_logits[b, cls] + end_logits[b, cls]`."""
    rows = np.arange(np.asarray(start_logits).shape[0])
    return np.asarray(start_logits)[rows, cls_index] + np.asarray(end_logits)[rows, cls_index]


def confidence(score: np.ndarray | float) -> np.ndarray | float:
    """`sigmoid(score / 8)`: a raw span score mapped into [0, 1], same order as the score."""
    value = 1.0 / (1.0 + np.exp(-np.asarray(score, dtype=np.float64) / CONFIDENCE_TEMPERATURE))
    return float(value) if np.ndim(value) == 0 else value


def widen_to_words(word_ids: Sequence[int | None], start: int, end: int) -> tuple[int, int]:
    """Token indices `(start, end)` widened to whole words within the window.

    A span that starts or ends inside a word (`play` of `play ##ing`) grows to the word's first
    and last token in this window, as the transformers pipeline's `align_to_words` does.
    """
    word = word_ids[start]
    if word is not None:
        while start > 0 and word_ids[start - 1] == word:
            start -= 1
    word = word_ids[end]
    if word is not None:
        while end + 1 < len(word_ids) and word_ids[end + 1] == word:
            end += 1
    return start, end


def filter_duplicates(spans: Sequence[tuple[int, int]], distance: int) -> list[int]:
    """Indices of the spans to keep, in order, dropping each span close to one kept before it.

    Spans come best first as character `(start, end)` pairs in one document. A span is a
    duplicate of a kept one when both its start and its end lie within `distance` characters
    of the kept span's (0: only identical spans). `distance < 0` keeps everything.
    """
    if distance < 0:
        return list(range(len(spans)))
    kept: list[int] = []
    for i, (start, end) in enumerate(spans):
        if all(abs(start - spans[j][0]) > distance or abs(end - spans[j][1]) > distance for j in kept):
            kept.append(i)
    return kept


# --- the transformers 4.x question-answering pipeline's decoding ---------------------------------


def pipeline_spans(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    desired: np.ndarray,
    top_k: int,
    max_answer_len: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """One window's best spans with the transformers 4.x question-answering pipeline's arithmetic.

    Logits of tokens that cannot be part of an answer (`desired == False`: question, padding,
    special tokens other than [CLS]) become -10000; start and end logits are softmax-normalised over
    the window (float32); the [CLS] (token 0) probability product is kept as the window's null
    score and then zeroed; a span `(s, e)` scores `p_start[s] * p_end[e]` when
    `0 <= e - s < max_answer_len`, else 0. The `top_k` best spans are taken (ties: lower flat index
    first) and those whose start or end is not desired dropped, as the pipeline does.

    Args:
        start_logits, end_logits: `(T,)` logits of one unpadded window.
        desired: `(T,)` booleans, True on the context tokens and [CLS].
        top_k: spans to consider (the pipeline asks for `2 * top_k + 10`).
        max_answer_len: the most tokens in a span.

    Returns:
        `starts, ends, scores, null_score`: token indices, float32 probabilities (best first),
        and `p_start[0] * p_end[0]` before zeroing.
    """
    desired = np.asarray(desired, dtype=bool)
    probabilities = []
    for logits in (start_logits, end_logits):
        masked = np.where(desired, np.asarray(logits, dtype=np.float32), np.float32(-10000.0))
        exp = np.exp(masked - masked.max())
        probabilities.append(exp / exp.sum())
    p_start, p_end = probabilities
    null_score = (p_start[0] * p_end[0]).item()
    p_start[0] = p_end[0] = 0.0
    width = p_start.shape[0]
    gap = np.arange(width)[None, :] - np.arange(width)[:, None]  # e - s
    products = np.where((gap >= 0) & (gap < max_answer_len), p_start[:, None] * p_end[None, :], np.float32(0.0))
    flat = products.ravel()
    k = min(int(top_k), flat.size)
    picked = np.argpartition(-flat, k - 1)[:k] if k < flat.size else np.arange(flat.size)
    picked = picked[np.lexsort((picked, -flat[picked]))]
    starts, ends = np.divmod(picked, width)
    keep = desired[starts] & desired[ends]
    return starts[keep], ends[keep], flat[picked][keep], null_score
