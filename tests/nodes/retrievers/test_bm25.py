"""BM25Retriever: it needs a BM25 store; filters, top_k, score scaling, all terms, batches.

Init, config round trip and pipelines: test_base.py, with the other sparse retrievers.
"""

from __future__ import annotations

import math

import pytest

from hayrick.errors import ComponentError
from hayrick.nodes import BM25Retriever
from hayrick.stores.memory import InMemoryDocumentStore
from tests.nodes.retrievers.reviews import REVIEWS, review_store


@pytest.fixture()
def store():
    return review_store()


def test_bm25_needs_a_bm25_store():
    with pytest.raises(ComponentError, match=r"has no BM25 index. Build it with use_bm25=True"):
        BM25Retriever(document_store=InMemoryDocumentStore())


def test_bm25_retrieve_filters_and_top_k(store):
    retriever = BM25Retriever(document_store=store, top_k=3)
    docs = retriever.retrieve("good for reading?")
    assert [d.content for d in docs] == [REVIEWS[0][0], REVIEWS[1][0]]
    only_test = retriever.retrieve("reading", filters={"split": ["test"]})
    assert [d.meta["split"] for d in only_test] == ["test"]
    assert len(retriever.retrieve("bass great reading", top_k=1)) == 1
    raw = BM25Retriever(document_store=store, scale_score=False).retrieve("battery")
    scaled = retriever.retrieve("battery")
    assert raw[0].score > 0 and scaled[0].score == pytest.approx(1 / (1 + math.exp(-raw[0].score / 8)))
    strict = BM25Retriever(document_store=store, all_terms_must_match=True).retrieve("bass deep")
    assert [d.content for d in strict] == [REVIEWS[3][0]]
    batches = retriever.retrieve_batch(["reading", "bass"], filters=[{"item_id": "B1"}, None])
    assert [len(b) for b in batches] == [2, 2]
    with pytest.raises(ComponentError, match="2 filters for 1 queries"):
        retriever.retrieve_batch(["x"], filters=[None, None])
