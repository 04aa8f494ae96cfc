"""make_windows, token_span, padded_batches: overlap, truncation, offsets, bucketing, errors."""

from __future__ import annotations

import itertools
import random

import pytest

from hayrick.nodes.readers.windows import (
    QAWindows,
    bucket_bounds,
    context_bounds,
    make_windows,
    padded_batches,
    token_span,
)

LONG = " ".join(f"carla lives in berlin {'and' if i % 2 else 'or'} john lives in paris number {i % 10} ." for i in range(12))


@pytest.fixture(scope="module")
def bert_tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir("bert"))


@pytest.fixture(scope="module")
def roberta_tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir("roberta"))


def _context_offsets(windows: QAWindows, w: int) -> list[tuple[int, int]]:
    return [o for o in windows.offsets[w] if o is not None]


def test_windows_overlap_by_doc_stride_and_cover_the_context(bert_tokenizer):
    windows = make_windows(bert_tokenizer, ["who lives in berlin ?", "short ?"], [LONG, "rome is old ."], 32, 8, 10)
    long_windows = [w for w in range(len(windows)) if windows.pair_index[w] == 0]
    assert windows.pair_index == sorted(windows.pair_index) and windows.pair_index[-1] == 1
    assert len(long_windows) > 3 and windows.pair_index.count(1) == 1
    assert all(len(ids) <= 32 for ids in windows.input_ids)
    for a, b in itertools.pairwise(long_windows):
        left, right = _context_offsets(windows, a), _context_offsets(windows, b)
        assert left[-8:] == right[:8]  # exactly doc_stride shared tokens
        assert left[-9] != right[0]
    full = bert_tokenizer(LONG, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    seen = sorted({o for w in long_windows for o in _context_offsets(windows, w)})
    assert seen == sorted(full)
    assert windows.token_type_ids is not None and len(windows) == len(windows.offsets) == len(windows.attention_mask)


def test_offsets_are_character_exact(bert_tokenizer, roberta_tokenizer):
    context = "Carla lives in Berlin, John lives in Paris (France)."
    for tokenizer in (bert_tokenizer, roberta_tokenizer):
        windows = make_windows(tokenizer, ["Who lives in Berlin?"], [context], 64, 16, 16)
        tokens = tokenizer.convert_ids_to_tokens(windows.input_ids[0])
        for token, offset in zip(tokens, windows.offsets[0]):
            if offset is None:
                continue
            text = context[offset[0] : offset[1]]
            piece = token.removeprefix("##").replace("\u0120", "")  # WordPiece continuation, byte-level space
            assert text == text.strip() and text.lower() == piece.lower()  # a lone byte-level space is empty
        assert windows.offsets[0][0] is None  # [CLS] / <s>
    assert make_windows(roberta_tokenizer, ["Who?"], [context], 64, 16, 16).token_type_ids is None


def test_question_truncated_to_max_query_length(bert_tokenizer):
    question = " ".join(["who lives in berlin"] * 10)
    windows = make_windows(bert_tokenizer, [question, "who ?"], [LONG, LONG], 48, 8, 6)
    encoding_question = bert_tokenizer(question, add_special_tokens=False)["input_ids"]
    for w in range(len(windows)):
        n_question = sum(1 for o in windows.offsets[w] if o is None) - 3  # [CLS] [SEP] [SEP]
        expected = 6 if windows.pair_index[w] == 0 else 2
        assert n_question == expected
        if windows.pair_index[w] == 0:
            assert windows.input_ids[w][1:7] == encoding_question[:6]


def test_bad_stride_and_arguments_raise(bert_tokenizer):
    with pytest.raises(ValueError, match=r"doc_stride=24 leaves no room .* at most 24 context tokens"):
        make_windows(bert_tokenizer, ["who lives in berlin ?"], [LONG], 32, 24, 10)
    with pytest.raises(ValueError, match="2 questions but 1 contexts"):
        make_windows(bert_tokenizer, ["a", "b"], [LONG], 32, 8, 10)
    with pytest.raises(ValueError, match="max_seq_len must be an int"):
        make_windows(bert_tokenizer, ["a"], [LONG], "32", 8, 10)
    with pytest.raises(ValueError, match="doc_stride must be an int >= 0"):
        make_windows(bert_tokenizer, ["a"], [LONG], 32, -1, 10)
    empty = make_windows(bert_tokenizer, [], [], 32, 8, 10)
    assert len(empty) == 0 and empty.pair_index == []


def test_token_span(bert_tokenizer):
    windows = make_windows(bert_tokenizer, ["who ?"], [LONG], 24, 6, 4)
    start = LONG.index("berlin", 200)
    end = start + len("berlin")
    inside = [w for w in range(len(windows)) if token_span(windows.offsets[w], start, end) is not None]
    assert inside, "the span must lie in some window"
    for w in inside:
        s, e = token_span(windows.offsets[w], start, end)
        assert s <= e and windows.offsets[w][s][0] == start and windows.offsets[w][e][1] == end
    outside = [w for w in range(len(windows)) if w not in inside]
    assert outside and all(token_span(windows.offsets[w], start, end) is None for w in outside)
    # a span of several tokens, and one starting mid-token, map to the covering tokens
    first = windows.offsets[0]
    lo, hi = context_bounds(first)
    s, e = token_span(first, first[lo][0] + 1, first[lo + 2][1])
    assert (s, e) == (lo, lo + 2)
    assert token_span(first, first[lo][0], first[lo][0]) is None  # empty span
    assert token_span(first, first[hi][0], first[hi][1] + 1) is None  # runs past the window
    with pytest.raises(ValueError, match="start_char <= end_char"):
        token_span(first, 5, 3)


def test_padded_batches_bucket_by_length(bert_tokenizer, roberta_tokenizer):
    questions = ["who ?"] * 4
    contexts = ["rome .", LONG, "carla lives in berlin and john lives in paris .", "old ."]
    windows = make_windows(bert_tokenizer, questions, contexts, 40, 8, 4)
    all_rows = list(range(len(windows)))
    batches = list(padded_batches(windows, all_rows, 3, bert_tokenizer.pad_token_id))
    assert sorted(r for rows, _ in batches for r in rows) == all_rows
    lengths = [len(windows.input_ids[r]) for rows, _ in batches for r in rows]
    assert lengths == sorted(lengths, reverse=True)
    for rows, inputs in batches:
        assert set(inputs) == {"input_ids", "attention_mask", "token_type_ids"}
        assert inputs["input_ids"].shape == (len(rows), max(len(windows.input_ids[r]) for r in rows))
        for row, r in enumerate(rows):
            n = len(windows.input_ids[r])
            assert inputs["input_ids"][row, :n].tolist() == windows.input_ids[r]
            assert inputs["attention_mask"][row].sum().item() == n
            assert (inputs["input_ids"][row, n:] == bert_tokenizer.pad_token_id).all()
    unbucketed = [rows for rows, _ in padded_batches(windows, [3, 0, 1], 2, 0, bucket=False)]
    assert unbucketed == [[3, 0], [1]]
    rwindows = make_windows(roberta_tokenizer, ["Who?"], ["Berlin is big."], 40, 8, 4)
    (_, inputs), = padded_batches(rwindows, [0], 8, roberta_tokenizer.pad_token_id)
    assert set(inputs) == {"input_ids", "attention_mask"}
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        next(padded_batches(windows, all_rows, 0, 0))


def _padded_cost(lengths, bounds, batch_cost):
    return sum((end - begin) * lengths[begin] + batch_cost for begin, end in itertools.pairwise(bounds))


def test_bucket_bounds_cut_where_padding_costs_more_than_a_batch():
    lengths = [256] * 6 + [120] * 5  # one question's passages: six full windows, five short ones
    assert bucket_bounds(lengths, 50, batch_cost=128) == [0, 6, 11]  # 5 x 136 padded positions > 128
    assert bucket_bounds(lengths, 50, batch_cost=10_000) == [0, 11]  # a batch costs more than the padding
    capped = bucket_bounds([200] * 7, 3, batch_cost=1)  # never more than batch_size rows a batch
    assert len(capped) == 4 and all(0 < b - a <= 3 for a, b in itertools.pairwise(capped))
    assert bucket_bounds([], 4) == [0]
    # the dynamic programme finds the cheapest cut points: checked against every way to cut small inputs
    rng = random.Random(7)
    for _ in range(200):
        n, batch_size, cost = rng.randint(1, 8), rng.randint(1, 5), rng.choice([0, 16, 64, 300])
        lengths = sorted((rng.randint(5, 256) for _ in range(n)), reverse=True)
        bounds = bucket_bounds(lengths, batch_size, cost)
        assert bounds[0] == 0 and bounds[-1] == n and all(0 < b - a <= batch_size for a, b in itertools.pairwise(bounds))
        best = min(
            _padded_cost(lengths, [0, *cuts, n], cost)
            for k in range(n)
            for cuts in itertools.combinations(range(1, n), k)
            if all(0 < b - a <= batch_size for a, b in itertools.pairwise([0, *cuts, n]))
        )
        assert _padded_cost(lengths, bounds, cost) == best


def test_padded_batches_on_a_cpu_pad_less_than_one_batch(bert_tokenizer):
    contexts = [LONG] * 3 + ["rome ."] * 3
    windows = make_windows(bert_tokenizer, ["who ?"] * 6, contexts, 40, 8, 4)
    rows = list(range(len(windows)))
    one = list(padded_batches(windows, rows, 64, 0, batch_cost=None))  # filled batches (a GPU's)
    cut = list(padded_batches(windows, rows, 64, 0))  # default: the CPU cost
    assert len(one) == 1 and len(cut) > 1
    padded = [sum(inputs["input_ids"].numel() for _, inputs in batches) for batches in (one, cut)]
    assert padded[1] < padded[0]
    assert sorted(r for batch, _ in cut for r in batch) == rows
