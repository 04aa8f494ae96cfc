"""One test suite that every document store passes.

A store's test module subclasses `DocumentStoreSuite` and provides a `store` fixture that
returns an empty store. Class attributes switch off what a store does not do
(`supports_bm25`, `supports_embeddings`).
"""

from __future__ import annotations

import numpy as np
import pytest

from hayrick import Answer, Document, Label, Pipeline
from hayrick.errors import DocumentStoreError, DuplicateDocumentError, FilterError

EMBEDDING_DIM = 4


def sample_documents() -> list[Document]:
    rows = [
        ("Great for reading books at night.", {"item_id": "B1", "split": "train", "rating": 5, "date": "2020-05-01", "tags": ["kindle", "screen"]}),
        ("The battery died after a week.", {"item_id": "B1", "split": "test", "rating": 2, "date": "2021-01-15", "tags": ["battery"]}),
        ("Bass is weak, comfortable fit.", {"item_id": "B2", "split": "train", "rating": 3.5, "date": "2019-12-31"}),
        ("Reading in sunlight works well.", {"item_id": "B3", "split": "dev", "rating": 4, "verified": True}),
        ("No meta at all here.", {}),
    ]
    return [
        Document(content=text, meta=meta, embedding=np.arange(EMBEDDING_DIM, dtype=np.float32) * (i + 1) / 10 + i)
        for i, (text, meta) in enumerate(rows)
    ]


def contents(documents) -> list[str]:
    return sorted(d.content for d in documents)


class DocumentStoreSuite:
    supports_bm25 = True
    supports_embeddings = True

    # ------------------------------------------------------------------ writing
    def test_write_count_and_get(self, store):
        docs = sample_documents()
        assert store.write_documents(docs) == 5
        assert store.get_document_count() == 5
        got = store.get_document_by_id(docs[0].id)
        assert got.content == docs[0].content and got.meta == docs[0].meta
        assert store.get_document_by_id("nope") is None
        by_ids = store.get_documents_by_id([docs[2].id, "nope", docs[1].id])
        assert [d.id for d in by_ids] == [docs[2].id, docs[1].id]
        assert contents(store.get_all_documents()) == contents(docs)

    def test_write_dicts_with_content_or_text(self, store):
        store.write_documents([{"content": "a dict", "meta": {"k": 1}}, {"text": "an old dict", "meta": {"k": 2}}])
        assert contents(store.get_all_documents()) == ["a dict", "an old dict"]
        assert store.get_all_documents(filters={"k": 2})[0].content == "an old dict"

    def test_duplicates_overwrite(self, store):
        docs = sample_documents()
        store.write_documents(docs[:2])
        changed = Document(content=docs[0].content, meta={"item_id": "B9"})
        assert changed.id == docs[0].id
        store.write_documents([changed], duplicate_documents="overwrite")
        assert store.get_document_count() == 2
        assert store.get_document_by_id(docs[0].id).meta == {"item_id": "B9"}

    def test_duplicates_skip(self, store):
        docs = sample_documents()
        store.write_documents(docs[:2])
        changed = Document(content=docs[0].content, meta={"item_id": "B9"})
        written = store.write_documents([changed, docs[2]], duplicate_documents="skip")
        assert written == 1
        assert store.get_document_by_id(docs[0].id).meta["item_id"] == "B1"
        assert store.get_document_count() == 3

    def test_duplicates_fail_writes_nothing(self, store):
        docs = sample_documents()
        store.write_documents(docs[:2])
        with pytest.raises(DuplicateDocumentError, match=rf"{docs[0].id}.*nothing was written"):
            store.write_documents([docs[3], docs[0]], duplicate_documents="fail")
        assert store.get_document_count() == 2
        with pytest.raises(DuplicateDocumentError, match="repeat in the batch"):
            store.write_documents([docs[4], docs[4]], duplicate_documents="fail")
        with pytest.raises(DocumentStoreError, match="duplicate_documents must be one of overwrite, skip, fail"):
            store.write_documents(docs, duplicate_documents="replace")

    def test_a_bad_document_writes_nothing(self, store):
        with pytest.raises(DocumentStoreError, match=r"documents\[1\]"):
            store.write_documents([{"content": "fine"}, 42])
        with pytest.raises(DocumentStoreError, match="wrap it in a list"):
            store.write_documents(Document(content="single"))
        assert store.get_document_count() == 0

    # ------------------------------------------------------------------ filters
    @pytest.mark.parametrize(
        "filters, expected",
        [
            ({"item_id": ["B1"]}, ["Great for reading books at night.", "The battery died after a week."]),
            ({"item_id": "B2"}, ["Bass is weak, comfortable fit."]),
            ({"item_id": ["B1"], "split": ["train"]}, ["Great for reading books at night."]),
            ({"item_id": {"$ne": "B1"}}, ["Bass is weak, comfortable fit.", "No meta at all here.", "Reading in sunlight works well."]),
            ({"item_id": {"$nin": ["B1", "B2"]}}, ["No meta at all here.", "Reading in sunlight works well."]),
            ({"rating": {"$gte": 4}}, ["Great for reading books at night.", "Reading in sunlight works well."]),
            ({"rating": {"$gt": 2, "$lt": 5}}, ["Bass is weak, comfortable fit.", "Reading in sunlight works well."]),
            ({"rating": {"$lte": 3.5}}, ["Bass is weak, comfortable fit.", "The battery died after a week."]),
            ({"date": {"$gte": "2020-01-01", "$lt": "2021-01-01"}}, ["Great for reading books at night."]),
            ({"tags": "screen"}, ["Great for reading books at night."]),
            ({"tags": ["battery", "nothing"]}, ["The battery died after a week."]),
            ({"verified": True}, ["Reading in sunlight works well."]),
            ({"rating": "5"}, []),  # a string never equals a number
            ({"$or": [{"split": "dev"}, {"rating": {"$lt": 3}}]}, ["Reading in sunlight works well.", "The battery died after a week."]),
            ({"$and": {"item_id": "B1", "$not": {"split": "train"}}}, ["The battery died after a week."]),
            (
                {"$or": [{"$and": [{"item_id": "B1"}, {"rating": {"$gte": 5}}]}, {"$not": {"item_id": {"$in": ["B1", "B2", "B3"]}}}]},
                ["Great for reading books at night.", "No meta at all here."],
            ),
        ],
    )
    def test_filters(self, store, filters, expected):
        store.write_documents(sample_documents())
        assert contents(store.get_all_documents(filters=filters)) == expected
        assert store.get_document_count(filters=filters) == len(expected)

    def test_invalid_filters_are_named(self, store):
        store.write_documents(sample_documents())
        with pytest.raises(FilterError, match=r"Unknown operator '\$like' on field 'item_id'; valid operators: \$eq"):
            store.get_all_documents(filters={"item_id": {"$like": "B%"}})
        with pytest.raises(FilterError, match=r"'\$in' on field 'item_id' takes a list"):
            store.get_all_documents(filters={"item_id": {"$in": "B1"}})

    # ------------------------------------------------------------ delete, update
    def test_delete_by_ids_filters_and_all(self, store):
        docs = sample_documents()
        store.write_documents(docs)
        store.delete_documents(ids=[docs[0].id])
        assert store.get_document_count() == 4
        store.delete_documents(filters={"item_id": ["B1", "B2"]})
        assert contents(store.get_all_documents()) == ["No meta at all here.", "Reading in sunlight works well."]
        store.delete_documents(ids=[docs[3].id], filters={"item_id": "B9"})  # both must hold
        assert store.get_document_count() == 2
        store.delete_documents()
        assert store.get_document_count() == 0

    def test_update_document_meta(self, store):
        docs = sample_documents()
        store.write_documents(docs)
        store.update_document_meta(docs[2].id, {"split": "test", "new": 1})
        meta = store.get_document_by_id(docs[2].id).meta
        assert meta["split"] == "test" and meta["new"] == 1 and meta["item_id"] == "B2"
        assert store.get_document_count(filters={"split": "test"}) == 2
        with pytest.raises(DocumentStoreError, match="nope"):
            store.update_document_meta("nope", {"a": 1})

    def test_indexes_are_separate(self, store):
        docs = sample_documents()
        store.write_documents(docs[:2])
        store.write_documents(docs[2:], index="other")
        assert store.get_document_count() == 2 and store.get_document_count(index="other") == 3
        store.delete_documents(index="other")
        assert store.get_document_count(index="other") == 0 and store.get_document_count() == 2

    # ------------------------------------------------------------------- labels
    def _labels(self):
        doc = Document(content="Great for reading books at night.", meta={"item_id": "B1"})
        answer = Answer(answer="reading books", offsets_in_document=[{"start": 10, "end": 23}])
        return [
            Label(query="good for reading?", document=doc, answer=answer, is_correct_answer=True,
                  is_correct_document=True, origin="gold-label", meta={"item_id": "B1"}),
            Label(query="good for reading?", document=doc, answer=Answer(answer="at night"), is_correct_answer=True,
                  is_correct_document=True, origin="gold-label", meta={"item_id": "B1"}),
            Label(query="is the bass good?", document=doc, answer=None, is_correct_answer=False,
                  is_correct_document=False, origin="user-feedback", meta={"item_id": "B2"}),
        ]

    def test_labels(self, store):
        labels = self._labels()
        store.write_labels(labels)
        store.write_labels(labels[:1])  # same id: no duplicate
        assert store.get_label_count() == 3
        assert {l.id for l in store.get_all_labels()} == {l.id for l in labels}
        assert store.get_all_labels()[0] == labels[0]
        assert [l.query for l in store.get_all_labels(filters={"item_id": "B2"})] == ["is the bass good?"]
        aggregated = store.get_all_labels_aggregated()
        assert sorted(len(m.labels) for m in aggregated) == [1, 2]
        reading = next(m for m in aggregated if m.query == "good for reading?")
        assert sorted(reading.answers) == ["at night", "reading books"]
        assert len(store.get_all_labels_aggregated(drop_negative_labels=True)) == 1
        assert len(store.get_all_labels_aggregated(drop_no_answers=True)) == 1
        store.delete_labels(ids=[labels[0].id])
        assert store.get_label_count() == 2
        store.delete_labels(filters={"item_id": "B2"})
        assert store.get_label_count() == 1
        store.delete_labels()
        assert store.get_label_count() == 0

    # --------------------------------------------------------------- embeddings
    def test_embeddings_and_vector_search(self, store):
        if not self.supports_embeddings:
            pytest.skip(f"{type(store).__name__} stores no embeddings")
        docs = sample_documents()
        store.write_documents(docs)
        got = store.get_document_by_id(docs[1].id)
        assert got.embedding is None  # return_embedding defaults to False
        with_emb = store.get_all_documents(return_embedding=True)
        by_id = {d.id: d for d in with_emb}
        assert np.array_equal(by_id[docs[1].id].embedding, docs[1].embedding)
        query = np.array([0.0, 0.0, 0.0, 1.0], dtype=np.float32)
        hits = store.query_by_embedding(query, top_k=3, scale_score=False)
        expected = sorted(docs, key=lambda d: -float(d.embedding @ query))[:3]
        assert [d.id for d in hits] == [d.id for d in expected]
        assert hits[0].score == pytest.approx(float(expected[0].embedding @ query), rel=1e-5)
        filtered = store.query_by_embedding(query, filters={"item_id": "B1"}, top_k=5)
        assert {d.meta["item_id"] for d in filtered} == {"B1"} and len(filtered) == 2
        assert all(0 <= d.score <= 1 for d in filtered)

    # --------------------------------------------------------------------- bm25
    def test_bm25_query(self, store):
        if not self.supports_bm25:
            pytest.skip(f"{type(store).__name__} has no BM25")
        store.write_documents(sample_documents())
        hits = store.query("reading", top_k=5)
        assert contents(hits) == ["Great for reading books at night.", "Reading in sunlight works well."]
        assert all(0 < d.score < 1 for d in hits)
        only_b3 = store.query("reading", filters={"item_id": ["B3"]}, top_k=5)
        assert [d.content for d in only_b3] == ["Reading in sunlight works well."]
        both = store.query("reading books", top_k=5, all_terms_must_match=True)
        assert [d.content for d in both] == ["Great for reading books at night."]
        assert store.query("zebra", top_k=5) == []

    # --------------------------------------------------------------------- node
    def test_store_is_a_node_in_an_indexing_pipeline(self, store):
        p = Pipeline()
        p.add_node(component=store, name="DocumentStore", inputs=["File"])
        result = p.run(file_paths=["x.txt"], documents=sample_documents())
        assert result["written"] == 5
        assert store.get_document_count() == 5
