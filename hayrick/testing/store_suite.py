"""The shared document store suite, as capability mixins (like Haystack 2.x `haystack/testing/document_store.py`).

Every store in hayrick passes it, and a plugin store proves itself with it: its test module
subclasses the mixins for what the store does and provides a `document_store` fixture that
returns an empty store (one that takes `EMBEDDING_DIM`-long embeddings, if it stores them):

```python
import pytest

from hayrick.testing.store_suite import BM25Tests, DocumentStoreTests, EmbeddingTests
from my_plugin import MyDocumentStore


class TestMyDocumentStore(DocumentStoreTests, BM25Tests, EmbeddingTests):
    @pytest.fixture()
    def document_store(self):
        store = MyDocumentStore(embedding_dim=4)
        yield store
        store.close()
```

- `DocumentStoreTests`: the contract every store meets (`WriteDocumentsTests`, `CountDocumentsTests`,
  `FilterDocumentsTests`, `DeleteDocumentsTests`, `UpdateDocumentMetaTests`, `IndexTests`,
  `LabelTests`, `StoreNodeTests`, and `CapabilityTests`: a store without BM25 or embeddings says so
  in its `supports_bm25` / `supports_embeddings` flags and refuses `query` / `query_by_embedding`
  with a `DocumentStoreError`). Each mixin can also be used on its own.
- `BM25Tests`: for stores with `supports_bm25` (`query`).
- `EmbeddingTests`: for stores with `supports_embeddings` (`query_by_embedding`, `return_embedding`).

A test class overrides a test method to adapt it, or sets it to None to leave it out.
`sample_documents()` and `sample_labels()` are the data the tests write; store-specific tests
may reuse them. This module imports pytest: only tests import `hayrick.testing` (`import hayrick`
does not), and pytest comes with `pip install 'hayrick[test]'`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hayrick import Answer, Document, Label, Pipeline
from hayrick.errors import DocumentStoreError, DuplicateDocumentError, FilterError

EMBEDDING_DIM = 4


def sample_documents() -> list[Document]:
    """Five documents with varied meta (strings, numbers, dates, lists, a bool, none at all) and embeddings."""
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


def sample_labels() -> list[Label]:
    """Three labels: two answers to one question (item B1), one negative label (item B2)."""
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


def contents(documents: list[Document]) -> list[str]:
    """The contents of `documents`, sorted (for comparisons that do not depend on order)."""
    return sorted(d.content for d in documents)


def user_meta(document: Document) -> dict[str, Any]:
    """`document.meta` without the keys a store adds on reads (`STORE_META_KEYS`: FAISS's "vector_id")."""
    return {k: v for k, v in document.meta.items() if k not in STORE_META_KEYS}


#: Meta keys stores add to the documents they return (Haystack 1.x's FAISS store adds "vector_id").
STORE_META_KEYS = frozenset({"vector_id"})


class WriteDocumentsTests:
    """`write_documents` (documents and dicts, the duplicates policies, all-or-nothing batches) and reads by id."""

    def test_write_count_and_get(self, document_store: Any) -> None:
        docs = sample_documents()
        assert document_store.write_documents(docs) == 5
        assert document_store.get_document_count() == 5
        got = document_store.get_document_by_id(docs[0].id)
        assert got.content == docs[0].content and user_meta(got) == docs[0].meta
        assert document_store.get_document_by_id("nope") is None
        by_ids = document_store.get_documents_by_id([docs[2].id, "nope", docs[1].id])
        assert [d.id for d in by_ids] == [docs[2].id, docs[1].id]
        assert contents(document_store.get_all_documents()) == contents(docs)

    def test_write_dicts_with_content_or_text(self, document_store: Any) -> None:
        document_store.write_documents([{"content": "a dict", "meta": {"k": 1}}, {"text": "an old dict", "meta": {"k": 2}}])
        assert contents(document_store.get_all_documents()) == ["a dict", "an old dict"]
        assert document_store.get_all_documents(filters={"k": 2})[0].content == "an old dict"

    def test_duplicates_overwrite(self, document_store: Any) -> None:
        docs = sample_documents()
        document_store.write_documents(docs[:2])
        changed = Document(content=docs[0].content, meta={"item_id": "B9"})
        assert changed.id == docs[0].id
        document_store.write_documents([changed], duplicate_documents="overwrite")
        assert document_store.get_document_count() == 2
        assert user_meta(document_store.get_document_by_id(docs[0].id)) == {"item_id": "B9"}

    def test_duplicates_skip(self, document_store: Any) -> None:
        docs = sample_documents()
        document_store.write_documents(docs[:2])
        changed = Document(content=docs[0].content, meta={"item_id": "B9"})
        written = document_store.write_documents([changed, docs[2]], duplicate_documents="skip")
        assert written == 1
        assert document_store.get_document_by_id(docs[0].id).meta["item_id"] == "B1"
        assert document_store.get_document_count() == 3

    def test_duplicates_fail_writes_nothing(self, document_store: Any) -> None:
        docs = sample_documents()
        document_store.write_documents(docs[:2])
        with pytest.raises(DuplicateDocumentError, match=rf"{docs[0].id}.*nothing was written"):
            document_store.write_documents([docs[3], docs[0]], duplicate_documents="fail")
        assert document_store.get_document_count() == 2
        with pytest.raises(DuplicateDocumentError, match="repeat in the batch"):
            document_store.write_documents([docs[4], docs[4]], duplicate_documents="fail")
        with pytest.raises(DocumentStoreError, match="duplicate_documents must be one of overwrite, skip, fail"):
            document_store.write_documents(docs, duplicate_documents="replace")

    def test_a_bad_document_writes_nothing(self, document_store: Any) -> None:
        with pytest.raises(DocumentStoreError, match=r"documents\[1\]"):
            document_store.write_documents([{"content": "fine"}, 42])
        with pytest.raises(DocumentStoreError, match="wrap it in a list"):
            document_store.write_documents(Document(content="single"))
        assert document_store.get_document_count() == 0


class CountDocumentsTests:
    """`get_document_count`: empty, and the documents without an embedding."""

    def test_count_empty(self, document_store: Any) -> None:
        assert document_store.get_document_count() == 0
        assert document_store.get_document_count(index="other", filters={"item_id": "B1"}) == 0

    def test_count_documents_without_embedding(self, document_store: Any) -> None:
        docs = sample_documents()
        docs[4] = docs[4].model_copy(update={"embedding": None})
        document_store.write_documents(docs)
        # a store without embeddings keeps none, so every document is one without
        expected = 1 if document_store.supports_embeddings else 5
        assert document_store.get_document_count(only_documents_without_embedding=True) == expected
        assert document_store.get_document_count(filters={"item_id": "B1"}, only_documents_without_embedding=True) == (
            0 if document_store.supports_embeddings else 2
        )


class FilterDocumentsTests:
    """The filter language (`hayrick.stores.filters`) in `get_all_documents` and `get_document_count`."""

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
    def test_filters(self, document_store: Any, filters: dict[str, Any], expected: list[str]) -> None:
        document_store.write_documents(sample_documents())
        assert contents(document_store.get_all_documents(filters=filters)) == expected
        assert document_store.get_document_count(filters=filters) == len(expected)

    def test_invalid_filters_are_named(self, document_store: Any) -> None:
        document_store.write_documents(sample_documents())
        with pytest.raises(FilterError, match=r"Unknown operator '\$like' on field 'item_id'; valid operators: \$eq"):
            document_store.get_all_documents(filters={"item_id": {"$like": "B%"}})
        with pytest.raises(FilterError, match=r"'\$in' on field 'item_id' takes a list"):
            document_store.get_all_documents(filters={"item_id": {"$in": "B1"}})


class DeleteDocumentsTests:
    """`delete_documents` by ids, by filters, by both, and all of an index."""

    def test_delete_by_ids_filters_and_all(self, document_store: Any) -> None:
        docs = sample_documents()
        document_store.write_documents(docs)
        document_store.delete_documents(ids=[docs[0].id])
        assert document_store.get_document_count() == 4
        document_store.delete_documents(filters={"item_id": ["B1", "B2"]})
        assert contents(document_store.get_all_documents()) == ["No meta at all here.", "Reading in sunlight works well."]
        document_store.delete_documents(ids=[docs[3].id], filters={"item_id": "B9"})  # both must hold
        assert document_store.get_document_count() == 2
        document_store.delete_documents()
        assert document_store.get_document_count() == 0


class UpdateDocumentMetaTests:
    """`update_document_meta` merges meta, and filters see the change."""

    def test_update_document_meta(self, document_store: Any) -> None:
        docs = sample_documents()
        document_store.write_documents(docs)
        document_store.update_document_meta(docs[2].id, {"split": "test", "new": 1})
        meta = document_store.get_document_by_id(docs[2].id).meta
        assert meta["split"] == "test" and meta["new"] == 1 and meta["item_id"] == "B2"
        assert document_store.get_document_count(filters={"split": "test"}) == 2
        with pytest.raises(DocumentStoreError, match="nope"):
            document_store.update_document_meta("nope", {"a": 1})


class IndexTests:
    """Named indexes hold their documents apart."""

    def test_indexes_are_separate(self, document_store: Any) -> None:
        docs = sample_documents()
        document_store.write_documents(docs[:2])
        document_store.write_documents(docs[2:], index="other")
        assert document_store.get_document_count() == 2 and document_store.get_document_count(index="other") == 3
        document_store.delete_documents(index="other")
        assert document_store.get_document_count(index="other") == 0 and document_store.get_document_count() == 2


class LabelTests:
    """Labels: write (an id written again replaces), read, filter, aggregate, count and delete."""

    def test_labels(self, document_store: Any) -> None:
        labels = sample_labels()
        document_store.write_labels(labels)
        document_store.write_labels(labels[:1])  # same id: no duplicate
        assert document_store.get_label_count() == 3
        assert {l.id for l in document_store.get_all_labels()} == {l.id for l in labels}
        assert document_store.get_all_labels()[0] == labels[0]
        assert [l.query for l in document_store.get_all_labels(filters={"item_id": "B2"})] == ["is the bass good?"]
        aggregated = document_store.get_all_labels_aggregated()
        assert sorted(len(m.labels) for m in aggregated) == [1, 2]
        reading = next(m for m in aggregated if m.query == "good for reading?")
        assert sorted(reading.answers) == ["at night", "reading books"]
        assert len(document_store.get_all_labels_aggregated(drop_negative_labels=True)) == 1
        assert len(document_store.get_all_labels_aggregated(drop_no_answers=True)) == 1
        document_store.delete_labels(ids=[labels[0].id])
        assert document_store.get_label_count() == 2
        document_store.delete_labels(filters={"item_id": "B2"})
        assert document_store.get_label_count() == 1
        document_store.delete_labels()
        assert document_store.get_label_count() == 0


class StoreNodeTests:
    """A store is a node: in an indexing pipeline it writes the documents it gets."""

    def test_store_is_a_node_in_an_indexing_pipeline(self, document_store: Any) -> None:
        p = Pipeline()
        p.add_node(component=document_store, name="DocumentStore", inputs=["File"])
        result = p.run(file_paths=["x.txt"], documents=sample_documents())
        assert result["written"] == 5
        assert document_store.get_document_count() == 5


class CapabilityTests:
    """`supports_bm25` and `supports_embeddings` are bools, and a store refuses what it says it cannot do."""

    def test_a_missing_capability_is_refused(self, document_store: Any) -> None:
        assert isinstance(document_store.supports_bm25, bool) and isinstance(document_store.supports_embeddings, bool)
        document_store.write_documents(sample_documents())
        if not document_store.supports_bm25:
            with pytest.raises(DocumentStoreError, match="BM25"):
                document_store.query("reading")
        if not document_store.supports_embeddings:
            with pytest.raises(DocumentStoreError, match="embeddings"):
                document_store.query_by_embedding(np.ones(EMBEDDING_DIM, dtype=np.float32))
            with pytest.raises(DocumentStoreError, match="embeddings"):
                document_store.update_embeddings(retriever=None)


class DocumentStoreTests(
    WriteDocumentsTests,
    CountDocumentsTests,
    FilterDocumentsTests,
    DeleteDocumentsTests,
    UpdateDocumentMetaTests,
    IndexTests,
    LabelTests,
    StoreNodeTests,
    CapabilityTests,
):
    """What every document store does; add `BM25Tests` and `EmbeddingTests` for what yours does beyond."""


class BM25Tests:
    """`query` (BM25) for a store with `supports_bm25`: ranking, filters, `all_terms_must_match`, scaled scores."""

    def test_supports_bm25(self, document_store: Any) -> None:
        assert document_store.supports_bm25 is True

    def test_bm25_query(self, document_store: Any) -> None:
        document_store.write_documents(sample_documents())
        hits = document_store.query("reading", top_k=5)
        assert contents(hits) == ["Great for reading books at night.", "Reading in sunlight works well."]
        assert all(0 < d.score < 1 for d in hits)
        only_b3 = document_store.query("reading", filters={"item_id": ["B3"]}, top_k=5)
        assert [d.content for d in only_b3] == ["Reading in sunlight works well."]
        both = document_store.query("reading books", top_k=5, all_terms_must_match=True)
        assert [d.content for d in both] == ["Great for reading books at night."]
        assert document_store.query("zebra", top_k=5) == []


class EmbeddingTests:
    """Embeddings for a store with `supports_embeddings`: stored, returned when asked, searched (dot product)."""

    def test_supports_embeddings(self, document_store: Any) -> None:
        assert document_store.supports_embeddings is True

    def test_embeddings_and_vector_search(self, document_store: Any) -> None:
        docs = sample_documents()
        document_store.write_documents(docs)
        got = document_store.get_document_by_id(docs[1].id)
        assert got.embedding is None  # return_embedding defaults to False
        with_emb = document_store.get_all_documents(return_embedding=True)
        by_id = {d.id: d for d in with_emb}
        assert np.array_equal(by_id[docs[1].id].embedding, docs[1].embedding)
        query = np.array([0.0, 0.0, 0.0, 1.0], dtype=np.float32)
        hits = document_store.query_by_embedding(query, top_k=3, scale_score=False)
        expected = sorted(docs, key=lambda d: -float(d.embedding @ query))[:3]
        assert [d.id for d in hits] == [d.id for d in expected]
        assert hits[0].score == pytest.approx(float(expected[0].embedding @ query), rel=1e-5)
        filtered = document_store.query_by_embedding(query, filters={"item_id": "B1"}, top_k=5)
        assert {d.meta["item_id"] for d in filtered} == {"B1"} and len(filtered) == 2
        assert all(0 <= d.score <= 1 for d in filtered)


__all__ = [
    "EMBEDDING_DIM",
    "BM25Tests",
    "CapabilityTests",
    "CountDocumentsTests",
    "DeleteDocumentsTests",
    "DocumentStoreTests",
    "EmbeddingTests",
    "FilterDocumentsTests",
    "IndexTests",
    "LabelTests",
    "StoreNodeTests",
    "UpdateDocumentMetaTests",
    "WriteDocumentsTests",
    "contents",
    "sample_documents",
    "sample_labels",
]
