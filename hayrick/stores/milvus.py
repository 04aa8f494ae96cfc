"""MilvusDocumentStore: documents, BM25 and vectors in Milvus, from Milvus Lite (a file) to a cluster.

```python
from hayrick.stores import MilvusDocumentStore

store = MilvusDocumentStore()                                      # Milvus Lite: ./hayrick_milvus.db, nothing to start
store = MilvusDocumentStore(uri="http://milvus:19530", token="root:Milvus", embedding_dim=384)   # a server or cluster
store.write_documents([{"content": "The battery lasts three weeks.", "meta": {"product": "ereader"}}])
store.query("battery", filters={"product": ["ereader"]}, top_k=5)   # BM25, by Milvus's own full-text search
```

One collection per index holds each document's text, meta (JSON), embedding and the sparse BM25
vector that Milvus computes from the text (a BM25 function field). Dense search, BM25 search and
filters run in Milvus; filters are translated by `hayrick.stores.milvus_filters`. Labels live in a
collection of their own per label index. Needs the `[milvus]` extra (`pymilvus`, `milvus-lite`).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from hayrick._checks import check_int
from hayrick.errors import DocumentStoreError
from hayrick.lazy_imports import require
from hayrick.schema import Document, Label
from hayrick.stores.base import (
    BaseDocumentStore,
    _check_embedding_field,
    check_duplicate_policy,
    label_filter_view,
    scale_bm25_score,
    scale_similarity,
    to_labels,
)
from hayrick.stores.filters import matches, parse_filters
from hayrick.stores.milvus_filters import combine, id_list, to_expression

SIMILARITY_METRICS = {"dot_product": "IP", "cosine": "COSINE", "l2": "L2"}
INDEX_TYPES = {"FLAT": {}, "HNSW": {"M": 16, "efConstruction": 200}, "IVF_FLAT": {"nlist": 128}}
MAX_CONTENT_BYTES = 65_535  # Milvus's VARCHAR limit
LABELS_SUFFIX = "_labels"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_FIELDS = ["id", "content", "content_type", "meta", "id_hash_keys", "has_embedding", "seq"]


class _QuietMvccFallback(logging.Filter):
    """Milvus Lite has no server timestamps; pymilvus's query iterator warns of its (correct) fallback on every scan."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "failed to get mvccTs" not in record.getMessage()


class MilvusDocumentStore(BaseDocumentStore):
    """A document store on Milvus: embedded Milvus Lite by default, a Milvus server or cluster by URI.

    Args:
        uri: a file path for Milvus Lite (`"./hayrick_milvus.db"`), or `"http://host:19530"` for a server.
        token: credentials for a server (`"user:password"` or an API key).
        index: default collection for documents.
        label_index: default collection for labels.
        embedding_dim: length of the embeddings.
        similarity: "dot_product", "cosine" or "l2".
        index_type: the vector index: "FLAT" (exact), "HNSW" or "IVF_FLAT".
        index_params: parameters of the vector index (default: `INDEX_TYPES[index_type]`).
        search_params: parameters of vector searches (e.g. `{"ef": 64}` for HNSW, `{"nprobe": 16}` for IVF).
        use_bm25: add the BM25 function field, for `query` (keyword search).
        embedding_field: the dict key `write_documents` reads embeddings from.
        return_embedding: return embeddings with documents by default.
        duplicate_documents: "overwrite", "skip" or "fail".
        progress_bar: show progress when writing and embedding.
        batch_size: documents per write.
        recreate_index: drop the collections of `index` and `label_index` first.
    """

    @classmethod
    def _not_shared_across_processes(cls, params: Mapping[str, Any]) -> str | None:
        uri = str(cls._init_value(params, "uri"))
        if uri.endswith(".db"):  # how pymilvus tells Milvus Lite from a server
            return f"MilvusDocumentStore(uri={uri!r}) is Milvus Lite, whose file one process opens at a time"
        return None

    def __init__(
        self,
        uri: str = "./hayrick_milvus.db",
        token: str = "",
        index: str = "document",
        label_index: str = "label",
        embedding_dim: int = 768,
        similarity: str = "dot_product",
        index_type: str = "FLAT",
        index_params: dict[str, Any] | None = None,
        search_params: dict[str, Any] | None = None,
        use_bm25: bool = True,
        embedding_field: str = "embedding",
        return_embedding: bool = False,
        duplicate_documents: str = "overwrite",
        progress_bar: bool = True,
        batch_size: int = 1_000,
        recreate_index: bool = False,
    ):
        pymilvus = require("pymilvus", owner="MilvusDocumentStore", extra="milvus")
        owner = "MilvusDocumentStore"
        check_int(embedding_dim, "embedding_dim", owner=owner, error=DocumentStoreError)
        check_int(batch_size, "batch_size", owner=owner, error=DocumentStoreError)
        if similarity not in SIMILARITY_METRICS:
            raise DocumentStoreError(f"{owner}: similarity must be one of {', '.join(SIMILARITY_METRICS)}, got {similarity!r}.")
        if index_type not in INDEX_TYPES:
            raise DocumentStoreError(f"{owner}: index_type must be one of {', '.join(INDEX_TYPES)}, got {index_type!r}.")
        check_duplicate_policy(duplicate_documents)
        for name in (index, label_index):
            _check_name(name)
        self.uri, self.index, self.label_index = uri, index, label_index
        self.embedding_dim, self.similarity = embedding_dim, similarity
        self.index_type = index_type
        self.index_params = dict(INDEX_TYPES[index_type] if index_params is None else index_params)
        self.search_params = dict(search_params or {})
        self.use_bm25 = bool(use_bm25)
        self.embedding_field = _check_embedding_field(embedding_field, owner)
        self.return_embedding = return_embedding
        self.duplicate_documents = duplicate_documents
        self.progress_bar = progress_bar
        self.batch_size = batch_size
        self._pymilvus = pymilvus
        iterator_log = logging.getLogger("pymilvus.client.iterator.query_iterator")
        if not any(isinstance(f, _QuietMvccFallback) for f in iterator_log.filters):
            iterator_log.addFilter(_QuietMvccFallback())
        try:
            self.client = pymilvus.MilvusClient(uri=uri, token=token)
        except Exception as exc:
            raise DocumentStoreError(f"{owner}: could not open Milvus at {uri!r}: {exc}") from exc
        self._ready: set[str] = set()
        self._unflushed: set[str] = set()
        self._last_seq = 0
        if recreate_index:
            for name in (index, f"{label_index}{LABELS_SUFFIX}"):
                if self.client.has_collection(name):
                    self.client.drop_collection(name)

    supports_bm25 = property(lambda self: self.use_bm25)  # type: ignore[assignment]
    supports_embeddings = True

    # ------------------------------------------------------------------ collections
    def _collection(self, index: str | None) -> str:
        name = index or self.index
        _check_name(name)
        return self._open(name, self._create_documents_collection, self._check_documents_collection)

    def _labels_collection(self, index: str | None) -> str:
        label_index = index or self.label_index
        _check_name(label_index)
        return self._open(f"{label_index}{LABELS_SUFFIX}", self._create_labels_collection)  # one name may be both

    def _open(self, name: str, create: Any, check: Any = None) -> str:
        """Collection `name`, created with `create(name)` if missing; a collection from an earlier session
        is checked with `check(name)`, then loaded once (it starts released in Milvus)."""
        if name not in self._ready:
            if self.client.has_collection(name):
                if check is not None:
                    check(name)
                self.client.load_collection(name)
            else:
                create(name)
            self._ready.add(name)
        return name

    def _create_documents_collection(self, name: str) -> None:
        DataType, Function, FunctionType = (self._pymilvus.DataType, self._pymilvus.Function,
                                            self._pymilvus.FunctionType)  # fmt: skip
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("content", DataType.VARCHAR, max_length=MAX_CONTENT_BYTES, enable_analyzer=self.use_bm25)
        schema.add_field("content_type", DataType.VARCHAR, max_length=16)
        schema.add_field("meta", DataType.JSON)
        schema.add_field("id_hash_keys", DataType.JSON)
        schema.add_field("seq", DataType.INT64)
        schema.add_field("has_embedding", DataType.BOOL)
        schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=self.embedding_dim)
        indexes = self.client.prepare_index_params()
        indexes.add_index("embedding", index_type=self.index_type, metric_type=SIMILARITY_METRICS[self.similarity],
                          params=self.index_params)  # fmt: skip
        if self.use_bm25:
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["content"],
                                         output_field_names=["sparse"]))  # fmt: skip
            indexes.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        self.client.create_collection(name, schema=schema, index_params=indexes, consistency_level="Strong")

    def _check_documents_collection(self, name: str) -> None:
        """Refuse a collection written with another embedding_dim, similarity or use_bm25 than this store's."""
        fields = {f["name"]: f.get("params") or {} for f in self.client.describe_collection(name)["fields"]}
        if "embedding" not in fields or "seq" not in fields:
            raise DocumentStoreError(
                f"MilvusDocumentStore: collection '{name}' at {self.uri} was not written by MilvusDocumentStore "
                f"(its fields: {', '.join(fields)}); pass another index= name."
            )
        metric = self.client.describe_index(name, "embedding").get("metric_type")
        found = {"embedding_dim": int(fields["embedding"].get("dim", 0)), "use_bm25": "sparse" in fields,
                 "similarity": next((k for k, v in SIMILARITY_METRICS.items() if v == metric), metric)}  # fmt: skip
        wanted = {"embedding_dim": self.embedding_dim, "use_bm25": self.use_bm25, "similarity": self.similarity}
        differ = [f"{key}={found[key]!r} (this store: {wanted[key]!r})" for key in wanted if found[key] != wanted[key]]
        if differ:
            raise DocumentStoreError(
                f"MilvusDocumentStore: collection '{name}' at {self.uri} was created with {', '.join(differ)}. Pass "
                f"the collection's values, another index= name, or recreate_index=True to drop it and its documents."
            )

    def _create_labels_collection(self, name: str) -> None:
        DataType = self._pymilvus.DataType
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("label", DataType.JSON)
        schema.add_field("seq", DataType.INT64)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs one; never searched
        indexes = self.client.prepare_index_params()
        indexes.add_index("vector", index_type="FLAT", metric_type="L2")
        self.client.create_collection(name, schema=schema, index_params=indexes, consistency_level="Strong")

    def _count(self, name: str, expression: str) -> int:
        return int(self.client.query(name, filter=expression, output_fields=["count(*)"])[0]["count(*)"])

    def _next_seq(self, count: int) -> int:
        """The first of `count` increasing write numbers (order of insertion, as the other stores keep it)."""
        start = max(time.time_ns(), self._last_seq + 1)
        self._last_seq = start + count
        return start

    def _flush(self, name: str) -> None:
        """Seal what was written since the last search: Milvus searches unsealed (growing) segments by brute
        force, ~25x slower than sealed, indexed ones (Milvus Lite, 10k documents: 420 ms against 20 ms)."""
        if name in self._unflushed:
            self.client.flush(name)
            self._unflushed.discard(name)

    def close(self) -> None:
        """Close the connection (Milvus Lite releases its file)."""
        for name in list(self._unflushed):
            self._flush(name)
        self.client.close()

    # ------------------------------------------------------------------ rows
    def _row(self, doc: Document, seq: int) -> dict[str, Any]:
        content = doc.content if doc.content_type != "table" else json.dumps(doc.to_dict()["content"])
        if not isinstance(content, str):
            raise DocumentStoreError(f"Document {doc.id}: MilvusDocumentStore stores text and tables, got "
                                     f"{type(doc.content).__name__} content.")  # fmt: skip
        if len(content.encode("utf-8", "surrogatepass")) > MAX_CONTENT_BYTES:
            raise DocumentStoreError(
                f"Document {doc.id} is {len(content.encode('utf-8', 'surrogatepass')):,} bytes long; Milvus keeps at "
                f"most {MAX_CONTENT_BYTES:,} per text. Split long documents with a PreProcessor first; nothing was written."
            )
        if doc.embedding is not None and doc.embedding.shape != (self.embedding_dim,):
            raise DocumentStoreError(
                f"Document {doc.id} has an embedding of length {doc.embedding.shape[0]}, but this store has "
                f"embedding_dim={self.embedding_dim}; nothing was written."
            )
        if len(doc.id.encode("utf-8", "surrogatepass")) > 512:
            raise DocumentStoreError(f"Document id {doc.id[:40]!r}... is longer than 512 bytes, Milvus's limit; nothing was written.")
        _check_json(doc.meta, doc.id)
        embedding = doc.embedding if doc.embedding is not None else np.zeros(self.embedding_dim, dtype=np.float32)
        return {"id": doc.id, "content": content, "content_type": doc.content_type, "meta": doc.meta,
                "id_hash_keys": doc.id_hash_keys, "seq": seq, "has_embedding": doc.embedding is not None,
                "embedding": embedding.astype(np.float32).tolist()}  # fmt: skip

    def _document(self, row: Mapping[str, Any], return_embedding: bool | None, score: float | None = None) -> Document:
        content: Any = row["content"]
        if row["content_type"] == "table":
            content = json.loads(content)
        keep = self.return_embedding if return_embedding is None else return_embedding
        embedding = row.get("embedding") if keep and row.get("has_embedding") else None
        return Document(content=content, content_type=row["content_type"], id=row["id"], meta=row["meta"] or {},
                        id_hash_keys=row["id_hash_keys"], score=score,
                        embedding=None if embedding is None else np.asarray(embedding, dtype=np.float32))  # fmt: skip

    def _fields(self, return_embedding: bool | None) -> list[str]:
        keep = self.return_embedding if return_embedding is None else return_embedding
        return _FIELDS + (["embedding"] if keep else [])

    def _scan(self, name: str, expression: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        iterator = self.client.query_iterator(name, batch_size=max(1, min(self.batch_size, 16_384)),
                                              filter=expression, output_fields=fields)  # fmt: skip
        try:
            while batch := iterator.next():
                yield from batch
        finally:
            iterator.close()

    # ------------------------------------------------------------------ documents
    def write_documents(
        self,
        documents: Iterable[Document | Mapping[str, Any]],
        index: str | None = None,
        batch_size: int | None = None,
        duplicate_documents: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> int:
        """Write documents (all are checked before any is written); returns how many were written."""
        name = self._collection(index)
        docs = self._resolve_duplicates(documents, name, duplicate_documents)
        start = self._next_seq(len(docs))
        rows = [self._row(doc, start + i) for i, doc in enumerate(docs)]  # all checked before anything is written
        size = batch_size or self.batch_size
        with tqdm(total=len(rows), desc="Writing documents", unit="docs", disable=not self.progress_bar or not rows) as bar:
            for first in range(0, len(rows), size):
                self.client.upsert(name, rows[first : first + size])
                bar.update(min(size, len(rows) - first))
        if rows:
            self._unflushed.add(name)
        return len(rows)

    def get_all_documents(
        self, index: str | None = None, filters: Mapping[str, Any] | None = None, return_embedding: bool | None = None
    ) -> list[Document]:
        return list(self.get_all_documents_generator(index=index, filters=filters, return_embedding=return_embedding))

    def get_all_documents_generator(
        self,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        return_embedding: bool | None = None,
        batch_size: int = 10_000,
    ) -> Iterator[Document]:
        name = self._collection(index)
        rows = sorted(self._scan(name, to_expression(parse_filters(filters)), self._fields(return_embedding)),
                      key=lambda r: r["seq"])  # fmt: skip
        for row in rows:
            yield self._document(row, return_embedding)

    def get_documents_by_id(
        self, ids: list[str], index: str | None = None, batch_size: int = 10_000, headers: dict[str, str] | None = None
    ) -> list[Document]:
        name = self._collection(index)
        found: dict[str, Document] = {}
        for first in range(0, len(ids), batch_size):
            for row in self.client.get(name, ids=list(ids[first : first + batch_size]), output_fields=self._fields(None)):
                found[row["id"]] = self._document(row, None)
        return [found[i] for i in ids if i in found]

    def get_document_count(
        self,
        filters: Mapping[str, Any] | None = None,
        index: str | None = None,
        only_documents_without_embedding: bool = False,
        headers: dict[str, str] | None = None,
    ) -> int:
        name = self._collection(index)
        expression = combine(to_expression(parse_filters(filters)),
                             "has_embedding == false" if only_documents_without_embedding else "")  # fmt: skip
        return self._count(name, expression)

    def get_embedding_count(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> int:
        name = self._collection(index)
        expression = combine(to_expression(parse_filters(filters)), "has_embedding == true")
        return self._count(name, expression)

    def delete_documents(
        self,
        index: str | None = None,
        ids: list[str] | None = None,
        filters: Mapping[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        name = self._collection(index)
        expression = to_expression(parse_filters(filters))
        if ids is not None:
            if not ids:
                return
            expression = combine(expression, id_list(list(ids)))
        self.client.delete(name, filter=expression or 'id != ""')
        self._unflushed.add(name)

    def update_document_meta(self, id: str, meta: Mapping[str, Any], index: str | None = None) -> None:
        name = self._collection(index)
        rows = self.client.get(name, ids=[id], output_fields=_FIELDS + ["embedding"])
        if not rows:
            raise DocumentStoreError(f"No document with id {id!r} in index '{name}'.")
        row = dict(rows[0])
        row["meta"] = {**(row["meta"] or {}), **meta}
        row["embedding"] = [float(x) for x in row["embedding"]]
        row.pop("sparse", None)
        self.client.upsert(name, [row])
        self._unflushed.add(name)

    def delete_index(self, index: str) -> None:
        """Drop the collections of `index`: its documents and its labels."""
        _check_name(index)
        for name in (index, f"{index}{LABELS_SUFFIX}"):
            if self.client.has_collection(name):
                self.client.drop_collection(name)
            self._ready.discard(name)
            self._unflushed.discard(name)

    # ------------------------------------------------------------------ search
    def query(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        scale_score: bool = True,
        all_terms_must_match: bool = False,
        headers: dict[str, str] | None = None,
    ) -> list[Document]:
        if not self.use_bm25:
            return super().query(query, filters, top_k, index, scale_score, all_terms_must_match)
        check_int(top_k, "top_k", owner="MilvusDocumentStore.query", error=DocumentStoreError)
        name = self._collection(index)
        if not isinstance(query, str) or not query.strip():
            return []
        expression = to_expression(parse_filters(filters))
        self._flush(name)
        limit = min(top_k * 10, 16_384) if all_terms_must_match else top_k  # the term check comes after the search
        hits = self.client.search(name, data=[query], anns_field="sparse", limit=limit, filter=expression,
                                  output_fields=self._fields(None), search_params={"metric_type": "BM25"})[0]  # fmt: skip
        docs = []
        for hit in hits:
            score = abs(float(hit["distance"]))  # Milvus Lite reports BM25 relevance negated
            if score <= 0:
                continue
            if all_terms_must_match and not _has_all_terms(query, hit["entity"]["content"]):
                continue
            docs.append(self._document(hit["entity"], None, scale_bm25_score(score) if scale_score else score))
        return docs[:top_k]

    def query_by_embedding(
        self,
        query_emb: np.ndarray,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        return_embedding: bool | None = None,
        scale_score: bool = True,
        headers: dict[str, str] | None = None,
    ) -> list[Document]:
        check_int(top_k, "top_k", owner="MilvusDocumentStore.query_by_embedding", error=DocumentStoreError)
        name = self._collection(index)
        vector = np.asarray(query_emb, dtype=np.float32).reshape(-1)
        if vector.shape != (self.embedding_dim,):
            raise DocumentStoreError(f"The query embedding has length {vector.shape[0]}; this store has "
                                     f"embedding_dim={self.embedding_dim}.")  # fmt: skip
        expression = combine(to_expression(parse_filters(filters)), "has_embedding == true")
        params = {"metric_type": SIMILARITY_METRICS[self.similarity], "params": self.search_params}
        self._flush(name)
        hits = self.client.search(name, data=[vector.tolist()], anns_field="embedding", limit=top_k, filter=expression,
                                  output_fields=self._fields(return_embedding), search_params=params)[0]  # fmt: skip
        docs = []
        for hit in hits:
            score = float(hit["distance"])
            if self.similarity == "l2":
                score = -score
            if scale_score:
                score = scale_similarity(score, "dot_product" if self.similarity == "l2" else self.similarity)
            docs.append(self._document(hit["entity"], return_embedding, score))
        return docs

    def update_embeddings(
        self,
        retriever: Any,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        update_existing_embeddings: bool = True,
        batch_size: int = 10_000,
    ) -> None:
        name = self._collection(index)
        expression = combine(to_expression(parse_filters(filters)),
                             "" if update_existing_embeddings else "has_embedding == false")  # fmt: skip
        rows = sorted(self._scan(name, expression, _FIELDS), key=lambda r: r["seq"])
        with tqdm(total=len(rows), desc="Updating embeddings", unit="docs", disable=not self.progress_bar) as bar:
            for first in range(0, len(rows), batch_size):
                batch = rows[first : first + batch_size]
                docs = [self._document(r, False) for r in batch]
                embeddings = np.asarray(retriever.embed_documents(docs), dtype=np.float32)
                if embeddings.shape != (len(docs), self.embedding_dim):
                    raise DocumentStoreError(
                        f"The retriever returned embeddings of shape {embeddings.shape} for {len(docs)} documents; "
                        f"this store expects embedding_dim={self.embedding_dim}."
                    )
                updated = []
                for row, embedding in zip(batch, embeddings):
                    row = {k: row[k] for k in _FIELDS}
                    row["has_embedding"], row["embedding"] = True, embedding.tolist()
                    updated.append(row)
                self.client.upsert(name, updated)
                bar.update(len(batch))
        self._unflushed.add(name)

    # ------------------------------------------------------------------ labels
    def write_labels(self, labels: Iterable[Label | Mapping[str, Any]], index: str | None = None) -> None:
        name = self._labels_collection(index)
        checked = to_labels(labels)
        if not checked:
            return
        checked = list({label.id: label for label in checked}.values())  # the last copy of an id in a batch wins
        existing = {row["id"]: row["seq"] for row in self.client.get(name, ids=[l.id for l in checked], output_fields=["seq"])}
        start = self._next_seq(len(checked))
        rows = [{"id": label.id, "label": {**label.to_dict(), "no_answer": label.no_answer},
                 "seq": existing.get(label.id, start + i), "vector": [0.0, 0.0]} for i, label in enumerate(checked)]  # fmt: skip
        self.client.upsert(name, rows)

    def get_label_count(self, index: str | None = None) -> int:
        name = self._labels_collection(index)
        return self._count(name, "")

    def get_all_labels(self, index: str | None = None, filters: Mapping[str, Any] | None = None,
                       headers: dict[str, str] | None = None) -> list[Label]:  # fmt: skip
        name = self._labels_collection(index)
        tree = parse_filters(filters)
        rows = sorted(self._scan(name, "", ["id", "label", "seq"]), key=lambda r: r["seq"])
        labels = [Label.from_dict(row["label"]) for row in rows]
        return [label for label in labels if matches(tree, label_filter_view(label))]

    def delete_labels(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        name = self._labels_collection(index)
        selected = [label.id for label in self.get_all_labels(index=index, filters=filters)]
        asked = None if ids is None else set(ids)
        wanted = selected if asked is None else [i for i in selected if i in asked]
        if wanted:
            for first in range(0, len(wanted), 1_000):
                self.client.delete(name, filter=id_list(wanted[first : first + 1_000]))


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise DocumentStoreError(
            f"MilvusDocumentStore: index names become Milvus collection names, which take letters, digits and "
            f"underscores and start with a letter or underscore; got {name!r}."
        )


def _check_json(meta: Any, doc_id: str) -> None:
    """Refuse meta that Milvus's JSON field would not keep as given: NaN, integers beyond 64 bits, non-str keys."""
    def visit(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise DocumentStoreError(f"Document {doc_id}: meta key {key!r} at {where} is not a string; nothing was written.")
                visit(item, f"{where}.{key}")
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                visit(item, f"{where}[{i}]")
        elif isinstance(value, bool) or value is None or isinstance(value, str):
            return
        elif isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise DocumentStoreError(f"Document {doc_id}: meta{where} = {value} is beyond 64 bits; nothing was written.")
        elif isinstance(value, float) and not np.isfinite(value):
            raise DocumentStoreError(f"Document {doc_id}: meta{where} = {value} is not a finite number; nothing was written.")

    visit(meta, "")


def _has_all_terms(query: str, content: str) -> bool:
    words = set(re.findall(r"\w+", content.lower()))
    return all(term in words for term in re.findall(r"\w+", query.lower()))
