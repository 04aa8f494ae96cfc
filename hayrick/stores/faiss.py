"""`FAISSDocumentStore`: text and meta in SQL (`SQLDocumentStore`), vectors in FAISS (`FAISSVectorIndex`).

`FAISSVectorIndex` is the `hayrick.stores.vectors.VectorIndex` that holds the vectors in FAISS (index
building, every faiss call, reading and writing the .faiss files); `FAISSDocumentStore` is a
`SQLDocumentStore` that takes one, built from its parameters, and adds `train_index`, `save` and `load`.

```python
from hayrick.stores.faiss import FAISSDocumentStore

store = FAISSDocumentStore(sql_url="sqlite:///faiss.db", embedding_dim=384, similarity="cosine")
store.write_documents(docs)                      # with embeddings, or without and then:
store.update_embeddings(retriever)               # retriever.embed_documents(list[Document]) -> np.ndarray
store.query_by_embedding(query_emb, filters={"item_id": ["B0074BW614"]}, top_k=5)
store.save("faiss.index")                        # faiss.index + faiss.json (no pickle)
same = FAISSDocumentStore.load("faiss.index")
```

How the two halves stay consistent (the SQL side is `SQLDocumentStore`'s, see `hayrick.stores.vectors`):

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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hayrick._checks import check_int
from hayrick.errors import DocumentStoreError, DocumentStoreValueError
from hayrick.lazy_imports import require
from hayrick.schema import Document
from hayrick.stores.base import (
    DuplicatePolicy,
    _check_embedding_field,
    check_similarity,
    to_documents,
)
from hayrick.stores.sql import SQLDocumentStore
from hayrick.stores.vectors import VectorIndex, VectorPlan

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



class FAISSVectorIndex(VectorIndex):
    """The vectors of a store in FAISS: one FAISS index per document index, keyed by the store's vector ids.

    `FAISSDocumentStore` builds one from its parameters (which are described there); on its own it is
    `SQLDocumentStore(url=..., vector_index=FAISSVectorIndex(embedding_dim=384))`.

    Example:
        >>> store = SQLDocumentStore(url="sqlite://", vector_index=FAISSVectorIndex(embedding_dim=2, similarity="cosine"))
        >>> store.write_documents([Document("north", embedding=[0.0, 3.0]), Document("east", embedding=[4.0, 0.0])])
        2
        >>> store.query_by_embedding(np.array([0.1, 0.9]), top_k=1)[0].content
        'north'
    """

    def __init__(
        self,
        embedding_dim: int = 768,
        faiss_index_factory_str: str = "Flat",
        similarity: str = "dot_product",
        n_links: int = 64,
        ef_search: int = 20,
        ef_construction: int = 80,
    ):
        self.faiss = require("faiss", owner="FAISSDocumentStore", extra="faiss", package="faiss-cpu")
        check_similarity(similarity)
        for name, value in (("embedding_dim", embedding_dim), ("n_links", n_links), ("ef_search", ef_search), ("ef_construction", ef_construction)):
            check_int(value, name, error=DocumentStoreError)
        if not isinstance(faiss_index_factory_str, str) or faiss_index_factory_str.split(",")[0].startswith("IDMap"):
            raise DocumentStoreError(
                f"faiss_index_factory_str must be a faiss.index_factory string such as 'Flat', 'HNSW' or 'IVF100,Flat' "
                f"(without an IDMap prefix: the store maps ids itself), got {faiss_index_factory_str!r}."
            )
        self.embedding_dim, self.faiss_index_factory_str, self.similarity = embedding_dim, faiss_index_factory_str, similarity
        self.n_links, self.ef_search, self.ef_construction = n_links, ef_search, ef_construction
        self.indexes: dict[str, Any] = {}
        self._new_faiss_index()  # an invalid factory string fails now

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

    def adopt(self, name: str, base: Any) -> None:
        """Use `base`, an empty FAISS index built elsewhere, for the vectors of index `name` (wrapped for ids)."""
        faiss = self.faiss
        if faiss.try_extract_index_ivf(base) is not None:
            faiss.extract_index_ivf(base).set_direct_map_type(faiss.DirectMap.Hashtable)
        elif not isinstance(base, faiss.IndexIDMap2):
            base = faiss.IndexIDMap2(base)
        self.indexes[name] = base

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

    def faiss_index(self, index: str) -> Any:
        """The FAISS index of document index `index` (a new, empty one the first time)."""
        if index not in self.indexes:
            self.indexes[index] = self._new_faiss_index()
        return self.indexes[index]

    # ------------------------------------------------------------ persistence
    def read(self, index: str, path: Path) -> None:
        """Load the FAISS index of `index` from `path` (a file `write` wrote)."""
        if not path.is_file():
            raise DocumentStoreError(f"FAISS index file {path} not found; save() writes it next to the config.")
        faiss_index = self.faiss.read_index(str(path))
        if faiss_index.d != self.embedding_dim:
            raise DocumentStoreError(
                f"The FAISS index {path} has vectors of dimension {faiss_index.d}, but the config says "
                f"embedding_dim={self.embedding_dim}."
            )
        self._configure(self._inner(faiss_index))
        self.indexes[index] = faiss_index

    def write(self, index: str, path: Path) -> None:
        """Write the FAISS index of `index` to `path` (`faiss.write_index`)."""
        self.faiss.write_index(self.faiss_index(index), str(path))

    # ------------------------------------------------------- the VectorIndex
    def check_ready(self, index: str) -> None:
        faiss_index = self.faiss_index(index)
        if not faiss_index.is_trained:
            raise DocumentStoreValueError(
                f"The FAISS index '{self.faiss_index_factory_str}' of index '{index}' is not trained: it must be trained "
                "before adding vectors: call store.train_index(embeddings=...) (or documents=...) with a representative "
                "sample first. Documents without embeddings can be written before that and embedded later with "
                "update_embeddings(retriever)."
            )

    def check_documents(self, documents: list[Document], index: str) -> None:
        embedded = [d for d in documents if d.embedding is not None]
        for doc in embedded:
            if doc.embedding.shape != (self.embedding_dim,):
                raise DocumentStoreError(
                    f"Document {doc.id} has an embedding of dimension {doc.embedding.shape[0]}, but this "
                    f"FAISSDocumentStore has embedding_dim={self.embedding_dim}; nothing was written. Build the store "
                    f"with embedding_dim={doc.embedding.shape[0]} or embed the documents with a matching model."
                )
        if embedded:
            self.check_ready(index)

    def as_matrix(self, embeddings: Any, what: str) -> np.ndarray:
        vectors = np.array(embeddings, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.embedding_dim:
            dim = vectors.shape[-1] if vectors.ndim else "none"
            raise DocumentStoreError(
                f"{what} have dimension {dim} (shape {vectors.shape}), but this FAISSDocumentStore has "
                f"embedding_dim={self.embedding_dim}. Use a model that makes {self.embedding_dim}-dimensional vectors "
                f"or build the store with embedding_dim={dim}."
            )
        return vectors

    def _as_vectors(self, embeddings: Any, what: str) -> np.ndarray:
        """`as_matrix`, normalised where similarity is cosine: what goes into FAISS and what searches it."""
        vectors = self.as_matrix(embeddings, what)
        if self.similarity == "cosine":
            self.faiss.normalize_L2(vectors)
        return vectors

    def apply(self, plan: VectorPlan) -> None:
        vectors = self._as_vectors(plan.add_vectors, "The embeddings") if plan.add_ids else None
        self._remove(plan.index, plan.remove_ids)
        if vectors is not None:
            self.faiss_index(plan.index).add_with_ids(vectors, np.asarray(plan.add_ids, dtype=np.int64))

    def delete(self, index: str, vector_ids: Sequence[int] | None) -> None:
        if vector_ids is None:
            if index in self.indexes:
                self.indexes[index].reset()  # keeps an IVF index's training
        else:
            self._remove(index, vector_ids)

    def _remove(self, index: str, vector_ids: Sequence[int]) -> None:
        faiss_index = self.indexes.get(index)
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
            self.indexes[index] = rebuilt

    def count(self, index: str) -> int:
        faiss_index = self.indexes.get(index)
        return 0 if faiss_index is None else int(faiss_index.ntotal)

    def reconstruct(self, index: str, vector_ids: Sequence[int]) -> np.ndarray:
        faiss_index = self.indexes.get(index)
        try:
            if faiss_index is None:
                raise RuntimeError("no FAISS index")
            return faiss_index.reconstruct_batch(np.asarray(vector_ids, dtype=np.int64))
        except RuntimeError as exc:
            raise DocumentStoreError(
                f"Cannot read vectors {list(vector_ids)[:5]} of index '{index}' from FAISS ({exc}); FAISS and SQL are "
                "out of sync. Call update_embeddings(retriever) to compute the vectors again."
            ) from exc

    def search(self, index: str, query: np.ndarray, top_k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        faiss_index = self.indexes.get(index)
        if faiss_index is None or faiss_index.ntotal == 0 or top_k < 1:
            return []
        query = self._as_vectors(query.reshape(1, -1), "The query embedding")
        if allowed is None:
            scores, ids = faiss_index.search(query, min(top_k, faiss_index.ntotal))
            return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        k = min(top_k, len(allowed))
        selector = self.faiss.IDSelectorBatch(allowed)
        scores, ids = faiss_index.search(query, k, params=self._search_params(faiss_index, selector, k))
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        if len(hits) < k:  # an approximate index missed some allowed vectors: score them all exactly
            exact = self.reconstruct(index, allowed) @ query[0]
            order = np.argsort(-exact, kind="stable")[:k]
            hits = [(int(allowed[i]), float(exact[i])) for i in order]
        return hits

    def _search_params(self, faiss_index: Any, selector: Any, k: int) -> Any:
        faiss = self.faiss
        inner = self._inner(faiss_index)
        if hasattr(inner, "hnsw"):
            return faiss.SearchParametersHNSW(sel=selector, efSearch=max(inner.hnsw.efSearch, k))
        if self._is_ivf(faiss_index):
            return faiss.SearchParametersIVF(sel=selector, nprobe=faiss.extract_index_ivf(faiss_index).nprobe)
        return faiss.SearchParameters(sel=selector)

    def train(self, index: str, embeddings: Any) -> None:
        """Train the FAISS index of `index` (IVF, PQ, ...) on `embeddings`; it must hold no vectors yet."""
        vectors = self._as_vectors(embeddings, "The training embeddings")
        faiss_index = self.faiss_index(index)
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
        isolation_level: the SQL transaction isolation level (as for `SQLDocumentStore`).
        faiss_index: a FAISS index you built yourself, empty, to hold the vectors of `index` (as in
            Haystack 1.x; it has no YAML form, so a pipeline holding it cannot be saved).
        embedding_field: the key of a dict given to `write_documents` that holds its embedding.

    Documents read back carry `meta["vector_id"]` (as a str, as in Haystack 1.x): the id of their
    vector in FAISS. It is the store's: a `vector_id` in the meta of documents written is ignored.

    Example:
        >>> store = FAISSDocumentStore(embedding_dim=2)
        >>> store.write_documents([Document("north", embedding=[0.0, 1.0]), Document("east", embedding=[1.0, 0.0])])
        2
        >>> store.query_by_embedding(np.array([0.1, 0.9]), top_k=1)[0].content
        'north'
    """

    vector_index: FAISSVectorIndex

    @classmethod
    def _not_shared_across_processes(cls, params: Mapping[str, Any]) -> str | None:
        if params.get("faiss_index_path") is not None:
            return None  # every worker loads the same saved index (to search it, not to write to it)
        return (
            "FAISSDocumentStore keeps its vectors in the memory of one process; save it (store.save(path)) and give "
            "the workers FAISSDocumentStore(faiss_index_path=path) to search, on a disk they all see"
        )

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
        isolation_level: str | None = None,
        faiss_index: Any = None,
        embedding_field: str = "embedding",
    ):
        require("faiss", owner="FAISSDocumentStore", extra="faiss", package="faiss-cpu")  # a missing faiss is the first thing to report
        files: dict[str, Path] = {}
        if faiss_index_path is not None:
            others = sorted(set(self.init_parameters) - {"faiss_index_path", "faiss_config_path"})
            if others:
                raise DocumentStoreValueError(
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
            progress_bar, isolation_level = config["progress_bar"], config.get("isolation_level")
            embedding_field = config.get("embedding_field", "embedding")
        # The parameters are checked (an invalid factory string too) before the database is touched.
        vectors = FAISSVectorIndex(embedding_dim, faiss_index_factory_str, similarity, n_links, ef_search, ef_construction)
        self.sql_url, self.embedding_dim = sql_url, embedding_dim
        self.faiss_index_factory_str, self.similarity = faiss_index_factory_str, similarity
        self.return_embedding, self.n_links = return_embedding, n_links
        self.ef_search, self.ef_construction = ef_search, ef_construction
        self.validate_index_sync, self.progress_bar = validate_index_sync, progress_bar
        self.embedding_field = _check_embedding_field(embedding_field, "FAISSDocumentStore")
        if faiss_index is not None:
            dim, count = getattr(faiss_index, "d", None), getattr(faiss_index, "ntotal", None)
            if getattr(faiss_index, "metric_type", None) != vectors.faiss.METRIC_INNER_PRODUCT:
                raise DocumentStoreError(
                    "faiss_index must use inner-product scores (faiss.METRIC_INNER_PRODUCT), which dot_product and "
                    "cosine similarity rank by; build it with faiss.index_factory(dim, spec, faiss.METRIC_INNER_PRODUCT)."
                )
            if dim != embedding_dim or count != 0:
                raise DocumentStoreError(
                    f"faiss_index must be an empty FAISS index of dimension embedding_dim={embedding_dim}; got "
                    f"{type(faiss_index).__name__} with d={dim} and {count} vectors. Build it with "
                    f"faiss.index_factory({embedding_dim}, ...) and add nothing to it: the store adds the vectors."
                )
        super().__init__(
            url=sql_url, index=index, label_index=label_index, duplicate_documents=duplicate_documents,
            isolation_level=isolation_level, vector_index=vectors,
        )
        if faiss_index is not None:
            vectors.adopt(index, faiss_index)
        for name, path in files.items():
            vectors.read(name, path)
        if validate_index_sync:
            self._check_index_sync()

    @property
    def faiss_indexes(self) -> dict[str, Any]:
        """The FAISS index of each document index (created on the first write of an index)."""
        return self.vector_index.indexes

    def _check_index_sync(self) -> None:
        counts = self._vector_counts()
        for name in sorted(set(counts) | set(self.faiss_indexes)):
            in_sql = counts.get(name, 0)
            in_faiss = self.vector_index.count(name)
            if in_sql != in_faiss:
                raise DocumentStoreError(
                    f"The FAISS index of index '{name}' holds {in_faiss} vectors, but {self._safe_url} has {in_sql} "
                    f"documents with embeddings there: FAISS and SQL are out of sync. Open a saved store with "
                    "FAISSDocumentStore.load(index_path) (saved after its last write), use an empty sql_url, or pass "
                    "validate_index_sync=False and call update_embeddings(retriever) to compute the vectors again."
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
        with self._lock:
            self.vector_index.train(index, embeddings)

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
                self.vector_index.write(name, path)
                files[name] = path.name
            config = {
                "format": _CONFIG_FORMAT, **{key: getattr(self, key) for key in _CONFIG_PARAMS},
                "isolation_level": self.isolation_level, "embedding_field": self.embedding_field,
                "faiss_index_files": files,
            }
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


__all__ = ["FAISSDocumentStore", "FAISSVectorIndex"]
