"""Span decoding on hand-made logits: best spans, bounds, no-answer, duplicates, the pipeline's arithmetic."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from hayrick.nodes.readers import decoding

NEG = -5.0


def _logits(width: int, values: dict[int, float]) -> np.ndarray:
    row = np.full(width, NEG, dtype=np.float32)
    for i, v in values.items():
        row[i] = v
    return row


def test_top_spans_picks_best_valid_spans_per_window():
    start = np.stack([_logits(8, {0: 9.0, 2: 5.0, 5: 4.0}), _logits(8, {3: 1.0})])
    end = np.stack([_logits(8, {0: 9.0, 1: 7.0, 3: 6.0, 6: 2.0}), _logits(8, {4: 2.0})])
    starts, ends, scores = decoding.top_spans(start, end, np.array([2, 3]), np.array([6, 4]), max_answer_length=5, top_k=3)
    # window 0: [CLS] (0) and token 1 lie outside the context [2, 6]: spans (2,3)=11, (5,6)=6, (2,6)=7
    assert list(zip(starts[0], ends[0], scores[0])) == [(2, 3, 11.0), (2, 6, 7.0), (5, 6, 6.0)]
    assert (starts[1, 0], ends[1, 0], scores[1, 0]) == (3, 4, 3.0)
    assert np.all(starts <= ends)


def test_top_spans_respects_max_answer_length_and_empty_context():
    start = _logits(10, {2: 8.0})[None]
    end = _logits(10, {7: 8.0, 4: 0.0})[None]
    best = decoding.top_spans(start, end, np.array([1]), np.array([9]), max_answer_length=6, top_k=1)
    assert (best[0][0, 0], best[1][0, 0], best[2][0, 0]) == (2, 7, 16.0)  # 6 tokens: allowed
    short = decoding.top_spans(start, end, np.array([1]), np.array([9]), max_answer_length=5, top_k=1)
    assert (short[0][0, 0], short[1][0, 0], short[2][0, 0]) == (2, 4, 8.0)  # (2, 7) is 6 tokens: too long
    none = decoding.top_spans(start, end, np.array([5]), np.array([4]), max_answer_length=5, top_k=2)
    assert np.all(np.isneginf(none[2]))
    many = decoding.top_spans(start, end, np.array([1]), np.array([2]), max_answer_length=5, top_k=50)
    assert np.isfinite(many[2]).sum() == 3  # (1,1), (1,2), (2,2)


def test_null_scores_and_confidence():
    start = np.array([[3.0, 1.0], [-2.0, 0.5]])
    end = np.array([[4.0, 0.0], [-1.0, 0.5]])
    assert decoding.null_scores(start, end).tolist() == [7.0, -3.0]
    assert decoding.null_scores(start, end, np.array([1, 1])).tolist() == [1.0, 1.0]
    assert decoding.confidence(0.0) == 0.5
    assert decoding.confidence(16.0) == pytest.approx(1 / (1 + math.exp(-2)))
    values = decoding.confidence(np.array([-50.0, -1.0, 3.0, 80.0]))
    assert np.all(np.diff(values) > 0) and values.min() >= 0 and values.max() <= 1


def test_widen_to_words():
    words = [None, None, 0, 0, 1, 2, 2, 2, None]
    assert decoding.widen_to_words(words, 3, 3) == (2, 3)
    assert decoding.widen_to_words(words, 4, 6) == (4, 7)
    assert decoding.widen_to_words(words, 2, 4) == (2, 4)


def test_filter_duplicates():
    spans = [(10, 20), (10, 20), (11, 19), (30, 35), (10, 40)]
    assert decoding.filter_duplicates(spans, 0) == [0, 2, 3, 4]
    assert decoding.filter_duplicates(spans, 1) == [0, 3, 4]
    assert decoding.filter_duplicates(spans, -1) == [0, 1, 2, 3, 4]


def _pipeline_by_hand(start, end, desired, top_k, max_answer_len):
    """The transformers 4.x pipeline's decoding written out naively, loop by loop."""
    start = [float(s) if d else -10000.0 for s, d in zip(start, desired)]
    end = [float(e) if d else -10000.0 for e, d in zip(end, desired)]
    p_start = [math.exp(s - max(start)) for s in start]
    p_end = [math.exp(e - max(end)) for e in end]
    p_start = [p / sum(p_start) for p in p_start]
    p_end = [p / sum(p_end) for p in p_end]
    null = p_start[0] * p_end[0]
    p_start[0] = p_end[0] = 0.0
    spans = []
    for s, e in itertools.product(range(len(start)), repeat=2):
        score = p_start[s] * p_end[e] if 0 <= e - s < max_answer_len else 0.0
        spans.append((score, s, e))
    spans.sort(key=lambda t: -t[0])
    kept = [(s, e, score) for score, s, e in spans[:top_k] if desired[s] and desired[e]]
    return kept, null


@pytest.mark.parametrize("seed", range(5))
def test_pipeline_spans_match_the_pipeline_arithmetic(seed):
    rng = np.random.default_rng(seed)
    width = 24
    start = rng.normal(0, 3, width).astype(np.float32)
    end = rng.normal(0, 3, width).astype(np.float32)
    desired = np.zeros(width, dtype=bool)
    desired[0] = True  # [CLS]
    desired[8:23] = True  # the context; 1..7 question, 23 [SEP]
    starts, ends, scores, null = decoding.pipeline_spans(start, end, desired, top_k=12, max_answer_len=4)
    expected, expected_null = _pipeline_by_hand(start, end, desired, 12, 4)
    assert null == pytest.approx(expected_null, rel=1e-5)
    assert [(s, e) for s, e, _ in expected] == list(zip(starts.tolist(), ends.tolist()))
    assert scores.tolist() == pytest.approx([score for _, _, score in expected], rel=1e-5)
    assert np.all((ends - starts >= 0) & (ends - starts < 4))
    assert scores.dtype == np.float32


def test_pipeline_spans_keep_zero_spans_from_cls_when_few_candidates():
    """With fewer positive candidates than asked for, spans at [CLS] (score 0) come back, as in the pipeline."""
    start = np.array([5.0, -1.0, 2.0, 1.0], dtype=np.float32)
    end = np.array([5.0, -1.0, 1.0, 3.0], dtype=np.float32)
    desired = np.array([True, False, True, True])  # token 1 is a question token
    starts, ends, scores, null = decoding.pipeline_spans(start, end, desired, top_k=6, max_answer_len=15)
    spans = list(zip(starts.tolist(), ends.tolist()))
    assert spans[:3] == [(2, 3), (3, 3), (2, 2)]
    expected, expected_null = _pipeline_by_hand(start, end, desired, 6, 15)
    assert scores[:3].tolist() == pytest.approx([score for _, _, score in expected[:3]], rel=1e-5)
    assert np.all(scores[3:] == 0) and all(s == 0 and desired[e] for s, e in spans[3:])
    assert null == pytest.approx(expected_null, rel=1e-5)
