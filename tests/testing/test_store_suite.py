"""hayrick.testing.store_suite: a plugin-like store, written here on `BaseDocumentStore` alone, proves itself
with the mixins; `import hayrick` leaves the suite (and pytest) unloaded."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from hayrick import Document, Label
from hayrick.errors import DocumentStoreError
from hayrick.stores.base import BaseDocumentStore, DuplicatePolicy, to_labels
from hayrick.stores.filters import matches, parse_filters
from hayrick.testing.store_suite import DocumentStoreTests


class DictDocumentStore(BaseDocumentStore):
    """What a plugin might write: documents and labels in dicts, no BM25, no embeddings."""

    def __init__(self) -> None:
        self._docs: dict[str, dict[str, Document]] = {}
        self._labels: dict[str, dict[str, Label]] = {}

    def write_documents(
        self,
        documents: Iterable[Document | Mapping[str, Any]],
        index: str | None = None,
        batch_size: int = 10_000,
        duplicate_documents: DuplicatePolicy | None = None,
    ) -> int:
        index = index or self.index
        docs = self._resolve_duplicates(documents, index, duplicate_documents)
        store = self._docs.setdefault(index, {})
        for doc in docs:
            store.pop(doc.id, None)
            store[doc.id] = doc.model_copy(update={"embedding": None})  # keeps no embeddings
        return len(docs)

    def get_all_documents(
        self, index: str | None = None, filters: Mapping[str, Any] | None = None, return_embedding: bool | None = None
    ) -> list[Document]:
        tree = parse_filters(filters)
        return [d for d in self._docs.get(index or self.index, {}).values() if matches(tree, d.meta)]

    def get_documents_by_id(self, ids: list[str], index: str | None = None) -> list[Document]:
        store = self._docs.get(index or self.index, {})
        return [store[i] for i in ids if i in store]

    def get_document_count(
        self,
        filters: Mapping[str, Any] | None = None,
        index: str | None = None,
        only_documents_without_embedding: bool = False,
    ) -> int:
        return len(self.get_all_documents(index=index, filters=filters))

    def delete_documents(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        store = self._docs.get(index or self.index, {})
        for doc in self.get_all_documents(index=index, filters=filters):
            if ids is None or doc.id in ids:
                del store[doc.id]

    def update_document_meta(self, id: str, meta: Mapping[str, Any], index: str | None = None) -> None:
        store = self._docs.get(index or self.index, {})
        if id not in store:
            raise DocumentStoreError(f"No document with id {id!r}.")
        store[id] = store[id].model_copy(update={"meta": {**store[id].meta, **meta}})

    def write_labels(self, labels: Iterable[Label | Mapping[str, Any]], index: str | None = None) -> None:
        store = self._labels.setdefault(index or self.label_index, {})
        store.update((label.id, label) for label in to_labels(labels))

    def get_all_labels(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> list[Label]:
        tree = parse_filters(filters)
        return [l for l in self._labels.get(index or self.label_index, {}).values() if matches(tree, l.meta)]

    def delete_labels(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        store = self._labels.get(index or self.label_index, {})
        for label in self.get_all_labels(index=index, filters=filters):
            if ids is None or label.id in ids:
                del store[label.id]


class TestDictDocumentStore(DocumentStoreTests):
    @pytest.fixture()
    def document_store(self):
        return DictDocumentStore()


def test_the_plugin_store_says_what_it_cannot_do():
    store = DictDocumentStore()
    assert (store.supports_bm25, store.supports_embeddings) == (False, False)


def test_import_hayrick_leaves_the_suite_and_pytest_unloaded():
    code = "import sys, hayrick, hayrick.stores; print('hayrick.testing' in sys.modules, 'pytest' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
