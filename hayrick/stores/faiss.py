"""`FAISSDocumentStore`: text and meta in SQL (`SQLDocumentStore`), vectors in FAISS.

```python
from hayrick.stores.faiss import FAISSDocumentStore

store = FAISSDocumentStore(sql_url="sqlite:///faiss.db", embedding_dim=384, similarity="cosine")
store.write_documents(docs)                      # with embeddings, or without and then:
store.update_embeddings(retriever)               # retriever.embed_documents(list[Document]) -> np.ndarray
store.query_by_embedding(query_emb, filters={"item_id": ["B0074BW614"]}, top_k=5)
store.save("faiss.index")                        # faiss.index + faiss.json (no pickle)
same = FAISSDocumentStore.load("faiss.index")
```

How the two halves stay consistent:

- Each document with an embedding has an integer `vector_id` (its row's `vector_id` column), the
  id of its vector in the FAISS index of its document index (one FAISS index per `index`). Ids
  only grow, so a deleted vector's id is never reused.
- The FAISS index is `faiss.index_factory(embedding_dim, faiss_index_factory_str,
  METRIC_INNER_PRODUCT)` ("HNSW" means `HNSW{n_links}` with `efConstruction`/`efSearch` set).
  IVF indexes keep the ids themselves (with a hash-table direct map, so vectors can be read back
  and removed); every other index is wrapped in `IndexIDMap2`.
- A write, an overwrite, `update_embeddings` and a delete change the SQL rows and the vectors in
  one step: SQL statements first, inside the transaction, then the FAISS change just before the
  commit, so a failing SQL statement leaves FAISS untouched. Overwriting or deleting a document
  removes its vector. Indexes that cannot remove vectors (HNSW) are rebuilt from their remaining
  vectors instead: exact, but it costs a full re-insert, so on big HNSW indexes write and delete in
  large batches.
- `similarity="cosine"` stores normalised vectors (and returns them with `return_embedding`).
- `query_by_embedding` with filters selects the allowed vector ids in SQL and searches FAISS
  restricted to them (`IDSelectorBatch`); where an approximate index (HNSW, IVF) finds fewer than
  `top_k` of them, it scores the allowed vectors exactly, so a filter never loses results.
- IVF (and other trained) factories must be trained before vectors go in: `train_index`.
  Documents without embeddings can be written at any time.
- `save` writes each FAISS index (`faiss.write_index`) and a JSON config; `load` (or
  `FAISSDocumentStore(faiss_index_path=...)`, which is what a saved pipeline YAML holds) reads
  them back and reconnects to `sql_url`. With `validate_index_sync` the number of vectors per
  index must equal the number of documents with a `vector_id` in SQL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hayrick.errors import DocumentStoreError
from hayrick.schema import Document
from hayrick.stores.base import DuplicatePolicy, check_similarity, scale_similarity, to_documents
from hayrick.stores.filters import parse_filters
from hayrick.stores.sql import SQLDocumentStore, _check_batch_size, _Prepared, _VectorPlan, import_sqlalchemy

logger = logging.getLogger(__name__)

_CONFIG_FORMAT = "hayrick.faiss/1"
_CONFIG_PARAMS = (
    "sql_url",
    "embedding_dim",
    "faiss_index_factory_str",
    "similarity",
    "index",
    "duplicate_documents",
    "return_embedding",
    "n_links",
    "ef_search",
    "ef_construction",
    "validate_index_sync",
    "label_index",
    "progress_bar",
)


def import_faiss() -> Any:
    """Import faiss on first use, with an error that says what to install."""
    try:
        import faiss
    except ImportError as exc:
        raise ImportError(
            "FAISSDocumentStore needs faiss: pip install 'hayrick[faiss]' (or pip install faiss-cpu)."
        ) from exc
    return faiss


def _positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DocumentStoreError(f"{name} must be a positive int, got {value!r}.")


class FAISSDocumentStore(SQLDocumentStore):
    """Documents in SQL, their vectors in FAISS: fast vector search with the filters of every store.

    Args:
        sql_url: SQLAlchemy URL of the database for text, meta and labels (`sqlite://` is in memory;
            use a file or a server to `save` and `load`).
        embedding_dim: length of the vectors.
        faiss_index_factory_str: a `faiss.index_factory` string: "Flat" (exact), "HNSW" (graph,
            `HNSW{n_links}`), "IVF100,Flat" (needs `train_index`), ...
        similarity: "dot_product" or "cosine" (vectors and queries are normalised).
        index: default document index name.
        duplicate_documents: default policy for ids that exist: `overwrite`, `skip` or `fail`.
        return_embedding: return embeddings from reads and searches by default.
        n_links: HNSW: neighbours per node (M).
        ef_search: HNSW: candidate list size at search time.
        ef_construction: HNSW: candidate list size while inserting.
        validate_index_sync: check at start that each FAISS index holds as many vectors as SQL has
            documents with embeddings, and refuse to start otherwise.
        label_index: default label index name.
        progress_bar: show a progress bar in `update_embeddings`.
        faiss_index_path: load a store saved with `save` (then pass no other parameter but
            `faiss_config_path`; the rest comes from the saved config).
        faiss_config_path: the saved JSON config (default: `faiss_index_path` with suffix `.json`).

    Example:
        >>> store = FAISSDocumentStore(embedding_dim=2)
        >>> store.write_documents([Document("north", embedding=[0.0, 1.0]), Document("east", embedding=[1.0, 0.0])])
        2
        >>> store.query_by_embedding(np.array([0.1, 0.9]), top_k=1)[0].content
        'north'
    """

    supports_bm25 = False
    supports_embeddings = True

    def __init__(
        self,
        sql_url: str = "sqlite://",
        embedding_dim: int = 768,
        faiss_index_factory_str: str = "Flat",
        similarity: str = "dot_product",
        index: str = "document",
        duplicate_documents: DuplicatePolicy = "overwrite",
        return_embedding: bool = False,
        n_links: int = 64,
        ef_search: int = 20,
        ef_construction: int = 80,
        validate_index_sync: bool = True,
        label_index: str = "label",
        progress_bar: bool = True,
        faiss_index_path: str | Path | None = None,
        faiss_config_path: str | Path | None = None,
    ):
        self.faiss = import_faiss()
        files: dict[str, Path] = {}
        if faiss_index_path is not None:
            others = sorted(set(self.init_parameters) - {"faiss_index_path", "faiss_config_path"})
            if others:
                raise DocumentStoreError(
                    f"FAISSDocumentStore(faiss_index_path=...) takes its parameters from the saved config; "
                    f"do not pass {', '.join(others)} as well (or build the store without faiss_index_path)."
                )
            config, files = _read_config(Path(faiss_index_path), faiss_config_path)
            sql_url, embedding_dim = config["sql_url"], config["embedding_dim"]
            faiss_index_factory_str, similarity = config["faiss_index_factory_str"], config["similarity"]
            index, duplicate_documents = config["index"], config["duplicate_documents"]
            return_embedding, n_links = config["return_embedding"], config["n_links"]
            ef_search, ef_construction = config["ef_search"], config["ef_construction"]
            validate_index_sync, label_index = config["validate_index_sync"], config["label_index"]
            progress_bar = config["progress_bar"]
        check_similarity(similarity)
        for name, value in (("embedding_dim", embedding_dim), ("n_links", n_links), ("ef_search", ef_search), ("ef_construction", ef_construction)):
            _positive_int(name, value)
        if not isinstance(faiss_index_factory_str, str) or faiss_index_factory_str.split(",")[0].startswith("IDMap"):
            raise DocumentStoreError(
                f"faiss_index_factory_str must be a faiss.index_factory string such as 'Flat', 'HNSW' or 'IVF100,Flat' "
                f"(without an IDMap prefix: the store maps ids itself), got {faiss_index_factory_str!r}."
            )
        self.sql_url, self.embedding_dim = sql_url, embedding_dim
        self.faiss_index_factory_str, self.similarity = faiss_index_factory_str, similarity
        self.return_embedding, self.n_links = return_embedding, n_links
        self.ef_search, self.ef_construction = ef_search, ef_construction
        self.validate_index_sync, self.progress_bar = validate_index_sync, progress_bar
        self._new_faiss_index()  # an invalid factory string fails now, before the database is touched
        super().__init__(url=sql_url, index=index, label_index=label_index, duplicate_documents=duplicate_documents)
        self.faiss_indexes: dict[str, Any] = {}
        self._next_vector_id: dict[str, int] = {}
        for name, path in files.items():
            self.faiss_indexes[name] = self._read_faiss_index(path)
        if validate_index_sync:
            self._check_index_sync()

    # ------------------------------------------------------------------ FAISS
    def _new_faiss_index(self) -> Any:
        faiss = self.faiss
        factory = self.faiss_index_factory_str
        if factory == "HNSW":
            factory = f"HNSW{self.n_links}"
        try:
            base = faiss.index_factory(self.embedding_dim, factory, faiss.METRIC_INNER_PRODUCT)
        except RuntimeError as exc:
            raise DocumentStoreError(
                f"faiss_index_factory_str {self.faiss_index_factory_str!r} is not a valid faiss.index_factory string "
                f"for embedding_dim={self.embedding_dim}: {str(exc).strip().splitlines()[-1]}. "
                "Examples: 'Flat', 'HNSW', 'HNSW32', 'IVF100,Flat', 'IVF256,PQ16'."
            ) from exc
        self._configure(base)
        if faiss.try_extract_index_ivf(base) is not None:
            faiss.extract_index_ivf(base).set_direct_map_type(faiss.DirectMap.Hashtable)
            return base
        return faiss.IndexIDMap2(base)

    def _inner(self, faiss_index: Any) -> Any:
        """The index under the IDMap2 wrapper (or the IVF index itself)."""
        faiss = self.faiss
        if isinstance(faiss_index, faiss.IndexIDMap2):
            return faiss.downcast_index(faiss_index.index)
        return faiss_index

    def _configure(self, base: Any) -> None:
        """Apply the HNSW parameters (they are not all kept by write_index)."""
        inner = self.faiss.downcast_index(base)
        if hasattr(inner, "hnsw"):
            inner.hnsw.efConstruction = self.ef_construction
            inner.hnsw.efSearch = self.ef_search

    def _is_ivf(self, faiss_index: Any) -> bool:
        return self.faiss.try_extract_index_ivf(faiss_index) is not None

    def _faiss_index(self, index: str) -> Any:
        if index not in self.faiss_indexes:
            self.faiss_indexes[index] = self._new_faiss_index()
        return self.faiss_indexes[index]

    def _read_faiss_index(self, path: Path) -> Any:
        if not path.is_file():
            raise DocumentStoreError(f"FAISS index file {path} not found; save() writes it next to the config.")
        faiss_index = self.faiss.read_index(str(path))
        if faiss_index.d != self.embedding_dim:
            raise DocumentStoreError(
                f"The FAISS index {path} has vectors of dimension {faiss_index.d}, but the config says "
                f"embedding_dim={self.embedding_dim}."
            )
        self._configure(self._inner(faiss_index))
        return faiss_index

    def _check_index_sync(self) -> None:
        sa = import_sqlalchemy()
        d = self._tables.documents.c
        with self._connect() as conn:
            stmt = sa.select(d.index_name, sa.func.count(d.vector_id)).group_by(d.index_name)
            counts = {name: int(n) for name, n in conn.execute(stmt)}
        for name in sorted(set(counts) | set(self.faiss_indexes)):
            in_sql = counts.get(name, 0)
            in_faiss = self.faiss_indexes[name].ntotal if name in self.faiss_indexes else 0
            if in_sql != in_faiss:
                raise DocumentStoreError(
                    f"The FAISS index of index '{name}' holds {in_faiss} vectors, but {self._safe_url} has {in_sql} "
                    f"documents with embeddings there: FAISS and SQL are out of sync. Open a saved store with "
                    "FAISSDocumentStore.load(index_path) (saved after its last write), use an empty sql_url, or pass "
                    "validate_index_sync=False and call update_embeddings(retriever) to compute the vectors again."
                )

    def _check_trained(self, index: str) -> None:
        faiss_index = self._faiss_index(index)
        if not faiss_index.is_trained:
            raise DocumentStoreError(
                f"The FAISS index '{self.faiss_index_factory_str}' of index '{index}' is not trained, so it cannot "
                "take vectors yet: call store.train_index(embeddings=...) (or documents=...) with a representative "
                "sample first. Documents without embeddings can be written before that and embedded later with "
                "update_embeddings(retriever)."
            )

    def _as_vectors(self, embeddings: Any, what: str) -> np.ndarray:
        vectors = np.array(embeddings, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.embedding_dim:
            dim = vectors.shape[-1] if vectors.ndim else "none"
            raise DocumentStoreError(
                f"{what} have dimension {dim} (shape {vectors.shape}), but this FAISSDocumentStore has "
                f"embedding_dim={self.embedding_dim}. Use a model that makes {self.embedding_dim}-dimensional vectors "
                f"or build the store with embedding_dim={dim}."
            )
        if self.similarity == "cosine":
            self.faiss.normalize_L2(vectors)
        return vectors

    def _remove_vectors(self, index: str, vector_ids: Sequence[int]) -> None:
        faiss_index = self.faiss_indexes.get(index)
        if faiss_index is None or not len(vector_ids) or faiss_index.ntotal == 0:
            return
        ids = np.asarray(vector_ids, dtype=np.int64)
        faiss = self.faiss
        try:
            # The IVF hash-table direct map removes only through IDSelectorArray; IDMap2 is faster with a batch.
            selector = faiss.IDSelectorArray(ids) if self._is_ivf(faiss_index) else faiss.IDSelectorBatch(ids)
            faiss_index.remove_ids(selector)
        except RuntimeError:  # HNSW and other indexes that cannot remove: rebuild without these vectors
            inner = self._inner(faiss_index)
            kept_ids = faiss.vector_to_array(faiss_index.id_map).astype(np.int64)
            vectors = inner.reconstruct_n(0, faiss_index.ntotal)
            keep = ~np.isin(kept_ids, ids)
            rebuilt = faiss.clone_index(faiss_index)  # a copy keeps what training learnt (PQ codebooks)
            rebuilt.reset()
            self._configure(self._inner(rebuilt))
            if keep.any():
                rebuilt.add_with_ids(vectors[keep], kept_ids[keep])
            self.faiss_indexes[index] = rebuilt

    def _reconstruct(self, index: str, vector_ids: Sequence[int]) -> np.ndarray:
        faiss_index = self.faiss_indexes.get(index)
        try:
            if faiss_index is None:
                raise RuntimeError("no FAISS index")
            return faiss_index.reconstruct_batch(np.asarray(vector_ids, dtype=np.int64))
        except RuntimeError as exc:
            raise DocumentStoreError(
                f"Cannot read vectors {list(vector_ids)[:5]} of index '{index}' from FAISS ({exc}); FAISS and SQL are "
                "out of sync. Call update_embeddings(retriever) to compute the vectors again."
            ) from exc

    # ------------------------------------------------------ hooks of SQLDocumentStore
    def _prepare(self, documents: list[Document], index: str) -> list[_Prepared]:
        embedded = [d for d in documents if d.embedding is not None]
        for doc in embedded:
            if doc.embedding.shape != (self.embedding_dim,):
                raise DocumentStoreError(
                    f"Document {doc.id} has an embedding of dimension {doc.embedding.shape[0]}, but this "
                    f"FAISSDocumentStore has embedding_dim={self.embedding_dim}; nothing was written. Build the store "
                    f"with embedding_dim={doc.embedding.shape[0]} or embed the documents with a matching model."
                )
        if embedded:
            self._check_trained(index)
        return super()._prepare(documents, index)

    def _vector_plan(self, conn: Any, index: str) -> _VectorPlan:
        sa = import_sqlalchemy()
        d = self._tables.documents.c
        in_sql = conn.execute(sa.select(sa.func.max(d.vector_id)).where(d.index_name == index)).scalar()
        start = max(-1 if in_sql is None else int(in_sql), self._next_vector_id.get(index, 0) - 1) + 1
        return _VectorPlan(index=index, next_id=start)

    def _plan_vectors(self, plan: _VectorPlan | None, item: _Prepared, old_vector_id: int | None) -> int | None:
        assert plan is not None
        if old_vector_id is not None:
            plan.remove_ids.append(old_vector_id)
        if item.document.embedding is None:
            return None
        vector_id = plan.next_id
        plan.next_id += 1
        plan.add_ids.append(vector_id)
        plan.add_vectors.append(item.document.embedding)
        return vector_id

    def _apply_vectors(self, plan: _VectorPlan | None) -> None:
        assert plan is not None
        vectors = self._as_vectors(plan.add_vectors, "The embeddings") if plan.add_ids else None
        self._remove_vectors(plan.index, plan.remove_ids)
        if vectors is not None:
            self._faiss_index(plan.index).add_with_ids(vectors, np.asarray(plan.add_ids, dtype=np.int64))
        self._next_vector_id[plan.index] = plan.next_id

    def _vectors_deleted(self, index: str, vector_ids: list[int] | None) -> None:
        if vector_ids is None:
            if index in self.faiss_indexes:
                self.faiss_indexes[index].reset()  # keeps an IVF index's training
        else:
            self._remove_vectors(index, vector_ids)

    def _rows_to_documents(self, rows: Sequence[Any], index: str, return_embedding: bool | None) -> list[Document]:
        docs = super()._rows_to_documents(rows, index, return_embedding)
        keep = self.return_embedding if return_embedding is None else return_embedding
        with_vectors = [(doc, row.vector_id) for doc, row in zip(docs, rows) if row.vector_id is not None]
        if keep and with_vectors:
            with self._lock:
                vectors = self._reconstruct(index, [vid for _, vid in with_vectors])
            for (doc, _), vector in zip(with_vectors, vectors):
                doc.embedding = vector
        return docs

    # ----------------------------------------------------------------- vectors
    def get_embedding_count(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> int:
        """How many documents of `index` that pass `filters` have a vector."""
        return self.get_document_count(filters=filters, index=index) - self.get_document_count(
            filters=filters, index=index, only_documents_without_embedding=True
        )

    def train_index(
        self,
        documents: Iterable[Document | Mapping[str, Any]] | None = None,
        embeddings: np.ndarray | None = None,
        index: str | None = None,
    ) -> None:
        """Train the FAISS index (IVF, PQ, ...) on `embeddings`, or on the embeddings of `documents`.

        Train before writing vectors; the documents are not written. Flat and HNSW need no training.
        """
        index = index or self.index
        if embeddings is None:
            if documents is None:
                raise DocumentStoreError("train_index needs embeddings=... (an array) or documents=... with embeddings.")
            docs = to_documents(documents)
            missing = [d.id for d in docs if d.embedding is None]
            if missing or not docs:
                raise DocumentStoreError(
                    f"train_index got {len(missing)} of {len(docs)} documents without an embedding ({', '.join(missing[:3])}); "
                    "embed them first or pass embeddings=..."
                )
            embeddings = np.vstack([d.embedding for d in docs])
        vectors = self._as_vectors(embeddings, "The training embeddings")
        with self._lock:
            faiss_index = self._faiss_index(index)
            if faiss_index.ntotal > 0:
                raise DocumentStoreError(
                    f"The FAISS index of index '{index}' holds {faiss_index.ntotal} vectors already; training it again "
                    "would invalidate them. Delete the documents (delete_documents) first, then train and write again."
                )
            try:
                faiss_index.train(vectors)
            except RuntimeError as exc:
                raise DocumentStoreError(
                    f"Training '{self.faiss_index_factory_str}' on {len(vectors)} vectors failed: "
                    f"{str(exc).strip().splitlines()[-1]}. IVF needs at least as many vectors as lists (nlist)."
                ) from exc

    def update_embeddings(
        self,
        retriever: Any,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        update_existing_embeddings: bool = True,
        batch_size: int = 10_000,
    ) -> None:
        """Embed documents with `retriever.embed_documents` and store the vectors in FAISS.

        Args:
            retriever: anything with `embed_documents(list[Document]) -> np.ndarray`.
            filters: only the documents that pass.
            update_existing_embeddings: False embeds only the documents that have no vector yet.
            batch_size: documents per `embed_documents` call (and per transaction).
        """
        from tqdm.auto import tqdm

        sa = import_sqlalchemy()
        index = index or self.index
        _check_batch_size(batch_size)
        node = parse_filters(filters)
        d = self._tables.documents
        where = self._where(index, node)
        if not update_existing_embeddings:
            where.append(d.c.vector_id.is_(None))
        with self._lock:
            self._check_trained(index)
            with self._connect() as conn:
                total = int(conn.execute(sa.select(sa.func.count()).select_from(d).where(*where)).scalar_one())
            if total == 0:
                logger.info("update_embeddings: no document of index '%s' needs an embedding.", index)
                return
            last = None
            with tqdm(total=total, desc="Updating embeddings", unit="docs", disable=not self.progress_bar) as bar:
                while True:
                    stmt = sa.select(*self._document_columns()).where(*where).order_by(d.c.pk).limit(batch_size)
                    if last is not None:
                        stmt = stmt.where(d.c.pk > last)
                    with self._connect() as conn:
                        rows = conn.execute(stmt).all()
                    if not rows:
                        break
                    last = rows[-1].pk
                    docs = [self._to_document(row) for row in rows]
                    vectors = self._as_vectors(retriever.embed_documents(docs), f"The embeddings from {type(retriever).__name__}")
                    if len(vectors) != len(docs):
                        raise DocumentStoreError(
                            f"{type(retriever).__name__}.embed_documents returned {len(vectors)} embeddings for {len(docs)} documents."
                        )
                    self._store_vectors(index, rows, vectors)
                    bar.update(len(rows))

    def _store_vectors(self, index: str, rows: Sequence[Any], vectors: np.ndarray) -> None:
        sa = import_sqlalchemy()
        d = self._tables.documents
        with self._transaction() as conn:
            plan = self._vector_plan(conn, index)
            plan.remove_ids = [row.vector_id for row in rows if row.vector_id is not None]
            plan.add_ids = list(range(plan.next_id, plan.next_id + len(rows)))
            plan.next_id += len(rows)
            conn.execute(
                sa.update(d).where(d.c.pk == sa.bindparam("row_pk")).values(vector_id=sa.bindparam("new_vector_id")),
                [{"row_pk": row.pk, "new_vector_id": vid} for row, vid in zip(rows, plan.add_ids)],
            )
            self._remove_vectors(index, plan.remove_ids)
            self._faiss_index(index).add_with_ids(vectors, np.asarray(plan.add_ids, dtype=np.int64))
            self._next_vector_id[index] = plan.next_id

    # ------------------------------------------------------------------- search
    def query_by_embedding(
        self,
        query_emb: np.ndarray,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        return_embedding: bool | None = None,
        scale_score: bool = True,
    ) -> list[Document]:
        """The `top_k` documents most similar to `query_emb` among those that pass `filters`."""
        sa = import_sqlalchemy()
        index = index or self.index
        node = parse_filters(filters)
        query = self._as_vectors(np.asarray(query_emb, dtype=np.float32).reshape(1, -1), "The query embedding")
        d = self._tables.documents.c
        with self._lock:
            faiss_index = self.faiss_indexes.get(index)
            if faiss_index is None or faiss_index.ntotal == 0 or top_k < 1:
                return []
            if node is None:
                k = min(top_k, faiss_index.ntotal)
                scores, ids = faiss_index.search(query, k)
                hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
            else:
                with self._connect() as conn:
                    stmt = sa.select(d.vector_id).where(*self._where(index, node), d.vector_id.is_not(None))
                    allowed = np.array([row.vector_id for row in conn.execute(stmt)], dtype=np.int64)
                if not len(allowed):
                    return []
                k = min(top_k, len(allowed))
                selector = self.faiss.IDSelectorBatch(allowed)
                scores, ids = faiss_index.search(query, k, params=self._search_params(faiss_index, selector, k))
                hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
                if len(hits) < k:  # an approximate index missed some allowed vectors: score them all exactly
                    exact = self._reconstruct(index, allowed) @ query[0]
                    order = np.argsort(-exact, kind="stable")[:k]
                    hits = [(int(allowed[i]), float(exact[i])) for i in order]
            with self._connect() as conn:
                stmt = sa.select(*self._document_columns()).where(d.index_name == index, d.vector_id.in_([i for i, _ in hits]))
                rows = {row.vector_id: row for row in conn.execute(stmt)}
            found = [(rows[i], s) for i, s in hits if i in rows]
            docs = self._rows_to_documents([row for row, _ in found], index, return_embedding)
        for doc, (_, score) in zip(docs, found):
            doc.score = scale_similarity(score, self.similarity) if scale_score else score
        return docs

    def _search_params(self, faiss_index: Any, selector: Any, k: int) -> Any:
        faiss = self.faiss
        inner = self._inner(faiss_index)
        if hasattr(inner, "hnsw"):
            return faiss.SearchParametersHNSW(sel=selector, efSearch=max(inner.hnsw.efSearch, k))
        if self._is_ivf(faiss_index):
            return faiss.SearchParametersIVF(sel=selector, nprobe=faiss.extract_index_ivf(faiss_index).nprobe)
        return faiss.SearchParameters(sel=selector)

    # -------------------------------------------------------------- persistence
    def save(self, index_path: str | Path, config_path: str | Path | None = None) -> None:
        """Write the FAISS index to `index_path` and the config to `config_path` (default `<index_path>.json`).

        Other document indexes go beside it (`<index_path>.1`, ...). The SQL database is not copied:
        `load` reconnects to `sql_url`, which must therefore be a file or a server.
        """
        if self.in_memory:
            raise DocumentStoreError(
                f"save() needs a database that outlives this process, but sql_url={self.sql_url!r} is in memory. "
                "Build the store with sql_url='sqlite:///faiss_store.db' (or a PostgreSQL URL) to save it."
            )
        index_path = Path(index_path)
        config_path = Path(config_path) if config_path is not None else index_path.with_suffix(".json")
        if config_path.resolve() == index_path.resolve():
            raise DocumentStoreError(f"index_path and config_path are the same file ({index_path}); pass another config_path.")
        with self._lock:
            names = [self.index] + sorted(name for name in self.faiss_indexes if name != self.index)
            files = {}
            for n, name in enumerate(names):
                path = index_path if n == 0 else index_path.with_name(f"{index_path.name}.{n}")
                index_path.parent.mkdir(parents=True, exist_ok=True)
                self.faiss.write_index(self._faiss_index(name), str(path))
                files[name] = path.name
            config = {"format": _CONFIG_FORMAT, **{key: getattr(self, key) for key in _CONFIG_PARAMS}, "faiss_index_files": files}
        config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, index_path: str | Path, config_path: str | Path | None = None) -> FAISSDocumentStore:
        """Open a store written by `save` (same as `FAISSDocumentStore(faiss_index_path=..., faiss_config_path=...)`)."""
        if config_path is None:
            return cls(faiss_index_path=index_path)
        return cls(faiss_index_path=index_path, faiss_config_path=config_path)


def _read_config(index_path: Path, config_path: str | Path | None) -> tuple[dict[str, Any], dict[str, Path]]:
    path = Path(config_path) if config_path is not None else index_path.with_suffix(".json")
    if not path.is_file():
        raise DocumentStoreError(
            f"No FAISSDocumentStore config at {path}; save(index_path, config_path) writes one (default: the index path "
            "with the suffix .json). Pass faiss_config_path if it lies elsewhere."
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DocumentStoreError(f"{path} is not a FAISSDocumentStore config (invalid JSON: {exc}).") from exc
    if not isinstance(config, dict) or config.get("format") != _CONFIG_FORMAT:
        found = config.get("format") if isinstance(config, dict) else type(config).__name__
        raise DocumentStoreError(f"{path} has format {found!r}; expected {_CONFIG_FORMAT!r} as save() writes.")
    missing = [key for key in (*_CONFIG_PARAMS, "faiss_index_files") if key not in config]
    if missing:
        raise DocumentStoreError(f"{path} lacks {', '.join(missing)}; write it again with FAISSDocumentStore.save.")
    files = {name: index_path if name == config["index"] else index_path.with_name(file) for name, file in config["faiss_index_files"].items()}
    return config, files


__all__ = ["FAISSDocumentStore"]
