"""The document store contract.

A document store holds documents (text, meta, optional embedding) and labels in named
indexes, answers filtered queries (`get_all_documents(filters=...)`), BM25 queries
(`query`) and vector queries (`query_by_embedding`); `supports_bm25` and `supports_embeddings`
say which of the two a store does. Every store passes the one shared suite,
`hayrick.testing.store_suite` (capability mixins a plugin store can reuse); the filter language is
`hayrick.stores.filters`.

A store is also a node: in an indexing pipeline, `run(documents)` writes what the
converters and the PreProcessor produced.

```python
store = InMemoryDocumentStore(use_bm25=True)
store.write_documents([{"content": "Great for reading.", "meta": {"item_id": "B0074BW614"}}])
store.query("reading", filters={"item_id": ["B0074BW614"]}, top_k=3)
```

Writes are all or nothing: a batch is validated (types, duplicates) before anything is
written, so a bad document never leaves half a batch behind.
"""

from __future__ import annotations

import inspect
import math
import warnings
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from hayrick._checks import check_int
from hayrick.core import BaseComponent
from hayrick.errors import DocumentStoreError, DuplicateDocumentError
from hayrick.schema import Document, Label, MultiLabel

DuplicatePolicy = Literal["overwrite", "skip", "fail"]
DUPLICATE_POLICIES = ("overwrite", "skip", "fail")
SIMILARITIES = ("dot_product", "cosine")


class BaseDocumentStore(BaseComponent):
    """Base class of every document store. Subclasses implement the abstract methods."""

    outgoing_edges = 1
    index: str = "document"
    label_index: str = "label"
    similarity: str = "dot_product"
    duplicate_documents: str = "overwrite"
    #: Whether `query()` (BM25) works on this store as configured. Retrievers read these two flags
    #: (`BM25Retriever` needs BM25, the dense retrievers embeddings); a store overrides them, with a
    #: property where they depend on its settings.
    supports_bm25: bool = False
    #: Whether the store keeps embeddings: `query_by_embedding` and `update_embeddings` work.
    supports_embeddings: bool = False

    @classmethod
    def _not_shared_across_processes(cls, params: Mapping[str, Any]) -> str | None:
        """Why stores built with `params` in several processes would not hold the same documents; None if they do.

        `RayPipeline` asks before it starts a node in Ray workers, each of which builds its own store
        object from the config: that works for a database every worker reaches, not for a store that
        lives in the memory (or the open file) of one process. A store of that kind returns a sentence
        saying so and what to use instead.
        """
        return None

    @classmethod
    def _init_value(cls, params: Mapping[str, Any], name: str) -> Any:
        """`params[name]`, or the default of that parameter of `__init__`."""
        if name in params:
            return params[name]
        return inspect.signature(cls.__init__).parameters[name].default

    # ------------------------------------------------------------------ documents
    @abstractmethod
    def write_documents(
        self,
        documents: Iterable[Document | Mapping[str, Any]],
        index: str | None = None,
        batch_size: int = 10_000,
        duplicate_documents: DuplicatePolicy | None = None,
    ) -> int:
        """Write documents (or dicts with `content`/`text` and `meta`); return how many were written."""

    @abstractmethod
    def get_all_documents(
        self, index: str | None = None, filters: Mapping[str, Any] | None = None, return_embedding: bool | None = None
    ) -> list[Document]:
        """Every document of `index` that passes `filters`, in insertion order."""

    @abstractmethod
    def get_documents_by_id(
        self, ids: list[str], index: str | None = None, batch_size: int = 10_000
    ) -> list[Document]:
        """The documents with these ids (unknown ids are left out), in the order of `ids`.

        `batch_size` caps how many ids one database query asks for (Haystack 1.x's argument).
        """

    def get_all_documents_generator(
        self,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        return_embedding: bool | None = None,
        batch_size: int = 10_000,
    ) -> Iterator[Document]:
        """`get_all_documents` one document at a time (a database store reads `batch_size` rows at a time)."""
        yield from self.get_all_documents(index=index, filters=filters, return_embedding=return_embedding)

    def get_embedding_count(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> int:
        """How many documents that pass `filters` have an embedding."""
        every = self.get_document_count(filters=filters, index=index)
        return every - self.get_document_count(filters=filters, index=index, only_documents_without_embedding=True)

    @staticmethod
    def normalize_embedding(emb: np.ndarray) -> None:
        """L2-normalise `emb` in place, one vector or the rows of a matrix, as Haystack 1.x does (zeros stay 0)."""
        if emb.ndim == 1:
            norm = float(np.linalg.norm(emb))
            if norm:
                emb /= norm
        else:
            norms = np.linalg.norm(emb, axis=1, keepdims=True)
            np.divide(emb, norms, out=emb, where=norms != 0)

    def get_document_by_id(self, id: str, index: str | None = None) -> Document | None:
        """The document with this id, or None."""
        found = self.get_documents_by_id([id], index=index)
        return found[0] if found else None

    @abstractmethod
    def get_document_count(
        self,
        filters: Mapping[str, Any] | None = None,
        index: str | None = None,
        only_documents_without_embedding: bool = False,
    ) -> int:
        """How many documents pass `filters`."""

    @abstractmethod
    def delete_documents(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        """Delete the documents with `ids` that pass `filters` (both None: every document of the index)."""

    @abstractmethod
    def update_document_meta(self, id: str, meta: Mapping[str, Any], index: str | None = None) -> None:
        """Merge `meta` into the document's meta (keys given replace old values)."""

    def delete_all_documents(
        self, index: str | None = None, filters: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        """Haystack 1.x's deprecated name for `delete_documents(index=index, filters=filters)`."""
        warnings.warn(
            "delete_all_documents() is deprecated (as in Haystack 1.x); use delete_documents(index=..., filters=...).",
            DeprecationWarning,
            stacklevel=2,
        )
        self.delete_documents(index=index, filters=filters)

    def delete_index(self, index: str) -> None:
        """Delete every document and label of `index`."""
        self.delete_documents(index=index)
        self.delete_labels(index=index)

    # -------------------------------------------------------------------- search
    def query(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        scale_score: bool = True,
        all_terms_must_match: bool = False,
    ) -> list[Document]:
        """BM25 search. Stores without a BM25 index raise `DocumentStoreError`."""
        raise DocumentStoreError(
            f"{type(self).__name__} has no BM25 index; use InMemoryDocumentStore(use_bm25=True) or "
            "SQLDocumentStore(use_bm25=True) for keyword search, or an embedding retriever with this store."
        )

    def query_batch(
        self,
        queries: list[str],
        filters: Mapping[str, Any] | list[Mapping[str, Any] | None] | None = None,
        top_k: int = 10,
        index: str | None = None,
        scale_score: bool = True,
        all_terms_must_match: bool = False,
    ) -> list[list[Document]]:
        """`query` for each query; `filters` is one dict for all queries or a list with one per query."""
        return [
            self.query(q, filters=f, top_k=top_k, index=index, scale_score=scale_score,
                       all_terms_must_match=all_terms_must_match)
            for q, f in zip(queries, filters_per_query(len(queries), filters, f"{type(self).__name__}.query_batch"))
        ]

    def query_by_embedding_batch(
        self,
        query_embs: Sequence[np.ndarray] | np.ndarray,
        filters: Mapping[str, Any] | list[Mapping[str, Any] | None] | None = None,
        top_k: int = 10,
        index: str | None = None,
        return_embedding: bool | None = None,
        scale_score: bool = True,
    ) -> list[list[Document]]:
        """`query_by_embedding` for each vector; `filters` is one dict for all or a list with one per vector."""
        embs = list(query_embs)
        return [
            self.query_by_embedding(e, filters=f, top_k=top_k, index=index, return_embedding=return_embedding,
                                    scale_score=scale_score)
            for e, f in zip(embs, filters_per_query(len(embs), filters, f"{type(self).__name__}.query_by_embedding_batch"))
        ]

    def query_by_embedding(
        self,
        query_emb: np.ndarray,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        return_embedding: bool | None = None,
        scale_score: bool = True,
    ) -> list[Document]:
        """Vector search. Stores without embeddings raise `DocumentStoreError`."""
        raise DocumentStoreError(
            f"{type(self).__name__} does not store embeddings; use InMemoryDocumentStore or FAISSDocumentStore."
        )

    def update_embeddings(
        self,
        retriever: Any,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        update_existing_embeddings: bool = True,
        batch_size: int = 10_000,
    ) -> None:
        """Compute embeddings with `retriever.embed_documents` and store them."""
        raise DocumentStoreError(f"{type(self).__name__} does not store embeddings.")

    # -------------------------------------------------------------------- labels
    @abstractmethod
    def write_labels(self, labels: Iterable[Label | Mapping[str, Any]], index: str | None = None) -> None:
        """Write labels; a label with an id that exists replaces it."""

    @abstractmethod
    def get_all_labels(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> list[Label]:
        """Every label of `index` that passes `filters`, on its fields (`query`, `id`, `origin`, ...) or its meta."""

    @abstractmethod
    def delete_labels(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        """Delete labels by id and/or filters (both None: every label of the index)."""

    def get_label_count(self, index: str | None = None) -> int:
        return len(self.get_all_labels(index=index))

    def get_all_labels_aggregated(
        self,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        open_domain: bool = True,
        drop_negative_labels: bool = False,
        drop_no_answers: bool = False,
        aggregate_by_meta: str | list[str] | None = None,
    ) -> list[MultiLabel]:
        """Labels grouped into one `MultiLabel` per question.

        Args:
            open_domain: group by query (and filters) only; False also groups by document id.
            drop_negative_labels: keep only positive labels, as Haystack 1.x: correct answer and
                correct document, or no answer object and a correct document.
            drop_no_answers: leave out no-answer labels.
            aggregate_by_meta: meta key(s) that also separate groups (e.g. "item_id"); the
                MultiLabel's `meta` then holds them (`multilabel.meta["item_id"]`).
        """
        keys = [aggregate_by_meta] if isinstance(aggregate_by_meta, str) else list(aggregate_by_meta or [])
        groups: dict[tuple, list[Label]] = {}
        for label in self.get_all_labels(index=index, filters=filters):
            if drop_negative_labels and not label.is_positive:
                continue
            if drop_no_answers and label.no_answer:
                continue
            key: tuple = (label.query, _freeze(label.filters), tuple(_freeze(label.meta.get(k)) for k in keys))
            if not open_domain:
                key += (label.document.id,)
            groups.setdefault(key, []).append(label)
        return [MultiLabel(labels=group) for group in groups.values()]

    def add_eval_data(
        self,
        filename: str,
        doc_index: str = "eval_document",
        label_index: str = "label",
        batch_size: int | None = None,
        preprocessor: Any = None,
        max_docs: int | None = None,
        open_domain: bool = False,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, int]:
        """Write the paragraphs and gold labels of a SQuAD-format file into this store, as Haystack 1.x does.

        Args:
            filename: a SQuAD v1.1 or v2.0 JSON file.
            doc_index: the index for the documents (the retriever must search it: `index=...`).
            label_index: the index for the labels.
            batch_size: documents per `write_documents` call (None: all in one).
            preprocessor: split the paragraphs (e.g. `PreProcessor(split_by="word", split_length=100,
                split_respect_sentence_boundary=False)`); each label then points at the split that holds
                its answer, offsets adjusted (see `hayrick.datasets.eval_data`).
            max_docs: stop after the article in which the documents read pass `max_docs`.
            open_domain: not supported (labels need their document).
            headers: accepted for Haystack 1.x compatibility (hayrick's stores take no request headers).

        Returns:
            `(documents, labels)` written.
        """
        from hayrick.datasets.eval_data import eval_data_from_json

        check_int(batch_size, "batch_size", owner="add_eval_data", allow_none=True, error=DocumentStoreError)
        if Path(filename).suffix.lower() == ".jsonl":
            raise DocumentStoreError(
                f"add_eval_data: {filename!r} is not a SQuAD .json file (JSON Lines files are not read; convert them "
                "to one SQuAD JSON file)."
            )
        documents, labels = eval_data_from_json(filename, max_docs=max_docs, preprocessor=preprocessor,
                                                open_domain=open_domain)  # fmt: skip
        step = batch_size or max(len(documents), 1)
        written = 0
        for start in range(0, len(documents), step):
            written += self.write_documents(documents[start : start + step], index=doc_index)
        self.write_labels(labels, index=label_index)
        return written, len({label.id for label in labels})

    # ---------------------------------------------------------------------- node
    def run(
        self,
        documents: list[Document | Mapping[str, Any]],
        index: str | None = None,
        duplicate_documents: DuplicatePolicy | None = None,
    ) -> tuple[dict, str]:
        """Write `documents` (the node role of a store in indexing pipelines)."""
        written = self.write_documents(documents, index=index, duplicate_documents=duplicate_documents)
        return {"documents": documents, "written": written}, "output_1"

    # ------------------------------------------------------------------- helpers
    def _resolve_duplicates(
        self, documents: Iterable[Document | Mapping[str, Any]], index: str, policy: str | None
    ) -> list[Document]:
        """Normalise a batch and apply the duplicates policy; raise before anything is written."""
        policy = policy or self.duplicate_documents
        check_duplicate_policy(policy)
        field = getattr(self, "embedding_field", "embedding") or "embedding"
        docs = to_documents(documents, {field: "embedding"} if field != "embedding" else None)
        unique: dict[str, Document] = {}
        repeated = []
        for doc in docs:
            if doc.id in unique:
                repeated.append(doc.id)
            unique[doc.id] = doc  # the last copy in a batch wins, as with overwrite
        if policy == "overwrite":
            return list(unique.values())
        existing = {d.id for d in self.get_documents_by_id(list(unique), index=index)}
        if policy == "fail" and (existing or repeated):
            ids = sorted(existing | set(repeated))
            raise DuplicateDocumentError(
                f"{len(ids)} document id(s) exist already in index '{index}' or repeat in the batch "
                f"({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''}); nothing was written. "
                "Pass duplicate_documents='skip' to keep the stored ones or 'overwrite' to replace them."
            )
        return [d for d in unique.values() if d.id not in existing]


def check_duplicate_policy(policy: str) -> None:
    if policy not in DUPLICATE_POLICIES:
        raise DocumentStoreError(
            f"duplicate_documents must be one of {', '.join(DUPLICATE_POLICIES)}, got {policy!r}."
        )


def check_similarity(similarity: str) -> None:
    if similarity not in SIMILARITIES:
        raise DocumentStoreError(f"similarity must be one of {', '.join(SIMILARITIES)}, got {similarity!r}.")


def _check_embedding_field(embedding_field: Any, owner: str) -> str:
    """`embedding_field`: the dict key that `write_documents` reads a dict's embedding from (Haystack 1.x's)."""
    if not isinstance(embedding_field, str) or not embedding_field:
        raise DocumentStoreError(
            f"{owner}: embedding_field must be the name of the dict key that holds a document's embedding "
            f"(default 'embedding'), got {embedding_field!r}."
        )
    return embedding_field


def to_documents(
    documents: Iterable[Document | Mapping[str, Any]], field_map: dict[str, str] | None = None
) -> list[Document]:
    """Documents, or dicts with `content` (or the older `text`) and `meta`, as Documents.

    `field_map` renames dict keys to Document fields (`{"emb": "embedding"}`, see `embedding_field`).
    """
    if isinstance(documents, (str, bytes, Document, Mapping)):
        raise DocumentStoreError(
            f"documents must be a list of Document objects or dicts, got a single {type(documents).__name__}; "
            "wrap it in a list."
        )
    return _validated(documents, Document, "documents", "document", "Document objects or dicts with 'content' and 'meta'",
                      field_map)  # fmt: skip


def to_labels(labels: Iterable[Label | Mapping[str, Any]]) -> list[Label]:
    """Labels, or dicts in the `Label.to_dict` form, as Labels."""
    return _validated(labels, Label, "labels", "label", "Label objects or dicts")


def _validated(
    items: Iterable[Any], cls: Any, name: str, singular: str, accepted: str, field_map: dict[str, str] | None = None
) -> list[Any]:
    """`items` as `cls` instances (dicts through `cls.from_dict`); names the first bad item `name[i]`."""
    result = []
    for i, item in enumerate(items):
        if isinstance(item, cls):
            result.append(item)
        elif isinstance(item, Mapping):
            try:
                result.append(cls.from_dict(dict(item), field_map) if field_map else cls.from_dict(dict(item)))
            except (TypeError, ValueError) as exc:
                raise DocumentStoreError(f"{name}[{i}] is not a valid {singular}: {exc}") from exc
        else:
            raise DocumentStoreError(f"{name}[{i}] is a {type(item).__name__}; write {accepted}.")
    return result


def filters_per_query(
    n: int,
    filters: Mapping[str, Any] | list[Mapping[str, Any] | None] | None,
    owner: str = "query_batch",
    error: type[Exception] = DocumentStoreError,
) -> list[Mapping[str, Any] | None]:
    """The filters of each of `n` queries: a list gives one per query, a dict (or None) applies to all.

    Raises:
        error: a list of filters is not as long as the queries (the message names `owner`).
    """
    if not isinstance(filters, list):
        return [filters] * n
    if len(filters) != n:
        raise error(
            f"{owner}: {len(filters)} filters for {n} queries; give one filter dict for all queries or one per query."
        )
    return filters


def label_filter_view(label: Label) -> dict[str, Any]:
    """What label filters match: the label's meta, then its fields (`id`, `query`, `origin`, ...), as in Haystack.

    A field hides a meta key of the same name; `meta.<key>` always reaches the meta.
    """
    return {
        **label.meta,
        "meta": label.meta,
        "id": label.id,
        "query": label.query,
        "origin": label.origin,
        "is_correct_answer": label.is_correct_answer,
        "is_correct_document": label.is_correct_document,
        "no_answer": label.no_answer,
        "pipeline_id": label.pipeline_id,
        "document_id": label.document.id,
    }


def scale_bm25_score(score: float) -> float:
    """Map a BM25 score to (0, 1) as Haystack 1.x does: sigmoid(score / 8)."""
    return 1.0 / (1.0 + math.exp(-score / 8.0))


def scale_similarity(score: float, similarity: str) -> float:
    """Map a vector similarity to [0, 1]: cosine via (s + 1) / 2, dot product via sigmoid(s / 100)."""
    if similarity == "cosine":
        return (score + 1.0) / 2.0
    return 1.0 / (1.0 + math.exp(-score / 100.0))


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set)):
        return tuple(_freeze(v) for v in value)
    return value


def __getattr__(name: str) -> Any:
    if name == "top_k_positions":  # its old home; it lives with the BM25 selection code now
        from hayrick.stores.bm25.selection import top_k_positions

        return top_k_positions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
