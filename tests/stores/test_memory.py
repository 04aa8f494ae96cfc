"""InMemoryDocumentStore: the shared suite, BM25 parity with rank_bm25, updates, threads, persistence."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from hayrick import Document, Pipeline
from hayrick.errors import DocumentStoreError
from hayrick.stores.memory import InMemoryDocumentStore
from hayrick.testing.store_suite import (
    EMBEDDING_DIM,
    BM25Tests,
    DocumentStoreTests,
    EmbeddingTests,
    sample_documents,
    sample_labels,
)

REFERENCE = {"BM25Okapi": BM25Okapi, "BM25L": BM25L, "BM25Plus": BM25Plus}


class TestInMemorySuite(DocumentStoreTests, BM25Tests, EmbeddingTests):
    @pytest.fixture()
    def document_store(self):
        return InMemoryDocumentStore(use_bm25=True, embedding_dim=EMBEDDING_DIM, progress_bar=False)


@pytest.fixture(scope="module")
def review_documents(shared_dir):
    from hayrick.datasets import load_subjqa_documents

    return load_subjqa_documents(shared_dir / "datasets" / "subjqa" / "electronics")


def test_default_init():
    store = InMemoryDocumentStore()
    assert (store.index, store.similarity, store.use_bm25, store.bm25_algorithm) == ("document", "dot_product", False, "BM25Okapi")
    assert store.get_document_count() == 0
    with pytest.raises(DocumentStoreError, match=r"no BM25 index: build it with InMemoryDocumentStore\(use_bm25=True\)"):
        store.query("x")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"similarity": "l2"}, "similarity must be one of dot_product, cosine"),
        ({"duplicate_documents": "merge"}, "duplicate_documents must be one of"),
        ({"bm25_algorithm": "BM25"}, "bm25_algorithm must be one of BM25Okapi, BM25L, BM25Plus"),
        ({"bm25_tokenization_regex": "("}, "not a valid regex"),
        ({"embedding_dim": 0}, "embedding_dim must be a positive int"),
        ({"bm25_parameters": {"b": 2}}, r"b must be in \[0, 1\]"),
        ({"bm25_algorithm": "BM25Okapi", "bm25_parameters": {"delta": 1}}, "delta applies to BM25L and BM25Plus only"),
    ],
)
def test_invalid_init(kwargs, message):
    with pytest.raises(DocumentStoreError, match=message):
        InMemoryDocumentStore(**kwargs)


def test_embedding_of_the_wrong_length_writes_nothing():
    store = InMemoryDocumentStore(embedding_dim=4)
    with pytest.raises(DocumentStoreError, match=r"embedding of length 3, but this store has embedding_dim=4"):
        store.write_documents([Document(content="ok"), Document(content="bad", embedding=[1.0, 2.0, 3.0])])
    assert store.get_document_count() == 0


@pytest.mark.parametrize("algorithm", ["BM25Okapi", "BM25L", "BM25Plus"])
def test_scores_equal_rank_bm25_on_real_reviews(review_documents, algorithm):
    docs = review_documents[:800]
    store = InMemoryDocumentStore(use_bm25=True, bm25_algorithm=algorithm)
    store.write_documents(docs)
    reference = REFERENCE[algorithm]([store.tokenize(d.content) for d in docs])
    for query in ["Is it good for reading?", "battery life of the tablet", "how is the sound quality", "zzz unknown"]:
        expected = reference.get_scores(store.tokenize(query))
        hits = store.query(query, top_k=len(docs), scale_score=False)
        got = {d.id: d.score for d in hits}
        for doc, score in zip(docs, expected):
            if doc.id in got:
                assert got[doc.id] == pytest.approx(score, rel=1e-6, abs=1e-9)
        # every document that holds a query term is returned, ordered by score
        assert [d.score for d in hits] == sorted((d.score for d in hits), reverse=True)


def test_writes_and_deletes_after_indexing_keep_scores_right(review_documents):
    docs = review_documents[:300]
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents(docs[:200])
    store.delete_documents(ids=[d.id for d in docs[:50]])
    store.write_documents(docs[200:])
    store.update_document_meta(docs[60].id, {"item_id": "changed"})
    survivors = docs[50:]
    fresh = InMemoryDocumentStore(use_bm25=True)
    fresh.write_documents(survivors)
    reference = BM25Okapi([store.tokenize(d.content) for d in survivors])
    query = "great screen for reading books"
    expected = dict(zip([d.id for d in survivors], reference.get_scores(store.tokenize(query))))
    hits = store.query(query, top_k=10, scale_score=False)
    assert [d.id for d in hits] == [d.id for d in fresh.query(query, top_k=10, scale_score=False)]
    for doc in hits:
        assert doc.score == pytest.approx(expected[doc.id], rel=1e-6)


def test_concurrent_readers_and_writers_lose_nothing(review_documents):
    docs = review_documents[:400]
    store = InMemoryDocumentStore(use_bm25=True)
    errors = []

    def writer(part):
        try:
            for start in range(0, len(part), 10):
                store.write_documents(part[start : start + 10])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader():
        try:
            for _ in range(30):
                store.query("battery screen reading", top_k=5, filters={"split": ["train"]})
                store.get_document_count()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(docs[i::4],)) for i in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.get_document_count() == len(docs)
    fresh = InMemoryDocumentStore(use_bm25=True)
    fresh.write_documents(docs)
    query = "sound quality of the speakers"
    assert [(d.id, round(d.score, 9)) for d in store.query(query, top_k=10)] == [
        (d.id, round(d.score, 9)) for d in fresh.query(query, top_k=10)
    ]


def test_save_and_load_keep_documents_embeddings_and_labels(tmp_path):
    store = InMemoryDocumentStore(use_bm25=True, embedding_dim=EMBEDDING_DIM, similarity="cosine", bm25_algorithm="BM25Plus")
    docs = sample_documents()
    store.write_documents(docs[:3])
    store.write_documents([Document(content="no embedding", meta={"k": 1})], index="other")
    store.write_labels(sample_labels())
    folder = store.save(tmp_path / "saved")
    assert not list(folder.glob("*.pkl")) and (folder / "store.json").is_file()
    loaded = InMemoryDocumentStore.load(folder)
    assert loaded.init_parameters == store.init_parameters
    assert loaded.get_all_documents(return_embedding=True) == store.get_all_documents(return_embedding=True)
    assert loaded.get_all_documents(index="other") == store.get_all_documents(index="other")
    assert loaded.get_all_labels() == store.get_all_labels()
    assert loaded.query("reading", top_k=3) == store.query("reading", top_k=3)
    q = np.ones(EMBEDDING_DIM, dtype=np.float32)
    assert loaded.query_by_embedding(q, top_k=2) == store.query_by_embedding(q, top_k=2)
    with pytest.raises(DocumentStoreError, match="no store.json"):
        InMemoryDocumentStore.load(tmp_path)


def test_update_embeddings_with_a_retriever():
    class LengthEmbedder:
        def embed_documents(self, documents):
            return np.array([[len(d.content), 1.0, 0.0, 0.0] for d in documents], dtype=np.float32)

    store = InMemoryDocumentStore(embedding_dim=4, progress_bar=False)
    store.write_documents([Document(content="short"), Document(content="a much longer text")])
    assert store.get_document_count(only_documents_without_embedding=True) == 2
    store.update_embeddings(LengthEmbedder(), batch_size=1)
    assert store.get_document_count(only_documents_without_embedding=True) == 0
    top = store.query_by_embedding(np.array([1.0, 0, 0, 0]), top_k=1, scale_score=False)
    assert top[0].content == "a much longer text" and top[0].score == pytest.approx(18.0)


def test_config_round_trip_as_a_pipeline_node():
    store = InMemoryDocumentStore(use_bm25=True, bm25_algorithm="BM25L", bm25_parameters={"k1": 1.2}, embedding_dim=4)
    p = Pipeline()
    p.add_node(store, "DocumentStore", ["File"])
    config = p.get_config(pipeline_name="indexing")
    assert config["components"][0] == {
        "name": "DocumentStore",
        "type": "InMemoryDocumentStore",
        "params": {"use_bm25": True, "bm25_algorithm": "BM25L", "bm25_parameters": {"k1": 1.2}, "embedding_dim": 4},
    }
    loaded = Pipeline.load(config).get_node("DocumentStore")
    assert isinstance(loaded, InMemoryDocumentStore) and loaded.bm25_algorithm == "BM25L"
    loaded.run(documents=sample_documents())
    assert loaded.get_document_count() == 5


def test_a_numpy_embedding_dim_is_stored_as_an_int(tmp_path):
    store = InMemoryDocumentStore(embedding_dim=np.int64(4))
    assert type(store.embedding_dim) is int
    store.save(tmp_path / "store")  # JSON: a numpy int would not serialise
    assert InMemoryDocumentStore.load(tmp_path / "store").embedding_dim == 4
