"""MilvusDocumentStore on Milvus Lite (embedded, a file): the shared suite, filters as Milvus expressions,
persistence across processes, embeddings, and the error without the extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hayrick import Document
from hayrick.errors import DocumentStoreError
from hayrick.testing.store_suite import EMBEDDING_DIM, BM25Tests, DocumentStoreTests, EmbeddingTests, sample_documents
from tests.optional import need

need("pymilvus")
need("milvus_lite")

from hayrick.stores.milvus import MilvusDocumentStore  # noqa: E402


@pytest.fixture()
def milvus_uri(tmp_path: Path) -> str:
    return str(tmp_path / "milvus.db")


class TestMilvusSuite(DocumentStoreTests, BM25Tests, EmbeddingTests):
    @pytest.fixture()
    def document_store(self, milvus_uri: str):
        store = MilvusDocumentStore(uri=milvus_uri, embedding_dim=EMBEDDING_DIM, progress_bar=False)
        yield store
        store.close()


@pytest.fixture()
def store(milvus_uri: str):
    store = MilvusDocumentStore(uri=milvus_uri, embedding_dim=EMBEDDING_DIM, progress_bar=False)
    yield store
    store.close()


def test_default_init_is_milvus_lite_in_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = MilvusDocumentStore(progress_bar=False)
    assert (store.uri, store.index, store.embedding_dim, store.similarity) == ("./hayrick_milvus.db", "document", 768, "dot_product")
    store.write_documents([Document("hello there")])
    assert store.get_document_count() == 1
    store.close()
    assert (tmp_path / "hayrick_milvus.db").exists()


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"similarity": "manhattan"}, "similarity must be one of dot_product, cosine, l2"),
    ({"index_type": "DISKANN"}, "index_type must be one of FLAT, HNSW, IVF_FLAT"),
    ({"embedding_dim": 0}, "embedding_dim"),
    ({"index": "my-index"}, "collection names"),
    ({"duplicate_documents": "merge"}, "duplicate_documents"),
])  # fmt: skip
def test_invalid_init_is_refused(milvus_uri: str, kwargs: dict, says: str) -> None:
    with pytest.raises(DocumentStoreError, match=says):
        MilvusDocumentStore(uri=milvus_uri, **kwargs)


def test_a_missing_pymilvus_names_the_extra(monkeypatch: pytest.MonkeyPatch, milvus_uri: str) -> None:
    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(ImportError, match=r"pip install 'hayrick\[milvus\]'"):
        MilvusDocumentStore(uri=milvus_uri)


def test_save_and_load_through_yaml(milvus_uri: str) -> None:
    from hayrick import Pipeline

    store = MilvusDocumentStore(uri=milvus_uri, embedding_dim=EMBEDDING_DIM, similarity="cosine", progress_bar=False)
    pipeline = Pipeline()
    pipeline.add_node(store, "DocumentStore", ["File"])
    config = pipeline.get_config()
    (component,) = config["components"]
    assert component["type"] == "MilvusDocumentStore"
    assert component["params"] == {"uri": milvus_uri, "embedding_dim": EMBEDDING_DIM, "similarity": "cosine",
                                   "progress_bar": False}  # fmt: skip
    store.close()
    again = Pipeline.load_from_config(config).get_node("DocumentStore")
    assert isinstance(again, MilvusDocumentStore) and again.similarity == "cosine"
    again.close()


WRITER = """
import sys
from hayrick.stores.milvus import MilvusDocumentStore
store = MilvusDocumentStore(uri=sys.argv[1], embedding_dim=4, progress_bar=False)
store.write_documents([{"content": "the battery lasts three weeks", "meta": {"product": "ereader"},
                        "embedding": [1.0, 0.0, 0.0, 0.0]}])
store.close()
"""


def test_documents_persist_across_processes(milvus_uri: str) -> None:
    subprocess.run([sys.executable, "-c", WRITER, milvus_uri], check=True, timeout=120)
    store = MilvusDocumentStore(uri=milvus_uri, embedding_dim=EMBEDDING_DIM, progress_bar=False)
    try:
        assert [d.content for d in store.query("battery", filters={"product": "ereader"})] == ["the battery lasts three weeks"]
        assert store.query_by_embedding(np.array([1.0, 0, 0, 0]), top_k=1)[0].meta == {"product": "ereader"}
    finally:
        store.close()


class LetterCounts:
    def embed_documents(self, documents: list[Document]) -> np.ndarray:
        return np.array([[d.content.count(c) for c in "aeio"] for d in documents], dtype=np.float32)


def test_update_embeddings_fills_and_replaces(store: MilvusDocumentStore) -> None:
    docs = [Document(d.content, meta=d.meta) for d in sample_documents()]  # no embeddings
    store.write_documents(docs)
    assert store.get_embedding_count() == 0 and store.query_by_embedding(np.ones(4)) == []
    store.update_embeddings(LetterCounts(), update_existing_embeddings=False)
    assert store.get_embedding_count() == 5
    expected = LetterCounts().embed_documents(docs)
    got = {d.id: d.embedding for d in store.get_all_documents(return_embedding=True)}
    for doc, vector in zip(docs, expected):
        assert np.allclose(got[doc.id], vector)
    assert store.get_document_count() == 5  # replaced, not added
    top = store.query_by_embedding(np.array([0, 0, 1.0, 0]), top_k=1, scale_score=False)[0]
    assert top.score == max(v[2] for v in expected)


def test_filters_follow_hayricks_semantics_on_every_operator(store: MilvusDocumentStore) -> None:
    from hayrick.stores.filters import matches, parse_filters

    docs = sample_documents() + [
        Document("nested", meta={"classification": {"label": "positive", "score": 0.9}}),
        Document("dotted key", meta={"a.b": 1, "a": {"b": 2}}),
        Document('quote " and \\ backslash', meta={"name": 'it"s', "we\"ird": "x"}),
    ]
    store.write_documents(docs)
    cases = [
        {"item_id": "B1"}, {"item_id": ["B1", "B3"]}, {"rating": {"$gte": 3.5}}, {"rating": {"$lt": 4, "$gt": 2}},
        {"date": {"$gte": "2020-01-01"}}, {"tags": "battery"}, {"tags": ["kindle", "nothing"]},
        {"tags": {"$ne": "battery"}}, {"tags": {"$nin": ["kindle"]}}, {"rating": {"$ne": 5}},
        {"verified": True}, {"rating": 5.0}, {"rating": "5"}, {"$not": {"split": "train"}},
        {"$or": [{"split": "dev"}, {"rating": {"$lte": 2}}]}, {"$and": {"split": "train", "rating": {"$gt": 4}}},
        {"classification.label": "positive"}, {"classification.score": {"$gt": 0.5}}, {"a.b": 1}, {"a.b": 2},
        {"name": 'it"s'}, {'we"ird': "x"}, {"name": '" or id != "'}, {"item_id": {"$in": []}},
        {"$not": {"$or": [{"item_id": "B1"}, {"missing": {"$ne": 1}}]}},
    ]
    for filters in cases:
        tree = parse_filters(filters)
        expected = sorted(d.id for d in docs if matches(tree, d.meta))
        assert sorted(d.id for d in store.get_all_documents(filters=filters)) == expected, filters
        assert store.get_document_count(filters=filters) == len(expected), filters


def test_dense_and_bm25_search_filter_in_milvus(store: MilvusDocumentStore) -> None:
    store.write_documents(sample_documents())
    hits = store.query("reading", filters={"split": "dev"})
    assert [d.meta["item_id"] for d in hits] == ["B3"]
    dense = store.query_by_embedding(np.ones(EMBEDDING_DIM), filters={"rating": {"$gte": 4}}, top_k=10)
    assert {d.meta["item_id"] for d in dense} == {"B1", "B3"}
    assert all(0 < d.score < 1 for d in hits + dense)


def test_text_over_milvus_limit_is_refused_before_writing(store: MilvusDocumentStore) -> None:
    with pytest.raises(DocumentStoreError, match="Split long documents"):
        store.write_documents([Document("short"), Document("x" * 70_000)])
    assert store.get_document_count() == 0


def test_milvus_hybrid_yaml_with_minilm(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        minilm_path: str, one_torch_thread: None) -> None:
    from hayrick import Pipeline

    monkeypatch.setenv("DOCUMENTSTORE_PARAMS_URI", str(tmp_path / "hybrid.db"))
    monkeypatch.setenv("DOCUMENTSTORE_PARAMS_PROGRESS_BAR", "false")
    monkeypatch.setenv("RETRIEVER_PARAMS_EMBEDDING_MODEL", minilm_path)
    monkeypatch.setenv("RETRIEVER_PARAMS_USE_GPU", "false")
    monkeypatch.setenv("RETRIEVER_PARAMS_PROGRESS_BAR", "false")
    pipeline = Pipeline.load(repo_root / "yaml_pipelines" / "milvus_hybrid.yml")
    store = pipeline.get_document_store()
    assert isinstance(store, MilvusDocumentStore) and store is pipeline.get_node("Retriever").document_store
    store.write_documents([
        Document("Great for reading books at night, the backlight is even.", meta={"item_id": "B1"}),
        Document("The battery lasts a whole week.", meta={"item_id": "B1"}),
        Document("Bass is weak but the headphones are comfortable.", meta={"item_id": "B2"}),
        Document("Sound quality is great and the bass is deep.", meta={"item_id": "B3"}),
    ])  # fmt: skip
    store.update_embeddings(pipeline.get_node("Retriever"))
    result = pipeline.run(query="How long does the charge hold?", params={"JoinResults": {"top_k_join": 2}})
    assert result["documents"][0].content == "The battery lasts a whole week."  # by meaning: no word in common
    keyword = pipeline.run(query="bass headphones", params={"filters": {"item_id": ["B2", "B3"]}})
    assert keyword["documents"][0].content == "Bass is weak but the headphones are comfortable."
    assert {d.meta["item_id"] for d in keyword["documents"]} <= {"B2", "B3"}
    store.close()


def test_add_eval_data_and_pipeline_eval(store: MilvusDocumentStore, repo_root: Path) -> None:
    from hayrick import Pipeline
    from hayrick.nodes import BM25Retriever

    squad = repo_root / "tests" / "compat" / "haystack_samples" / "squad" / "small.json"
    store.add_eval_data(str(squad), doc_index="eval_document", label_index="eval_label")
    assert store.get_document_count(index="eval_document") == 87
    labels = store.get_all_labels_aggregated(index="eval_label", drop_negative_labels=True, drop_no_answers=True)
    assert len(labels) > 100
    retriever = BM25Retriever(document_store=store, top_k=5)
    pipeline = Pipeline()
    pipeline.add_node(retriever, "Retriever", ["Query"])
    result = pipeline.eval(labels[:40], params={"Retriever": {"index": "eval_document"}})
    recall = result.calculate_metrics()["Retriever"]["recall_single_hit"]
    assert 0.5 < recall <= 1.0


def test_awkward_values_are_escaped_or_refused_cleanly(store: MilvusDocumentStore) -> None:
    from hayrick.errors import FilterError

    odd = "bell\x07 tab\t nul\x00 quote\" back\\slash newline\n é"
    store.write_documents([Document("odd one", meta={"name": odd, "score": 1.5}), Document("plain", meta={"name": "x"})])
    assert [d.content for d in store.get_all_documents(filters={"name": odd})] == ["odd one"]
    assert store.get_document_count(filters={"score": np.float64(1.5)}) == 1
    for bad in ({"name": {"$in": [None]}}, {"name": {"$nin": ["x", None]}}, {"score": 2**70}, {"name": "\udc80"}):
        with pytest.raises(FilterError):
            store.get_all_documents(filters=bad)
    store.delete_documents(ids=[Document("odd one", meta={"name": odd, "score": 1.5}).id])
    assert [d.content for d in store.get_all_documents()] == ["plain"]


def test_a_bad_document_anywhere_in_a_batch_writes_nothing(store: MilvusDocumentStore) -> None:
    docs = [Document("one"), Document("two"), Document("three", meta={"big": 2**70})]
    with pytest.raises(DocumentStoreError, match="beyond 64 bits; nothing was written"):
        store.write_documents(docs, batch_size=2)
    with pytest.raises(DocumentStoreError, match="not a finite number"):
        store.write_documents([Document("four", meta={"x": float("nan")})])
    assert store.get_document_count() == 0


def test_documents_and_labels_may_share_an_index_name(store: MilvusDocumentStore) -> None:
    from hayrick.testing.store_suite import sample_labels

    store.write_documents(sample_documents(), index="shared")
    labels = sample_labels()
    store.write_labels(labels + labels[:1], index="shared")  # a repeated id in one batch
    assert store.get_document_count(index="shared") == 5 and store.get_label_count(index="shared") == len(labels)
    store.delete_index("shared")
    assert store.get_document_count(index="shared") == 0 and store.get_label_count(index="shared") == 0


@pytest.mark.parametrize(
    ("reopen", "says"),
    [
        ({"embedding_dim": EMBEDDING_DIM + 4}, f"embedding_dim={EMBEDDING_DIM}"),
        ({"similarity": "l2"}, "similarity='cosine' \\(this store: 'l2'\\)"),
        ({"use_bm25": False}, "use_bm25=True"),
    ],
)
def test_reopening_a_collection_with_other_settings_is_refused(milvus_uri: str, reopen: dict, says: str) -> None:
    settings = {"uri": milvus_uri, "embedding_dim": EMBEDDING_DIM, "similarity": "cosine", "progress_bar": False}
    first = MilvusDocumentStore(**settings)
    first.write_documents(sample_documents()[:3])
    first.close()
    other = MilvusDocumentStore(**{**settings, **reopen})
    try:
        with pytest.raises(DocumentStoreError, match=f"collection 'document' .*{says}.*recreate_index=True"):
            other.get_document_count()
    finally:
        other.close()
    same = MilvusDocumentStore(**settings)
    try:
        assert same.get_document_count() == 3  # nothing was lost by the refusal
    finally:
        same.close()
    fresh = MilvusDocumentStore(**{**settings, **reopen, "recreate_index": True})
    try:
        assert fresh.get_document_count() == 0
    finally:
        fresh.close()
