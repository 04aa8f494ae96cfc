"""FAISSDocumentStore: the shared suite (Flat, HNSW), IVF training, SQL/FAISS consistency, save/load, embeddings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from hayrick import Document, Pipeline
from hayrick.errors import DocumentStoreError
from hayrick.stores.base import scale_similarity
from hayrick.testing.store_suite import (
    BM25Tests,
    DocumentStoreTests,
    EmbeddingTests,
    sample_labels,
)

try:
    import faiss
except ImportError:  # the [faiss] extra; CI installs it, so there a missing faiss is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("faiss is not installed: pip install 'hayrick[faiss]'", allow_module_level=True)

from hayrick.stores.faiss import FAISSDocumentStore, FAISSVectorIndex  # noqa: E402
from hayrick.stores.sql import SQLDocumentStore  # noqa: E402


class FakeRetriever:
    """Deterministic embeddings from the text: a fixed random projection of letter counts."""

    def __init__(self, dim: int = 8):
        self.dim = dim
        self.projection = np.random.default_rng(0).standard_normal((26, dim)).astype(np.float32)
        self.embedded: list[str] = []

    def embed(self, text: str) -> np.ndarray:
        counts = np.zeros(26, np.float32)
        for ch in text.lower():
            if "a" <= ch <= "z":
                counts[ord(ch) - ord("a")] += 1
        return counts @ self.projection

    def embed_documents(self, documents: list[Document]) -> np.ndarray:
        self.embedded += [d.content for d in documents]
        return np.stack([self.embed(d.content) for d in documents])


def random_documents(n: int, dim: int, seed: int = 0) -> list[Document]:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return [Document(content=f"doc {i}", meta={"i": i, "parity": i % 2}, embedding=v) for i, v in enumerate(vectors)]


def brute_force(docs: list[Document], query: np.ndarray, k: int, cosine: bool = False) -> list[str]:
    matrix = np.stack([d.embedding for d in docs])
    if cosine:
        matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        query = query / np.linalg.norm(query)
    scores = matrix @ query
    return [docs[i].id for i in np.argsort(-scores, kind="stable")[:k]]


def check_in_sync(store: FAISSDocumentStore, index: str | None = None) -> None:
    index = index or store.index
    faiss_index = store.faiss_indexes.get(index)
    assert (faiss_index.ntotal if faiss_index is not None else 0) == store.get_embedding_count(index=index)


# ---------------------------------------------------------------------------------- shared suite
class TestFAISSFlat(DocumentStoreTests, EmbeddingTests):
    @pytest.fixture()
    def document_store(self):
        store = FAISSDocumentStore(embedding_dim=4, progress_bar=False)
        yield store
        store.close()


class TestFAISSHNSW(DocumentStoreTests, EmbeddingTests):
    @pytest.fixture()
    def document_store(self):
        store = FAISSDocumentStore(embedding_dim=4, faiss_index_factory_str="HNSW", n_links=4, progress_bar=False)
        yield store
        check_in_sync(store)
        store.close()


class TestSQLWithAFAISSVectorIndex(DocumentStoreTests, BM25Tests, EmbeddingTests):
    """The vector index is a collaborator: a SQL store that takes one does BM25 and vector search."""

    @pytest.fixture()
    def document_store(self):
        store = SQLDocumentStore(url="sqlite://", use_bm25=True, vector_index=FAISSVectorIndex(embedding_dim=4))
        yield store
        store.close()


# ------------------------------------------------------------------------------------ index kinds
def test_hnsw_parameters_and_filtered_search_never_loses_results():
    store = FAISSDocumentStore(embedding_dim=8, faiss_index_factory_str="HNSW", n_links=8, ef_search=16, ef_construction=40, similarity="cosine")
    docs = random_documents(300, 8)
    store.write_documents(docs)
    inner = faiss.downcast_index(store.faiss_indexes["document"].index)
    assert isinstance(inner, faiss.IndexHNSWFlat)
    assert (inner.hnsw.efSearch, inner.hnsw.efConstruction, inner.hnsw.nb_neighbors(1)) == (16, 40, 8)
    query = np.random.default_rng(1).standard_normal(8).astype(np.float32)
    # a selective filter: 3 allowed documents among 300, which a plain HNSW search would mostly miss
    allowed = [d for d in docs if d.meta["i"] in (7, 150, 299)]
    hits = store.query_by_embedding(query, filters={"i": {"$in": [7, 150, 299]}}, top_k=5, scale_score=False)
    assert [d.id for d in hits] == brute_force(allowed, query, 5, cosine=True)
    # each document finds itself first (cosine), before and after deleting half of them (a rebuild)
    assert store.query_by_embedding(docs[42].embedding, top_k=1)[0].id == docs[42].id
    store.delete_documents(filters={"parity": 1})
    check_in_sync(store)
    assert store.faiss_indexes["document"].ntotal == 150
    hits = store.query_by_embedding(docs[42].embedding, top_k=150)
    assert hits[0].id == docs[42].id and all(d.meta["parity"] == 0 for d in hits)
    assert faiss.downcast_index(store.faiss_indexes["document"].index).hnsw.efSearch == 16


def test_ivf_needs_training_then_works():
    store = FAISSDocumentStore(embedding_dim=4, faiss_index_factory_str="IVF2,Flat")
    docs = random_documents(40, 4)
    with pytest.raises(DocumentStoreError, match=r"'IVF2,Flat' of index 'document' is not trained.*train_index"):
        store.write_documents(docs)
    assert store.get_document_count() == 0
    no_vectors = [Document(content="no vector yet", meta={"i": -1})]
    assert store.write_documents(no_vectors) == 1  # documents without embeddings need no training
    with pytest.raises(DocumentStoreError, match="not trained"):
        store.update_embeddings(FakeRetriever(4))
    with pytest.raises(DocumentStoreError, match="train_index needs embeddings"):
        store.train_index()
    store.train_index(documents=docs)
    store.write_documents(docs)
    faiss.extract_index_ivf(store.faiss_indexes["document"]).nprobe = 2  # search every list: exact
    query = np.ones(4, np.float32)
    assert [d.id for d in store.query_by_embedding(query, top_k=5)] == brute_force(docs, query, 5)
    odd = [d for d in docs if d.meta["parity"] == 1]
    assert [d.id for d in store.query_by_embedding(query, filters={"parity": 1}, top_k=3)] == brute_force(odd, query, 3)
    got = store.get_document_by_id(docs[3].id)
    assert got.embedding is None
    assert np.allclose(store.get_all_documents(return_embedding=True, filters={"i": 3})[0].embedding, docs[3].embedding)
    with pytest.raises(DocumentStoreError, match="holds 40 vectors already"):
        store.train_index(embeddings=np.ones((10, 4)))
    store.delete_documents(filters={"parity": 0})
    check_in_sync(store)
    assert store.faiss_indexes["document"].ntotal == 20
    store.delete_documents()
    assert store.faiss_indexes["document"].ntotal == 0 and store.faiss_indexes["document"].is_trained


def test_ivf_with_too_few_training_vectors_says_so():
    store = FAISSDocumentStore(embedding_dim=4, faiss_index_factory_str="IVF16,Flat")
    with pytest.raises(DocumentStoreError, match="Training 'IVF16,Flat' on 3 vectors failed"):
        store.train_index(embeddings=np.ones((3, 4), np.float32))


# ------------------------------------------------------------------------------------ consistency
@pytest.mark.parametrize("factory", ["Flat", "HNSW", "IVF2,Flat"])
def test_overwrite_and_delete_keep_sql_and_faiss_in_sync(factory):
    store = FAISSDocumentStore(embedding_dim=4, faiss_index_factory_str=factory, n_links=4)
    docs = random_documents(20, 4)
    if factory.startswith("IVF"):
        store.train_index(documents=docs)
        faiss.extract_index_ivf(store.faiss_indexes["document"]).nprobe = 2
    store.write_documents(docs)
    check_in_sync(store)
    # overwrite with a new vector: same count, the new vector is found
    new_vector = np.array([0, 0, 0, 100], np.float32)
    store.write_documents([Document(content="doc 3", meta={"i": 3}, embedding=new_vector)])
    check_in_sync(store)
    assert store.faiss_indexes["document"].ntotal == 20
    top = store.query_by_embedding(np.array([0, 0, 0, 1], np.float32), top_k=1, scale_score=False)[0]
    assert top.content == "doc 3" and top.score == pytest.approx(100.0)
    # overwrite without a vector: the old vector goes
    store.write_documents([Document(content="doc 3", meta={"i": 3})])
    check_in_sync(store)
    assert store.get_document_count(only_documents_without_embedding=True) == 1
    assert "doc 3" not in [d.content for d in store.query_by_embedding(np.ones(4, np.float32), top_k=20)]
    # skip keeps the stored vector
    store.write_documents([Document(content="doc 4", embedding=new_vector)], duplicate_documents="skip")
    assert np.allclose(store.get_all_documents(filters={"i": 4}, return_embedding=True)[0].embedding, docs[4].embedding)
    # deletes
    store.delete_documents(ids=[docs[0].id, docs[1].id])
    store.delete_documents(filters={"parity": 1})
    check_in_sync(store)
    assert store.get_embedding_count() == len([d for d in docs[2:] if d.meta["parity"] == 0 and d.meta["i"] != 3])
    hits = store.query_by_embedding(np.ones(4, np.float32), top_k=20)
    assert {d.meta["i"] for d in hits} == {i for i in range(2, 20, 2)}
    store.delete_documents()
    check_in_sync(store)
    assert store.query_by_embedding(np.ones(4, np.float32)) == []


def test_vectors_of_a_failed_write_are_not_kept(monkeypatch):
    store = FAISSDocumentStore(embedding_dim=4)
    docs = random_documents(4, 4)
    store.write_documents(docs[:2])
    original = store._delete_rows

    def failing_delete(conn, index, ids):
        original(conn, index, ids)
        raise DocumentStoreError("simulated SQL failure")

    monkeypatch.setattr(store, "_delete_rows", failing_delete)
    with pytest.raises(DocumentStoreError, match="simulated"):
        store.write_documents([docs[0], docs[2], docs[3]])
    check_in_sync(store)
    assert store.get_document_count() == 2 and store.faiss_indexes["document"].ntotal == 2


def test_dimension_mismatch_names_both_dims():
    store = FAISSDocumentStore(embedding_dim=4)
    with pytest.raises(DocumentStoreError, match=r"embedding of dimension 3, but this FAISSDocumentStore has embedding_dim=4"):
        store.write_documents([Document(content="a", embedding=[1.0, 2.0, 3.0])])
    store.write_documents(random_documents(3, 4))
    with pytest.raises(DocumentStoreError, match=r"query embedding have dimension 5 .*embedding_dim=4"):
        store.query_by_embedding(np.ones(5, np.float32))
    with pytest.raises(DocumentStoreError, match=r"FakeRetriever have dimension 8 .*embedding_dim=4"):
        store.update_embeddings(FakeRetriever(8))


# ---------------------------------------------------------------------------------- similarity
def test_cosine_vs_dot_product():
    docs = [Document(content="short", embedding=[1.0, 0.0]), Document(content="long", embedding=[10.0, 10.0])]
    query = np.array([1.0, 0.1], np.float32)
    dot = FAISSDocumentStore(embedding_dim=2, similarity="dot_product")
    cos = FAISSDocumentStore(embedding_dim=2, similarity="cosine", return_embedding=True)
    dot.write_documents(docs)
    cos.write_documents(docs)
    dot_hits = dot.query_by_embedding(query, scale_score=False)
    assert [d.content for d in dot_hits] == ["long", "short"] and dot_hits[0].score == pytest.approx(11.0)
    assert dot.query_by_embedding(query)[0].score == pytest.approx(scale_similarity(11.0, "dot_product"))
    cos_hits = cos.query_by_embedding(query, scale_score=False)
    expected = 1.0 / np.linalg.norm(query)
    assert [d.content for d in cos_hits] == ["short", "long"] and cos_hits[0].score == pytest.approx(expected, rel=1e-5)
    assert cos.query_by_embedding(query)[0].score == pytest.approx((expected + 1) / 2, rel=1e-5)
    assert np.allclose(cos_hits[1].embedding, [2**-0.5, 2**-0.5])  # stored normalised


# ------------------------------------------------------------------------------ update_embeddings
def test_update_embeddings_fills_and_refreshes_vectors(capsys):
    retriever = FakeRetriever(8)
    store = FAISSDocumentStore(embedding_dim=8, similarity="cosine")
    texts = ["great for reading", "battery died", "loud bass", "reading in sunlight", "comfortable fit"]
    store.write_documents([Document(content=t, meta={"n": i}) for i, t in enumerate(texts)])
    assert store.get_document_count(only_documents_without_embedding=True) == 5
    store.update_embeddings(retriever, batch_size=2)
    assert "Updating embeddings" in capsys.readouterr().err
    assert sorted(retriever.embedded) == sorted(texts) and store.get_embedding_count() == 5
    check_in_sync(store)
    top = store.query_by_embedding(retriever.embed("loud bass"), top_k=1)[0]
    assert top.content == "loud bass" and top.score == pytest.approx(1.0, abs=1e-5)
    # only new documents
    retriever.embedded.clear()
    store.write_documents([Document(content="new one", meta={"n": 9})])
    store.update_embeddings(retriever, update_existing_embeddings=False)
    assert retriever.embedded == ["new one"]
    # refresh a filtered subset: vectors replaced, not added
    retriever.embedded.clear()
    store.update_embeddings(retriever, filters={"n": {"$lt": 2}})
    assert sorted(retriever.embedded) == ["battery died", "great for reading"]
    check_in_sync(store)
    assert store.faiss_indexes["document"].ntotal == 6
    stored = {d.content: d.embedding for d in store.get_all_documents(return_embedding=True)}
    expected = retriever.embed("battery died")
    assert np.allclose(stored["battery died"], expected / np.linalg.norm(expected), atol=1e-6)


def test_update_embeddings_on_hnsw_replaces_vectors():
    retriever = FakeRetriever(8)
    store = FAISSDocumentStore(embedding_dim=8, faiss_index_factory_str="HNSW", n_links=4, progress_bar=False)
    store.write_documents([Document(content=t) for t in ["alpha", "beta", "gamma"]])
    store.update_embeddings(retriever)
    store.update_embeddings(retriever)
    check_in_sync(store)
    assert store.faiss_indexes["document"].ntotal == 3


# ----------------------------------------------------------------------------------- save / load
def test_save_and_load_give_the_same_results(tmp_path):
    url = f"sqlite:///{tmp_path / 'faiss.db'}"
    store = FAISSDocumentStore(sql_url=url, embedding_dim=4, faiss_index_factory_str="HNSW", n_links=4, ef_search=8, similarity="cosine")
    docs = random_documents(30, 4)
    store.write_documents(docs)
    store.write_documents(random_documents(5, 4, seed=1), index="other")
    store.write_labels(sample_labels())
    query = np.array([0.5, -1, 2, 0.1], np.float32)
    before = store.query_by_embedding(query, top_k=5)
    before_filtered = store.query_by_embedding(query, filters={"parity": 1}, top_k=3, index="document")
    store.save(tmp_path / "faiss.index")
    store.close()
    config = json.loads((tmp_path / "faiss.json").read_text())
    assert config["sql_url"] == url and config["embedding_dim"] == 4 and config["faiss_index_factory_str"] == "HNSW"
    assert config["similarity"] == "cosine" and config["faiss_index_files"] == {"document": "faiss.index", "other": "faiss.index.1"}
    loaded = FAISSDocumentStore.load(tmp_path / "faiss.index")
    assert (loaded.similarity, loaded.n_links, loaded.ef_search) == ("cosine", 4, 8)
    assert faiss.downcast_index(loaded.faiss_indexes["document"].index).hnsw.efSearch == 8
    after = loaded.query_by_embedding(query, top_k=5)
    assert [(d.id, d.score) for d in after] == [(d.id, d.score) for d in before]
    assert loaded.query_by_embedding(query, filters={"parity": 1}, top_k=3) == before_filtered
    assert loaded.faiss_indexes["other"].ntotal == 5 and loaded.get_label_count() == 3
    # a saved pipeline holds the paths, and loads the same store again
    p = Pipeline()
    p.add_node(component=loaded, name="DocumentStore", inputs=["File"])
    assert p.get_config()["components"][0]["params"] == {"faiss_index_path": str(tmp_path / "faiss.index")}
    p.save(tmp_path / "pipeline.yml")
    again = Pipeline.load(tmp_path / "pipeline.yml").get_node("DocumentStore")
    assert [d.id for d in again.query_by_embedding(query, top_k=5)] == [d.id for d in before]


@pytest.mark.parametrize("factory", ["Flat", "IVF2,Flat"])
def test_a_loaded_store_keeps_writing_and_deleting(tmp_path, factory):
    store = FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'db.sqlite'}", embedding_dim=4, faiss_index_factory_str=factory)
    docs = random_documents(12, 4)
    if factory.startswith("IVF"):
        store.train_index(documents=docs)
    store.write_documents(docs[:8])
    store.save(tmp_path / "store.index")
    store.close()
    loaded = FAISSDocumentStore.load(tmp_path / "store.index")
    loaded.write_documents(docs[8:])
    loaded.delete_documents(ids=[docs[0].id, docs[9].id])
    check_in_sync(loaded)
    assert loaded.faiss_indexes["document"].ntotal == 10
    by_id = {d.id: d for d in loaded.get_all_documents(return_embedding=True)}
    assert all(np.allclose(by_id[d.id].embedding, d.embedding) for d in docs if d.id in by_id)
    assert set(by_id) == {d.id for d in docs} - {docs[0].id, docs[9].id}


def test_load_refuses_an_index_out_of_sync_with_sql(tmp_path):
    url = f"sqlite:///{tmp_path / 'faiss.db'}"
    store = FAISSDocumentStore(sql_url=url, embedding_dim=4)
    store.write_documents(random_documents(3, 4))
    store.save(tmp_path / "index.faiss", tmp_path / "config.json")
    store.write_documents(random_documents(5, 4, seed=2)[3:])  # written after the save
    with pytest.raises(DocumentStoreError, match=r"holds 3 vectors, but .* has 5 documents with embeddings"):
        FAISSDocumentStore.load(tmp_path / "index.faiss", tmp_path / "config.json")
    with pytest.raises(DocumentStoreError, match="out of sync"):
        FAISSDocumentStore(sql_url=url, embedding_dim=4)  # a fresh FAISS index on a database with vectors


def test_save_and_load_errors(tmp_path):
    with pytest.raises(DocumentStoreError, match="sql_url='sqlite://' is in memory"):
        FAISSDocumentStore(embedding_dim=4).save(tmp_path / "x.index")
    with pytest.raises(DocumentStoreError, match="No FAISSDocumentStore config at"):
        FAISSDocumentStore.load(tmp_path / "missing.index")
    store = FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'db.sqlite'}", embedding_dim=4)
    store.save(tmp_path / "ok.index")
    with pytest.raises(DocumentStoreError, match="takes its parameters from the saved config; do not pass embedding_dim"):
        FAISSDocumentStore(faiss_index_path=tmp_path / "ok.index", embedding_dim=8)
    assert not (tmp_path / "ok.index.pkl").exists() and b"pickle" not in (tmp_path / "ok.json").read_bytes()


# ------------------------------------------------------------------------------------ node basics
def test_default_init():
    store = FAISSDocumentStore()
    assert (store.sql_url, store.embedding_dim, store.faiss_index_factory_str, store.similarity) == (
        "sqlite://",
        768,
        "Flat",
        "dot_product",
    )
    assert store.init_parameters == {} and store.in_memory and store.faiss_indexes == {}


def test_invalid_init():
    with pytest.raises(DocumentStoreError, match="'Flat2' is not a valid faiss.index_factory string"):
        FAISSDocumentStore(faiss_index_factory_str="Flat2")
    with pytest.raises(DocumentStoreError, match="similarity must be one of dot_product, cosine"):
        FAISSDocumentStore(similarity="l2")
    with pytest.raises(DocumentStoreError, match="embedding_dim must be a positive int"):
        FAISSDocumentStore(embedding_dim=0)
    with pytest.raises(DocumentStoreError, match="without an IDMap prefix"):
        FAISSDocumentStore(faiss_index_factory_str="IDMap,Flat")


def test_imports_stay_lazy_and_name_the_extra(monkeypatch):
    code = "import sys, hayrick.stores.faiss, hayrick.stores.sql; print('faiss' in sys.modules, 'sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    monkeypatch.setitem(sys.modules, "faiss", None)
    with pytest.raises(ImportError, match=r"pip install 'hayrick\[faiss\]' \(or pip install faiss-cpu\)"):
        FAISSDocumentStore(embedding_dim=4)
