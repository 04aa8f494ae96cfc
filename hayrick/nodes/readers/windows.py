"""Sliding windows over (question, context) pairs for extractive QA models, shared by inference and training.

A context longer than the model can read is split into windows of at most `max_seq_len`
tokens (`[CLS] question [SEP] context-part [SEP]`). Consecutive windows of one context
overlap by `doc_stride` tokens: `doc_stride` is the *overlap*, as in the transformers
question-answering pipeline and the fast tokenizers' `stride` argument (not the step
between window starts). With `room = max_seq_len - special tokens - question tokens`
context tokens per window, window k starts at context token `k * (room - doc_stride)`.

```python
>>> windows = make_windows(tokenizer, ["Who?"], [long_text], max_seq_len=256, doc_stride=128, max_query_length=64)
>>> windows.pair_index          # every window of the one pair
[0, 0, 0]
>>> token_span(windows.offsets[0], 10, 16)   # the tokens covering long_text[10:16], if in window 0
(7, 8)
>>> for rows, inputs in padded_batches(windows, list(range(len(windows))), 32, tokenizer.pad_token_id):
...     outputs = model(**inputs)
```
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hayrick._checks import check_int

if TYPE_CHECKING:
    import torch


@dataclass
class QAWindows:
    """The model inputs of every window of every (question, context) pair, unpadded.

    Attributes:
        input_ids: token ids per window.
        attention_mask: 1 per real token, per window.
        token_type_ids: segment ids per window; None when the model takes none (RoBERTa, DistilBERT).
        pair_index: for each window, the index of the (question, context) pair it comes from.
        offsets: per window and token, `(start, end)` character offsets into that pair's context,
            or None for question and special tokens.
        word_ids: per window and token, the index of the context word a token belongs to (None
            outside the context); lets decoders widen a span to whole words, as the transformers
            pipeline does. Optional: None when not computed.
    """

    input_ids: list[list[int]]
    attention_mask: list[list[int]]
    token_type_ids: list[list[int]] | None
    pair_index: list[int]
    offsets: list[list[tuple[int, int] | None]]
    word_ids: list[list[int | None]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.input_ids)


def _truncate_questions(tokenizer: Any, questions: list[str], max_query_length: int) -> tuple[list[str], list[int]]:
    """Questions cut after their `max_query_length`-th token, and their token counts."""
    encoded = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True)
    kept, lengths = [], []
    for question, ids, offsets in zip(questions, encoded["input_ids"], encoded["offset_mapping"]):
        if len(ids) > max_query_length:
            question = question[: offsets[max_query_length - 1][1]]
        kept.append(question)
        lengths.append(min(len(ids), max_query_length))
    return kept, lengths


def make_windows(
    tokenizer: Any,
    questions: list[str],
    contexts: list[str],
    max_seq_len: int,
    doc_stride: int,
    max_query_length: int,
) -> QAWindows:
    """Tokenises every (question, context) pair and splits long contexts into overlapping windows.

    The question is truncated to `max_query_length` tokens; each context is split into windows of
    at most `max_seq_len` tokens in all, consecutive windows overlapping by `doc_stride` context
    tokens (the transformers pipeline's semantics). All pairs go through one fast-tokenizer call.

    Args:
        tokenizer: a fast (Rust-backed) transformers tokenizer.
        questions: one question per pair.
        contexts: one context per pair, as long as `questions`.
        max_seq_len: the most tokens in a window, special tokens included.
        doc_stride: how many context tokens consecutive windows share.
        max_query_length: the most question tokens kept.

    Returns:
        The windows, in pair order (the windows of pair 0 first, left to right).

    Raises:
        ValueError: lengths differ, or `doc_stride` leaves no room for new context tokens in a
            window (`doc_stride` must be < max_seq_len - special tokens - question tokens).
        TypeError: the tokenizer is not a fast tokenizer.
    """
    if len(questions) != len(contexts):
        raise ValueError(f"make_windows: {len(questions)} questions but {len(contexts)} contexts; give one of each per pair.")
    for name, value, minimum in (("max_seq_len", max_seq_len, 2), ("doc_stride", doc_stride, 0), ("max_query_length", max_query_length, 1)):
        check_int(value, name, owner="make_windows", minimum=minimum, error=ValueError)
    if not getattr(tokenizer, "is_fast", False):
        raise TypeError(
            f"make_windows needs a fast tokenizer (character offsets), got {type(tokenizer).__name__}. "
            "Load it with AutoTokenizer.from_pretrained(path) from a folder that has tokenizer.json."
        )
    has_token_types = "token_type_ids" in tokenizer.model_input_names
    if not questions:
        return QAWindows([], [], [] if has_token_types else None, [], [], [])
    questions, question_lengths = _truncate_questions(tokenizer, list(questions), max_query_length)
    special = tokenizer.num_special_tokens_to_add(pair=True)
    room = max_seq_len - special - max(question_lengths)
    if doc_stride >= room:
        raise ValueError(
            f"make_windows: doc_stride={doc_stride} leaves no room for new context tokens: a window of "
            f"max_seq_len={max_seq_len} tokens holds {special} special tokens and up to {max(question_lengths)} "
            f"question tokens, so at most {room} context tokens, and doc_stride (the overlap between windows) "
            f"must be smaller than that. Lower doc_stride or max_query_length, or raise max_seq_len."
        )
    encoded = tokenizer(
        questions,
        list(contexts),
        truncation="only_second",
        max_length=max_seq_len,
        stride=doc_stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_token_type_ids=has_token_types,
        padding=False,
    )
    offsets: list[list[tuple[int, int] | None]] = []
    word_ids: list[list[int | None]] = []
    for encoding in encoded.encodings:
        sequence_ids = encoding.sequence_ids
        offsets.append([o if s == 1 else None for o, s in zip(encoding.offsets, sequence_ids)])
        word_ids.append([w if s == 1 else None for w, s in zip(encoding.word_ids, sequence_ids)])
    return QAWindows(
        input_ids=encoded["input_ids"],
        attention_mask=encoded["attention_mask"],
        token_type_ids=encoded["token_type_ids"] if has_token_types else None,
        pair_index=list(encoded["overflow_to_sample_mapping"]),
        offsets=offsets,
        word_ids=word_ids,
    )


def context_bounds(offsets: Sequence[tuple[int, int] | None]) -> tuple[int, int] | None:
    """First and last token index (inclusive) of the context in one window, or None without context."""
    first = next((i for i, o in enumerate(offsets) if o is not None), None)
    if first is None:
        return None
    last = len(offsets) - 1
    while offsets[last] is None:
        last -= 1
    return first, last


def token_span(offsets: list[tuple[int, int] | None], start_char: int, end_char: int) -> tuple[int, int] | None:
    """Token indices (start, end), inclusive, of the context tokens covering `[start_char, end_char)`.

    Returns None when the span does not lie wholly inside this window's context, or is empty.

    Raises:
        ValueError: `end_char < start_char` or a negative offset.
    """
    if start_char < 0 or end_char < start_char:
        raise ValueError(f"token_span needs 0 <= start_char <= end_char, got {start_char}, {end_char}.")
    bounds = context_bounds(offsets)
    if bounds is None or end_char == start_char:
        return None
    first, last = bounds
    if start_char < offsets[first][0] or end_char > offsets[last][1]:  # type: ignore[index]
        return None
    start = first
    while start < last and offsets[start + 1][0] <= start_char:  # type: ignore[index]
        start += 1
    end = last
    while end > start and offsets[end - 1][1] >= end_char:  # type: ignore[index]
        end -= 1
    return start, end


BATCH_COST_TOKENS = 128
"""What one more forward pass costs on a CPU, in padded token positions: where `bucket_bounds` cuts batches.

Measured with minilm-l6-squad on 2 CPU cores (questions with their 10 BM25 passages, 30% padding in
one batch a question): costs of 64 to 256 cut the padding to 5-13% and the time by 20-30% (fp32)
and 40% (int8); 0 (one batch per length) is slower again, 1024 and more does not cut at all."""


def bucket_bounds(lengths: list[int], batch_size: int, batch_cost: int = BATCH_COST_TOKENS) -> list[int]:
    """Batch boundaries `[0, ..., len(lengths)]` for windows sorted longest first.

    Minimises the padded size of all batches (rows x longest row, summed) plus `batch_cost` per
    batch, with at most `batch_size` rows a batch: a question whose ten passages run from 120 to 256
    tokens gets two or three batches rather than one padded to 256 throughout (dynamic programming
    over cut points, vectorised over the last `batch_size` of them).
    """
    n = len(lengths)
    if n == 0:
        return [0]
    widths = np.asarray(lengths, dtype=np.float64)
    best = np.zeros(n + 1)
    cut = np.zeros(n + 1, dtype=np.int64)
    for end in range(1, n + 1):
        starts = np.arange(max(0, end - batch_size), end)
        costs = best[starts] + (end - starts) * widths[starts] + batch_cost  # row `start` is the batch's longest
        k = int(np.argmin(costs))
        best[end], cut[end] = costs[k], starts[k]
    bounds = [n]
    while bounds[-1] > 0:
        bounds.append(int(cut[bounds[-1]]))
    return bounds[::-1]


def padded_batches(
    windows: QAWindows,
    indices: list[int],
    batch_size: int,
    pad_token_id: int,
    bucket: bool = True,
    batch_cost: int | None = BATCH_COST_TOKENS,
) -> Iterator[tuple[list[int], dict[str, torch.Tensor]]]:
    """Yields `(window indices, model inputs)` batches of at most `batch_size` windows.

    With `bucket=True` the windows are sorted by length first (longest first, stable) and cut into
    batches where that saves more padding than another forward pass costs (`bucket_bounds`;
    `batch_cost` in padded token positions; None fills every batch, as suits a GPU). Inputs: `input_ids` (padded with `pad_token_id`), `attention_mask`, and
    `token_type_ids` when the windows have them; int64 CPU tensors.
    """
    import torch

    check_int(batch_size, "batch_size", owner="padded_batches", error=ValueError)
    lengths = {i: len(windows.input_ids[i]) for i in indices}
    order = sorted(indices, key=lambda i: -lengths[i]) if bucket else list(indices)
    if bucket and batch_cost is not None:
        bounds = bucket_bounds([lengths[i] for i in order], batch_size, batch_cost)
    else:
        bounds = list(range(0, len(order), batch_size)) + [len(order)]
    pad = 0 if pad_token_id is None else pad_token_id
    for begin, end in itertools.pairwise(bounds):
        rows = order[begin:end]
        width = max(lengths[i] for i in rows)
        ids = np.full((len(rows), width), pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        types = np.zeros((len(rows), width), dtype=np.int64) if windows.token_type_ids is not None else None
        for row, i in enumerate(rows):
            n = lengths[i]
            ids[row, :n] = windows.input_ids[i]
            mask[row, :n] = windows.attention_mask[i]
            if types is not None:
                types[row, :n] = windows.token_type_ids[i]  # type: ignore[index]
        inputs = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}
        if types is not None:
            inputs["token_type_ids"] = torch.from_numpy(types)
        yield rows, inputs
