"""Haystack 1.26's store calls that Haystack users make: batch queries, counts, generators, label filters, nested meta."""

from __future__ import annotations

import json
import logging
import os
import uuid
from pathlib import Path

import numpy as np
import pytest

from hayrick import Document
from hayrick.errors import DocumentStoreError
from hayrick.schema import Answer, Label, Span
from hayrick.stores import FAISSDocumentStore, InMemoryDocumentStore, SQLDocumentStore
from hayrick.stores.base import BaseDocumentStore

REVIEWS = [
    ("Great for reading books at night.", {"item_id": "B1", "classification": {"label": "pos", "score": 0.9}}),
    ("The battery lasts a week of reading.", {"item_id": "B1", "classification": {"label": "pos", "score": 0.6}}),
    ("Bass is weak but comfortable.", {"item_id": "B2", "classification": {"label": "neg", "score": 0.8}}),
]


def vectors(n: int) -> np.ndarray:
    return np.eye(4, dtype=np.float32)[:n]


def filled(store: BaseDocumentStore) -> BaseDocumentStore:
    store.write_documents([Document(content=c, meta=m, embedding=v) for (c, m), v in zip(REVIEWS, vectors(3))])
    return store


@pytest.fixture(params=["memory", "sql"])
def bm25_store(request, tmp_path) -> BaseDocumentStore:
    if request.param == "memory":
        return filled(InMemoryDocumentStore(use_bm25=True, embedding_dim=4))
    return filled(SQLDocumentStore(url=f"sqlite:///{tmp_path / 's.db'}", use_bm25=True))


@pytest.fixture(params=["memory", "faiss"])
def store(request, tmp_path) -> BaseDocumentStore:
    if request.param == "memory":
        return filled(InMemoryDocumentStore(embedding_dim=4))
    return filled(FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'f.db'}", embedding_dim=4))


def test_query_batch_with_one_filter_or_one_per_query(bm25_store):
    store = bm25_store
    both = store.query_batch(["reading", "bass"], top_k=2)
    assert [[d.content for d in docs] for docs in both] == [
        [d.content for d in store.query("reading", top_k=2)], [d.content for d in store.query("bass", top_k=2)]
    ]
    per = store.query_batch(["reading", "reading"], filters=[{"item_id": "B1"}, {"item_id": "B2"}])
    assert [len(docs) for docs in per] == [2, 0]
    with pytest.raises(DocumentStoreError, match="2 filters for 1 queries"):
        store.query_batch(["x"], filters=[None, None])


def test_query_by_embedding_batch(store):
    found = store.query_by_embedding_batch(vectors(2), top_k=1)
    assert [docs[0].content for docs in found] == [REVIEWS[0][0], REVIEWS[1][0]]
    filtered = store.query_by_embedding_batch(list(vectors(1)), filters={"item_id": "B2"}, top_k=1)
    assert [docs[0].content for docs in filtered] == [REVIEWS[2][0]]


def test_counts_and_the_generator(store):
    store.write_documents([Document(content="no vector yet", meta={"item_id": "B3"})])
    assert store.get_embedding_count() == 3 and store.get_embedding_count(filters={"item_id": "B3"}) == 0
    assert [d.id for d in store.get_all_documents_generator(batch_size=2)] == [d.id for d in store.get_all_documents()]
    ids = [d.id for d in store.get_all_documents()][::-1]
    assert [d.id for d in store.get_documents_by_id(ids, batch_size=1)] == ids


@pytest.mark.parametrize("kind", ["memory", "sql", "postgres"])
def test_dotted_keys_reach_nested_meta(kind, tmp_path):
    if kind == "postgres" and not os.environ.get("HAYRICK_TEST_POSTGRES_URL"):
        pytest.skip("HAYRICK_TEST_POSTGRES_URL is not set; run `export HAYRICK_TEST_POSTGRES_URL=$(bash .ci/postgres.sh)`")
    if kind == "memory":
        store = InMemoryDocumentStore()
    else:
        url = f"sqlite:///{tmp_path / 'n.db'}" if kind == "sql" else os.environ["HAYRICK_TEST_POSTGRES_URL"]
        store = SQLDocumentStore(url=url, index=f"nested_{uuid.uuid4().hex[:8]}")
    store.write_documents([Document(content=c, meta=m) for c, m in REVIEWS])
    assert len(store.get_all_documents(filters={"classification.score": {"$gt": 0.7}})) == 2
    assert [d.content for d in store.get_all_documents(filters={"classification.label": "neg"})] == [REVIEWS[2][0]]
    assert len(store.get_all_documents(filters={"classification.missing": {"$ne": 1}})) == 3
    store.delete_documents()  # a PostgreSQL database outlives the test


@pytest.mark.parametrize("kind", ["memory", "sql"])
def test_label_filters_on_label_fields(kind, tmp_path):
    store = InMemoryDocumentStore() if kind == "memory" else SQLDocumentStore(url=f"sqlite:///{tmp_path / 'l.db'}")
    doc = Document(content=REVIEWS[0][0])
    labels = [
        Label(query=q, document=doc, is_correct_answer=True, is_correct_document=True, origin="gold-label",
              answer=Answer(a), meta={"split": "test"})
        for q, a in [("good for reading?", "Great"), ("when?", "at night")]
    ]
    store.write_labels(labels)
    assert [l.query for l in store.get_all_labels(filters={"query": ["when?"]})] == ["when?"]
    assert len(store.get_all_labels(filters={"id": [labels[0].id], "split": "test"})) == 1
    store.delete_labels(filters={"query": ["good for reading?"]})
    assert [l.query for l in store.get_all_labels()] == ["when?"]


def test_documents_without_embeddings_are_skipped_with_a_warning(caplog):
    store = InMemoryDocumentStore(embedding_dim=4)
    store.write_documents([Document(content="with", embedding=vectors(1)[0]), Document(content="without")])
    with caplog.at_level(logging.WARNING):
        assert [d.content for d in store.query_by_embedding(vectors(1)[0])] == ["with"]
    assert "Skipping some of your documents that don't have embeddings: 1 of 2" in caplog.text


def test_normalize_embedding_in_place():
    one = np.array([3.0, 4.0], dtype=np.float32)
    BaseDocumentStore.normalize_embedding(one)
    np.testing.assert_allclose(one, [0.6, 0.8])
    rows = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)
    InMemoryDocumentStore.normalize_embedding(rows)
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0]])


def test_faiss_takes_a_prebuilt_index_and_an_isolation_level(tmp_path):
    import faiss

    mine = faiss.index_factory(4, "Flat", faiss.METRIC_INNER_PRODUCT)
    store = FAISSDocumentStore(
        sql_url=f"sqlite:///{tmp_path / 'f.db'}", embedding_dim=4, faiss_index=mine, isolation_level="SERIALIZABLE"
    )
    filled(store)
    assert mine.ntotal == 3  # the vectors went into the index given
    assert store.query_by_embedding(vectors(3)[2], top_k=1)[0].content == REVIEWS[2][0]
    store.save(tmp_path / "index.faiss")
    again = FAISSDocumentStore(faiss_index_path=tmp_path / "index.faiss")
    assert again.isolation_level == "SERIALIZABLE" and again.get_embedding_count() == 3
    with pytest.raises(DocumentStoreError, match="faiss_index must be an empty FAISS index of dimension embedding_dim=8"):
        FAISSDocumentStore(embedding_dim=8, faiss_index=mine)


def test_meta_dot_reaches_a_meta_key_a_label_field_hides():
    store = InMemoryDocumentStore()
    store.write_labels([
        Label(query="q?", document=Document(content="d"), is_correct_answer=True, is_correct_document=True,
              origin="gold-label", answer=Answer("d"), meta={"origin": "crowd"})
    ])
    assert store.get_all_labels(filters={"origin": "crowd"}) == []  # the field wins
    assert len(store.get_all_labels(filters={"meta.origin": "crowd"})) == 1


def test_faiss_refuses_an_index_that_ranks_by_distance():
    import faiss

    with pytest.raises(DocumentStoreError, match="METRIC_INNER_PRODUCT"):
        FAISSDocumentStore(embedding_dim=4, faiss_index=faiss.IndexFlatL2(4))


def test_no_warning_when_the_filtered_documents_all_have_embeddings(caplog):
    store = InMemoryDocumentStore(embedding_dim=4)
    store.write_documents([Document(content="with", embedding=vectors(1)[0], meta={"k": 1}), Document(content="without")])
    with caplog.at_level(logging.WARNING):
        store.query_by_embedding(vectors(1)[0], filters={"k": 1})
    assert "Skipping" not in caplog.text


# --------------------------------------------------------------------------- add_eval_data, vector_id, embedding_field
SQUAD = Path(__file__).parent / "haystack_samples" / "squad"
NO_CLEANING = {"clean_empty_lines": False, "clean_whitespace": False, "clean_header_footer": False,
               "split_overlap": 0, "split_respect_sentence_boundary": False}  # fmt: skip


def eval_stores(tmp_path):
    yield InMemoryDocumentStore()
    yield FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'f.db'}")
    yield SQLDocumentStore(url=f"sqlite:///{tmp_path / 's.db'}")


@pytest.mark.parametrize("batch_size", [None, 20])
def test_add_eval_data_as_haystack(batch_size, tmp_path):
    for store in eval_stores(tmp_path):
        store.add_eval_data(filename=str(SQUAD / "small.json"), doc_index=store.index, label_index=store.label_index,
                            batch_size=batch_size)  # fmt: skip
        assert store.get_document_count() == 87 and store.get_label_count() == 1214
        docs = store.get_all_documents(filters={"name": ["Normans"]})
        assert len(docs) == 39 and docs[0].meta == {"name": "Normans"}  # no vector_id: no embeddings
        label = next(lab for lab in store.get_all_labels() if lab.query == "In what country is Normandy located?")
        assert label.answer.answer == "France" and not label.no_answer and label.origin == "gold-label"
        assert label.is_correct_answer and label.is_correct_document
        span = label.answer.offsets_in_document[0]
        assert span.start == 159 and label.answer.context[span.start : span.end] == "France"
        assert label.answer.document_ids == [label.document.id] == ["220619be4e664f1551c59977faf57fdc"]
        doc = store.get_document_by_id(label.document.id)
        assert doc.content[span.start : span.end] == "France"
        assert sum(lab.no_answer for lab in store.get_all_labels()) == 333


def test_add_eval_data_with_a_preprocessor_as_haystack():
    from hayrick.nodes.preprocessing import PreProcessor

    store = InMemoryDocumentStore()
    words = PreProcessor(split_by="word", split_length=4, **NO_CLEANING)
    store.add_eval_data(str(SQUAD / "tiny.json"), doc_index=store.index, label_index=store.label_index, preprocessor=words)
    assert [d.id for d in store.get_all_documents()] == [
        "c8f027a520c7f27a1330ee0f99999b03-0", "5c180cf6570d15840fdbebd828402755-1", "aace10b7ce8108177f4a110bc8e457a7-2",
        "4b58554b0320a15a22bfb2c48cf84bea-0", "c9ae15304df73a79538d924707131f7b-1",
    ]  # fmt: skip
    assert len(set(store.get_all_labels_aggregated()[0].document_ids)) == 2
    abdul = next(lab for lab in store.get_all_labels() if lab.answer.answer == "Abdul")
    assert abdul.answer.offsets_in_document == [Span(5, 10)] and abdul.document.content == "with Abdul in Berlin"
    store = InMemoryDocumentStore()
    passages = PreProcessor(split_by="passage", split_length=1, **NO_CLEANING)
    store.add_eval_data(str(SQUAD / "tiny_passages.json"), doc_index=store.index, label_index=store.label_index,
                        preprocessor=passages)  # fmt: skip
    docs = store.get_all_documents()
    assert len(docs) == 2 and len(docs[1].content) == 56
    assert sorted(lab.answer.answer for lab in store.get_all_labels()) == ["Abdul", "Carla"]  # "Leila" is misaligned


def test_add_eval_data_drops_misaligned_answers_with_a_warning(tmp_path, caplog):
    squad = {"data": [{"title": "t", "paragraphs": [{"context": "abc def ghi", "qas": [
        {"id": "q1", "question": "Which?", "answers": [{"text": "def", "answer_start": 4},
                                                          {"text": "xyz", "answer_start": 0},
                                                          {"text": "abc", "answer_start": 0}]}]}]}]}  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(squad))
    store = InMemoryDocumentStore()
    with caplog.at_level(logging.WARNING):
        store.add_eval_data(str(path), doc_index=store.index)
    assert [lab.answer.answer for lab in store.get_all_labels()] == ["def"]  # the bad answer and those after it go
    assert "conversion errors for question ids: ['q1']" in caplog.text
    again = InMemoryDocumentStore()
    again.add_eval_data(str(path), doc_index=again.index)
    assert [lab.id for lab in again.get_all_labels()] == [lab.id for lab in store.get_all_labels()]  # stable ids


def test_faiss_vector_ids_per_index(tmp_path):
    store = FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'v.db'}", embedding_dim=4, similarity="cosine",
                               return_embedding=True)  # fmt: skip
    docs = [Document(f"A Foo Document {i}", embedding=np.random.default_rng(i).random(4, dtype=np.float32)) for i in range(6)]
    store.write_documents(docs[:2], index="index_a")
    store.write_documents(docs[2:], index="index_b")
    assert {int(d.meta["vector_id"]) for d in store.get_all_documents(index="index_a", return_embedding=False)} == {0, 1}
    assert {int(d.meta["vector_id"]) for d in store.get_all_documents(index="index_b")} == {0, 1, 2, 3}
    assert all(isinstance(d.meta["vector_id"], str) for d in store.get_all_documents(index="index_b"))
    hit = store.query_by_embedding(docs[3].embedding, index="index_b", top_k=1)[0]
    assert hit.meta["vector_id"] in {"0", "1", "2", "3"}
    plain = FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'p.db'}", embedding_dim=4)
    plain.write_documents([Document("no vector yet")])
    assert "vector_id" not in plain.get_all_documents()[0].meta


def test_embedding_field(tmp_path):
    memory = InMemoryDocumentStore(embedding_dim=4, embedding_field="custom_embedding_field")
    memory.write_documents([{"content": "test", "custom_embedding_field": np.ones(4)}])
    got = memory.get_all_documents(return_embedding=True)
    assert len(got) == 1 and got[0].content == "test" and got[0].embedding.shape == (4,) and got[0].meta == {}
    faiss_store = FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'e.db'}", embedding_dim=4, embedding_field="emb")
    faiss_store.write_documents([{"content": "test", "emb": np.ones(4)}])
    assert faiss_store.get_embedding_count() == 1
    with pytest.raises(DocumentStoreError, match="embedding_field"):
        InMemoryDocumentStore(embedding_field="")


def test_delete_all_documents_and_faiss_value_errors(tmp_path):
    store = filled(InMemoryDocumentStore(embedding_dim=4))
    with pytest.warns(DeprecationWarning, match="delete_documents"):
        store.delete_all_documents(filters={"item_id": ["B2"]})
    assert store.get_document_count() == 2
    ivf = FAISSDocumentStore(sql_url=f"sqlite:///{tmp_path / 'ivf.db'}", embedding_dim=4, faiss_index_factory_str="IVF1,Flat")
    with pytest.raises(ValueError, match="must be trained before adding vectors"):
        ivf.write_documents([Document("x", embedding=vectors(1)[0])])
    with pytest.raises(ValueError, match="faiss_index_path"):
        FAISSDocumentStore(sql_url="sqlite://", faiss_index_path=tmp_path / "missing.faiss")
