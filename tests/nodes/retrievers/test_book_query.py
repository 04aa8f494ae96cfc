"""The book's first query: SubjQA electronics reviews in each store, filtered by product and split.

`retrieve("Is it good for reading?", top_k=3, filters={"item_id": ["B0074BW614"], "split": ["train"]})`
must return only that product's reviews, the one that says it is "great for reading books" among them.
"""

from __future__ import annotations

import os

import pytest

from hayrick.datasets import load_subjqa_documents
from hayrick.nodes import BM25Retriever, TfidfRetriever
from hayrick.stores import FAISSDocumentStore, InMemoryDocumentStore, SQLDocumentStore

QUERY = "Is it good for reading?"
FILTERS = {"item_id": ["B0074BW614"], "split": ["train"]}
BOOK_REVIEW = "it is great for reading books when no light is available"


@pytest.fixture(scope="module")
def reviews(shared_dir):
    return load_subjqa_documents(shared_dir / "datasets" / "subjqa" / "electronics")


def make_store(kind, tmp_path):
    if kind == "memory":
        return InMemoryDocumentStore(use_bm25=True)
    if kind == "sqlite":
        return SQLDocumentStore(url=f"sqlite:///{tmp_path / 'book.db'}", use_bm25=True)
    if kind == "postgresql":
        url = os.environ.get("HAYRICK_TEST_POSTGRES_URL")
        if not url:
            if os.environ.get("CI"):
                pytest.fail("HAYRICK_TEST_POSTGRES_URL is not set in CI")
            pytest.skip("HAYRICK_TEST_POSTGRES_URL is not set; run `export HAYRICK_TEST_POSTGRES_URL=$(bash .ci/postgres.sh)`")
        return SQLDocumentStore(url=url, index=f"book_{tmp_path.name[-12:]}", use_bm25=True)
    return FAISSDocumentStore(sql_url="sqlite://", embedding_dim=384)


def check_answer(docs):
    assert 1 <= len(docs) <= 3
    assert {d.meta["item_id"] for d in docs} == {"B0074BW614"}
    assert all("train" in d.meta["split"] for d in docs)
    assert any(BOOK_REVIEW in d.content for d in docs), [d.content[:80] for d in docs]


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgresql"])
def test_bm25_finds_the_review_about_reading_books(reviews, kind, tmp_path):
    store = make_store(kind, tmp_path)
    try:
        store.write_documents(reviews)
        assert store.get_document_count() == 1615
        check_answer(BM25Retriever(document_store=store).retrieve(query=QUERY, top_k=3, filters=FILTERS))
    finally:
        if kind == "postgresql":
            store.delete_index(store.index)


@pytest.mark.parametrize("kind", ["memory", "sqlite", "faiss"])
def test_tfidf_finds_it_in_every_store(reviews, kind, tmp_path):
    store = make_store(kind, tmp_path)
    store.write_documents(reviews)
    check_answer(TfidfRetriever(document_store=store).retrieve(query=QUERY, top_k=3, filters=FILTERS))
