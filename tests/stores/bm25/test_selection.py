"""Top-k selection: the k best without a full sort, ties by position or by a key, in the index and alone."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from hayrick.stores.bm25 import BM25Index
from hayrick.stores.bm25.selection import kth_largest, top_k_positions


def test_ties_keep_insertion_order_and_a_re_add_moves_to_the_end():
    index = BM25Index()
    index.add_many(["a", "b", "c", "d"], [["same", "text"]] * 3 + [["other"]])
    assert [key for key, _ in index.top_k(["same"], 3)] == ["a", "b", "c"]
    index.add("a", ["same", "text"])
    assert [key for key, _ in index.top_k(["same"], 3)] == ["b", "c", "a"]
    assert [key for key, _ in index.top_k(["same"], 2)] == ["b", "c"]


def expected_order(scores, k, keys=None):
    """A stable full sort, best first; NaN counts as -inf."""
    keys = list(range(len(scores))) if keys is None else list(keys)
    value = [float("-inf") if s != s else s for s in scores]
    return sorted(range(len(scores)), key=lambda i: (-value[i], keys[i]))[: max(k, 0)]


def test_ties_at_the_kth_place_go_to_the_lower_position():
    scores = np.array([0.5, 1.0, 0.5, 0.5, 2.0, 0.5, 0.5, 0.5])
    assert top_k_positions(scores, 3).tolist() == [4, 1, 0]
    assert top_k_positions(scores, 5).tolist() == [4, 1, 0, 2, 3]
    assert top_k_positions(scores, 3, order_by=np.array([9, 9, 7, 3, 9, 1, 2, 9])).tolist() == [4, 1, 5]


def test_k_out_of_range():
    scores = np.array([0.1, 0.3, 0.2])
    assert top_k_positions(scores, 0).tolist() == [] and top_k_positions(scores, -2).tolist() == []
    assert top_k_positions(scores, 10).tolist() == [1, 2, 0]
    assert top_k_positions(np.array([]), 3).tolist() == []
    assert top_k_positions(scores, 2).dtype == np.int64


def test_nan_counts_as_minus_infinity():
    scores = np.array([0.5, np.nan, 0.9, 0.1])
    assert top_k_positions(scores, 2).tolist() == [2, 0]
    assert top_k_positions(np.array([np.nan, np.nan, 0.9, 0.1]), 2).tolist() == [2, 3]
    assert top_k_positions(np.array([np.nan, -np.inf, np.nan]), 3).tolist() == [0, 1, 2]


def test_kth_largest():
    assert kth_largest(np.array([3.0, 1.0, 2.0, 5.0]), 1) == 5.0
    assert kth_largest(np.array([3.0, 1.0, 2.0, 5.0]), 3) == 2.0


@given(
    scores=st.lists(  # few distinct values: many ties
        st.sampled_from([0.0, 1.0, 2.0, 2.5, 4.0, float("-inf"), float("inf"), float("nan")]), max_size=40
    ),
    k=st.integers(-1, 45),
    shuffle=st.randoms(use_true_random=False),
)
def test_equals_a_stable_full_sort(scores, k, shuffle):
    array = np.array(scores, np.float64)
    assert top_k_positions(array, k).tolist() == expected_order(scores, k)
    keys = list(range(len(scores)))
    shuffle.shuffle(keys)
    assert top_k_positions(array, k, order_by=np.array(keys, np.int64)).tolist() == expected_order(scores, k, keys)
