"""rank_bm25 0.2.2 as the reference the BM25 tests compare with."""

from __future__ import annotations

import numpy as np
import rank_bm25

from hayrick.stores.bm25 import BM25Index

RTOL = 1e-6


def reference(algorithm: str, docs: list[list[str]]) -> rank_bm25.BM25:
    return getattr(rank_bm25, algorithm)(docs)


def assert_same_scores(index: BM25Index, keys: list, ref: rank_bm25.BM25, queries: list[list[str]]) -> None:
    assert index.keys() == keys
    for query in queries:
        got = index.scores(query)
        assert list(got) == keys
        np.testing.assert_allclose(list(got.values()), ref.get_scores(query), rtol=RTOL, atol=0, err_msg=str(query))
