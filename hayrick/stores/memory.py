"""`InMemoryDocumentStore`: documents, labels, BM25 and vector search in one process.

```python
from hayrick.stores import InMemoryDocumentStore

store = InMemoryDocumentStore(use_bm25=True)
store.write_documents([{"content": "Great for reading books.", "meta": {"item_id": "B0074BW614"}}])
store.query("reading", top_k=3, filters={"item_id": ["B0074BW614"]})
store.save("my_store")                     # a folder: JSON + .npy embeddings, no pickle
same = InMemoryDocumentStore.load("my_store")
```

BM25 runs on the sparse inverted index of `hayrick.stores.bm25` (`BM25Index`), updated on every
write and delete (no rebuild). All methods take one re-entrant lock, so threads may read and
write concurrently.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from hayrick._checks import check_int
from hayrick.errors import DocumentStoreError
from hayrick.schema import Document, Label, _jsonable
from hayrick.stores.base import (
    BaseDocumentStore,
    DuplicatePolicy,
    _check_embedding_field,
    check_duplicate_policy,
    check_similarity,
    label_filter_view,
    scale_similarity,
    to_labels,
)
from hayrick.stores.bm25.index import BM25Index
from hayrick.stores.bm25.selection import top_k_positions
from hayrick.stores.bm25.store import (
    DEFAULT_TOKENIZATION_REGEX,
    BM25Settings,
    keyword_search,
)
from hayrick.stores.filters import EqualityIndex, matches, parse_filters

_FORMAT = "hayrick.InMemoryDocumentStore/1"
logger = logging.getLogger(__name__)


class InMemoryDocumentStore(BaseDocumentStore):
    """A document store that keeps everything in memory; `save`/`load` persist it to a folder.

    Args:
        index: default document index name.
        label_index: default label index name.
        embedding_dim: length of document embeddings; a write with another length is refused.
        return_embedding: return embeddings from reads and searches by default.
        similarity: `dot_product` or `cosine` for `query_by_embedding`.
        progress_bar: show progress bars in long operations (`update_embeddings`).
        duplicate_documents: default policy for ids that exist: `overwrite`, `skip` or `fail`.
        use_bm25: keep a BM25 index of the text documents for `query()`.
        bm25_tokenization_regex: tokens are the matches of this regex in the lower-cased text.
        bm25_algorithm: `BM25Okapi`, `BM25L` or `BM25Plus` (scores as rank_bm25 computes them).
        bm25_parameters: e.g. `{"k1": 1.2, "b": 0.75}` (`epsilon` for Okapi, `delta` for L/Plus).
        embedding_field: the key of a dict given to `write_documents` that holds its embedding
            (`{"content": ..., "emb": [...]}` with `embedding_field="emb"`).
    """

    supports_embeddings = True

    @classmethod
    def _not_shared_across_processes(cls, params: Mapping[str, Any]) -> str | None:
        return "InMemoryDocumentStore keeps its documents in the memory of one process"

    def __init__(
        self,
        index: str = "document",
        label_index: str = "label",
        embedding_dim: int = 768,
        return_embedding: bool = False,
        similarity: str = "dot_product",
        progress_bar: bool = True,
        duplicate_documents: DuplicatePolicy = "overwrite",
        use_bm25: bool = False,
        bm25_tokenization_regex: str = DEFAULT_TOKENIZATION_REGEX,
        bm25_algorithm: str = "BM25Okapi",
        bm25_parameters: dict[str, float] | None = None,
        embedding_field: str = "embedding",
    ):
        check_similarity(similarity)
        check_duplicate_policy(duplicate_documents)
        check_int(embedding_dim, "embedding_dim", owner="InMemoryDocumentStore", error=DocumentStoreError)
        self._bm25_settings = BM25Settings(bm25_algorithm, bm25_parameters, bm25_tokenization_regex)
        self.bm25_parameters = self._bm25_settings.parameters
        self.index, self.label_index = index, label_index
        self.embedding_dim, self.return_embedding = int(embedding_dim), return_embedding
        self.similarity, self.progress_bar = similarity, progress_bar
        self.duplicate_documents, self.use_bm25, self.bm25_algorithm = duplicate_documents, use_bm25, bm25_algorithm
        self.embedding_field = _check_embedding_field(embedding_field, "InMemoryDocumentStore")
        self._docs: dict[str, dict[str, Document]] = {}
        self._labels: dict[str, dict[str, Label]] = {}
        self._bm25: dict[str, BM25Index] = {}
        self._vectors: dict[str, tuple[list[str], np.ndarray]] = {}  # cache per index, dropped on writes
        self._meta_index: dict[str, EqualityIndex] = {}  # cache per index, dropped when documents or meta change
        self._lock = threading.RLock()

    @property
    def supports_bm25(self) -> bool:  # type: ignore[override]
        return self.use_bm25

    # ------------------------------------------------------------------ documents
    def tokenize(self, text: str) -> list[str]:
        """The BM25 tokens of `text`."""
        return self._bm25_settings.tokenize(text)

    def write_documents(
        self,
        documents: Iterable[Document | Mapping[str, Any]],
        index: str | None = None,
        batch_size: int = 10_000,
        duplicate_documents: DuplicatePolicy | None = None,
    ) -> int:
        index = index or self.index
        with self._lock:
            docs = self._resolve_duplicates(documents, index, duplicate_documents)
            for doc in docs:
                self._check_embedding(doc.embedding, doc.id)
            store = self._docs.setdefault(index, {})
            for doc in docs:
                store.pop(doc.id, None)  # an overwrite moves the document to the end, like a new write
                store[doc.id] = doc
            if self.use_bm25:
                self._bm25_settings.index_documents(self._bm25_index(index), docs)
            self._vectors.pop(index, None)
            self._meta_index.pop(index, None)
        return len(docs)

    def _check_embedding(self, embedding: np.ndarray | None, doc_id: str) -> None:
        if embedding is not None and embedding.shape != (self.embedding_dim,):
            raise DocumentStoreError(
                f"Document {doc_id} has an embedding of length {embedding.shape[0]}, but this store has "
                f"embedding_dim={self.embedding_dim}; nothing was written. Build the store with "
                f"embedding_dim={embedding.shape[0]} or embed the documents with a matching model."
            )

    def _bm25_index(self, index: str) -> BM25Index:
        if index not in self._bm25:
            self._bm25[index] = self._bm25_settings.new_index()
        return self._bm25[index]

    def _out(self, doc: Document, return_embedding: bool | None, score: float | None = None) -> Document:
        """What reads return: a shallow copy with its own meta dict, without the embedding unless asked for.

        (Changing a returned document's meta does not change the stored one; `update_document_meta` does.)"""
        keep = self.return_embedding if return_embedding is None else return_embedding
        update: dict[str, Any] = {"meta": dict(doc.meta)} if keep else {"meta": dict(doc.meta), "embedding": None}
        if score is not None:
            update["score"] = score
        return doc.model_copy(update=update)

    def _select(self, index: str | None, filters: Mapping[str, Any] | None) -> list[Document]:
        """The documents of `index` that pass `filters`, in store order."""
        tree = parse_filters(filters)
        index = index or self.index
        docs = self._docs.get(index, {}).values()
        if tree is None:
            return list(docs)
        # $eq/$in parts narrow the documents through an index of meta values (built under the lock on first
        # use after a change; every write drops it); only those are matched in Python. Documents are kept as
        # written: change their meta with update_document_meta, not in place.
        meta_index = self._meta_index.get(index)
        if meta_index is None:
            meta_index = self._meta_index[index] = EqualityIndex((d.id, d.meta) for d in docs)
        candidates = meta_index.candidates(tree)
        if candidates is None:
            return [d for d in docs if matches(tree, d.meta)]
        return [d for d in docs if d.id in candidates and matches(tree, d.meta)]

    def get_all_documents(
        self, index: str | None = None, filters: Mapping[str, Any] | None = None, return_embedding: bool | None = None
    ) -> list[Document]:
        with self._lock:
            return [self._out(d, return_embedding) for d in self._select(index, filters)]

    def get_all_documents_generator(
        self,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        return_embedding: bool | None = None,
        batch_size: int = 10_000,
    ) -> Iterator[Document]:
        """The matching documents, copied `batch_size` at a time: a caller that stops early copies no more,
        and writers wait for one batch at most, not for the whole store."""
        with self._lock:
            selected = list(self._select(index, filters))
        for start in range(0, len(selected), batch_size):
            with self._lock:
                batch = [self._out(d, return_embedding) for d in selected[start : start + batch_size]]
            yield from batch

    def get_documents_by_id(
        self, ids: list[str], index: str | None = None, batch_size: int = 10_000
    ) -> list[Document]:
        with self._lock:
            store = self._docs.get(index or self.index, {})
            return [self._out(store[i], None) for i in ids if i in store]

    def get_document_count(
        self,
        filters: Mapping[str, Any] | None = None,
        index: str | None = None,
        only_documents_without_embedding: bool = False,
    ) -> int:
        with self._lock:
            docs = self._select(index, filters)
            if only_documents_without_embedding:
                return sum(d.embedding is None for d in docs)
            return len(docs)

    def delete_documents(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        index = index or self.index
        with self._lock:
            store = self._docs.get(index, {})
            selected = self._select(index, filters) if filters else [store[i] for i in (store if ids is None else ids) if i in store]
            if ids is not None and filters:
                wanted = set(ids)
                selected = [d for d in selected if d.id in wanted]
            gone = [d.id for d in selected]
            for doc_id in gone:
                del store[doc_id]
            if index in self._bm25:
                self._bm25[index].remove_many(gone)
            self._vectors.pop(index, None)
            self._meta_index.pop(index, None)

    def update_document_meta(self, id: str, meta: Mapping[str, Any], index: str | None = None) -> None:
        with self._lock:
            store = self._docs.get(index or self.index, {})
            if id not in store:
                raise DocumentStoreError(f"No document with id {id!r} in index '{index or self.index}'.")
            store[id] = store[id].model_copy(update={"meta": {**store[id].meta, **meta}})
            self._meta_index.pop(index or self.index, None)

    # --------------------------------------------------------------------- search
    def query(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        scale_score: bool = True,
        all_terms_must_match: bool = False,
    ) -> list[Document]:
        index = index or self.index
        if not self.use_bm25:
            raise DocumentStoreError(
                "This InMemoryDocumentStore has no BM25 index: build it with InMemoryDocumentStore(use_bm25=True)."
            )
        with self._lock:
            candidates = None if not filters else [d.id for d in self._select(index, filters)]
            return keyword_search(
                self._bm25_index(index), self._bm25_settings, query, top_k=top_k, documents=self._docs.get(index, {}),
                candidates=candidates, all_terms_must_match=all_terms_must_match, scale_score=scale_score,
                with_score=lambda doc, score: self._out(doc, None, score),
            )

    def _vector_matrix(self, index: str) -> tuple[list[str], np.ndarray]:
        if index not in self._vectors:
            docs = [d for d in self._docs.get(index, {}).values() if d.embedding is not None]
            matrix = np.vstack([d.embedding for d in docs]) if docs else np.zeros((0, self.embedding_dim), np.float32)
            if self.similarity == "cosine" and len(docs):
                matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
            self._vectors[index] = ([d.id for d in docs], matrix)
        return self._vectors[index]

    def query_by_embedding(
        self,
        query_emb: np.ndarray,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        return_embedding: bool | None = None,
        scale_score: bool = True,
    ) -> list[Document]:
        index = index or self.index
        query = np.asarray(query_emb, dtype=np.float32).reshape(-1)
        self._check_embedding(query, "query")
        if self.similarity == "cosine":
            query = query / max(float(np.linalg.norm(query)), 1e-12)
        with self._lock:
            ids, matrix = self._vector_matrix(index)
            candidates = self._select(index, filters) if filters else None
            total = len(self._docs.get(index, {})) if candidates is None else len(candidates)
            missing = total - len(ids) if candidates is None else sum(d.embedding is None for d in candidates)
            if missing:
                logger.warning(
                    "Skipping some of your documents that don't have embeddings: %d of %d in index %r. To generate "
                    "embeddings, use the function update_embeddings() (store.update_embeddings(retriever)).",
                    missing, total, index,
                )
            scores = matrix @ query
            if candidates is not None:
                allowed = {d.id for d in candidates}
                scores = np.where([i in allowed for i in ids], scores, -np.inf)
            best = top_k_positions(scores, min(top_k, int(np.isfinite(scores).sum())))
            store = self._docs.get(index, {})
            return [
                self._out(
                    store[ids[i]],
                    return_embedding,
                    scale_similarity(float(scores[i]), self.similarity) if scale_score else float(scores[i]),
                )
                for i in best
            ]

    def update_embeddings(
        self,
        retriever: Any,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        update_existing_embeddings: bool = True,
        batch_size: int = 10_000,
    ) -> None:
        """Embed the documents with `retriever.embed_documents` (all, or only those without an embedding)."""
        from tqdm.auto import tqdm

        index = index or self.index
        with self._lock:
            docs = [d for d in self._select(index, filters) if update_existing_embeddings or d.embedding is None]
        with tqdm(total=len(docs), desc="Updating embeddings", unit="docs", disable=not self.progress_bar) as bar:
            for start in range(0, len(docs), batch_size):
                batch = docs[start : start + batch_size]
                embeddings = np.asarray(retriever.embed_documents(batch), dtype=np.float32)
                if embeddings.shape != (len(batch), self.embedding_dim):
                    raise DocumentStoreError(
                        f"The retriever returned embeddings of shape {embeddings.shape} for {len(batch)} documents; "
                        f"this store expects embedding_dim={self.embedding_dim}."
                    )
                with self._lock:
                    store = self._docs.get(index, {})
                    for doc, emb in zip(batch, embeddings):
                        if doc.id in store:
                            store[doc.id] = store[doc.id].model_copy(update={"embedding": emb.copy()})
                    self._vectors.pop(index, None)
                bar.update(len(batch))

    # --------------------------------------------------------------------- labels
    def write_labels(self, labels: Iterable[Label | Mapping[str, Any]], index: str | None = None) -> None:
        checked = to_labels(labels)
        with self._lock:
            store = self._labels.setdefault(index or self.label_index, {})
            for label in checked:
                store[label.id] = label

    def get_all_labels(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> list[Label]:
        tree = parse_filters(filters)
        with self._lock:
            labels = self._labels.get(index or self.label_index, {}).values()
            return [label for label in labels if matches(tree, label_filter_view(label))]

    def delete_labels(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        with self._lock:
            store = self._labels.get(index or self.label_index, {})
            selected = self.get_all_labels(index=index, filters=filters)
            wanted = None if ids is None else set(ids)
            for label in selected:
                if wanted is None or label.id in wanted:
                    del store[label.id]

    def delete_index(self, index: str) -> None:
        with self._lock:
            self._docs.pop(index, None)
            self._bm25.pop(index, None)
            self._vectors.pop(index, None)
            self._meta_index.pop(index, None)
            self._labels.pop(index, None)

    # ---------------------------------------------------------------- persistence
    def save(self, path: str | Path) -> Path:
        """Write the store to the folder `path`: `store.json` and one `.npy` of embeddings per index."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            state: dict[str, Any] = {
                "format": _FORMAT,
                "init_parameters": self.init_parameters,
                "documents": {},
                "embeddings": {},
                "labels": {i: [l.to_dict() for l in labels.values()] for i, labels in self._labels.items()},
            }
            for n, (index, docs) in enumerate(self._docs.items()):
                state["documents"][index] = [d.model_copy(update={"embedding": None}).to_dict() for d in docs.values()]
                embedded = [d for d in docs.values() if d.embedding is not None]
                if embedded:
                    name = f"embeddings-{n}.npy"
                    np.save(folder / name, np.vstack([d.embedding for d in embedded]), allow_pickle=False)
                    state["embeddings"][index] = {"file": name, "ids": [d.id for d in embedded]}
        text = json.dumps(state, ensure_ascii=False, default=_jsonable)  # numpy init params: embedding_dim=np.int64(384)
        (folder / "store.json").write_text(text, encoding="utf-8")
        return folder

    @classmethod
    def load(cls, path: str | Path) -> InMemoryDocumentStore:
        """Read a store that `save` wrote."""
        folder = Path(path)
        state_file = folder / "store.json"
        if not state_file.is_file():
            raise DocumentStoreError(f"{folder} holds no saved InMemoryDocumentStore (no store.json).")
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("format") != _FORMAT:
            raise DocumentStoreError(f"{state_file} has format {state.get('format')!r}; expected {_FORMAT!r}.")
        store = cls(**state["init_parameters"])
        for index, rows in state["documents"].items():
            docs = [Document.from_dict(row) for row in rows]
            saved = state["embeddings"].get(index)
            if saved:
                matrix = np.load(folder / saved["file"], allow_pickle=False)
                vectors = dict(zip(saved["ids"], matrix))
                docs = [d.model_copy(update={"embedding": vectors.get(d.id)}) for d in docs]
            store.write_documents(docs, index=index, duplicate_documents="overwrite")
        for index, rows in state["labels"].items():
            store.write_labels([Label.from_dict(row) for row in rows], index=index)
        return store
