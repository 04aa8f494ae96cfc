"""`SQLDocumentStore`: documents, meta and labels in SQLite or PostgreSQL, through SQLAlchemy 2.

```python
from hayrick.stores.sql import SQLDocumentStore

store = SQLDocumentStore(url="sqlite:///reviews.db")   # "sqlite://" in memory, "postgresql://user:pw@host/db"
store.write_documents([{"content": "Great for reading.", "meta": {"item_id": "B0074BW614", "tags": ["kindle"]}}])
store.get_all_documents(filters={"item_id": ["B0074BW614"], "rating": {"$gte": 4}})
```

Tables (created when missing; several indexes share them through an `index` column):

- `hayrick_document`: `pk` (autoincrement: insertion order), `id`, `index`, `content` (the text,
  or JSON rows for tables), `content_type`, `meta` (JSON), `id_hash_keys` (JSON) and `vector_id`
  (the id of the document's vector in the store's vector index; NULL without one). Unique on (index, id).
- `hayrick_document_meta`: the typed copy of `meta` that filters read: one row per value, and per
  element of a list value, with `document_id`, `index`, `name` and either `value_str`, or
  `value_num` (numbers and bools as 64-bit floats, True = 1), or both NULL for a None value.
  Dicts and nested lists get no row: a filter never finds them equal to anything, which is also
  how a missing field behaves. Indexed on (document_id, index, name) and (index, name, value_num);
  (index, name, value_str) on SQLite, a hash index on value_str on PostgreSQL (a btree entry is
  limited to ~2.7 kB there, and long meta strings must still be writable).
- `hayrick_label`: `pk`, `id`, `index` and `label` (JSON of `Label.to_dict()`). Label filters
  are matched in Python against `label.meta` (labels are few; the semantics are exactly
  `hayrick.stores.filters.matches`).

Filters: each comparison becomes an EXISTS (`$eq $in $gt $gte $lt $lte`) or NOT EXISTS (`$ne $nin`)
subquery on the meta table (on SQLite the equivalent `id IN` / `id NOT IN`, which its planner
runs far faster), combined with AND / OR / NOT by `filters.fold`, so results equal
the in-memory semantics: a missing field matches only `$ne`/`$nin`, a list matches when any
element does, numbers compare with numbers and strings with strings (bytewise: the PostgreSQL
column uses collation "C", like Python's `<` on str). Limits: numbers are compared as doubles
(integers beyond 2**53 lose precision); NaN is stored in `meta` but matches no filter.

Writes are all or nothing: a batch is validated and serialised first, then written in one
transaction, `batch_size` documents per statement. An overwritten document is deleted and
written again, so it moves to the end of the insertion order (as in `InMemoryDocumentStore`);
a label written again keeps its place.

BM25 (`use_bm25=True`): `query()` ranks with the kernel of `hayrick.stores.bm25`, an index kept in
this process: built from the table on the first query of an index, updated by this store's
writes, dropped by its deletes, and built again when the document count shows that another
process changed the index. Filters select the candidates in SQL.

Vector search (`vector_index=`, a `hayrick.stores.vectors.VectorIndex`; `FAISSDocumentStore` passes a
FAISS one): the store gives each embedding a `vector_id` and keeps the index in step with the rows
(see `hayrick.stores.vectors` for when it calls it); `query_by_embedding` selects the vector ids that
pass the filters in SQL and lets the index search among them. Without a vector index, embeddings
are not stored.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from hayrick._checks import check_int
from hayrick.errors import DocumentStoreError
from hayrick.schema import Document, Label, _jsonable
from hayrick.stores.base import (
    BaseDocumentStore,
    DuplicatePolicy,
    check_duplicate_policy,
    label_filter_view,
    scale_similarity,
    to_labels,
)
from hayrick.stores.bm25.index import BM25Index
from hayrick.stores.bm25.store import (
    DEFAULT_TOKENIZATION_REGEX,
    BM25Settings,
    keyword_hits,
    scored_documents,
)
from hayrick.stores.filters import Comparison, FilterNode, fold, matches, parse_filters
from hayrick.stores.sql_schema import (
    _IN_CHUNK,
    _create_engine,
    _define_tables,
    _first_line,
    _meta_rows,
    bind_sqlalchemy,
    parse_database_url,
)
from hayrick.stores.vectors import VectorIndex, VectorPlan

logger = logging.getLogger(__name__)

sa: Any = None  # the sqlalchemy module, bound when the first store is built (keeps the import light)

_ANALYZE_AFTER = 1_000  # a write of this many documents refreshes PostgreSQL's planner statistics



@dataclass
class _Prepared:
    """A document ready to insert: its row, its typed meta rows, and the document (for its embedding)."""

    document: Document
    row: dict[str, Any]
    meta_rows: list[dict[str, Any]]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SQLDocumentStore(BaseDocumentStore):
    """A document store in a SQL database: SQLite (a file, or `sqlite://` in memory) or PostgreSQL.

    Args:
        url: SQLAlchemy database URL: `sqlite:///hayrick.db` (a file, relative to the working
            directory), `sqlite://` (in memory, this process only), or
            `postgresql://user:password@host:5432/dbname` (needs `pip install psycopg2-binary`).
        index: default document index name.
        label_index: default label index name.
        duplicate_documents: default policy for ids that exist: `overwrite`, `skip` or `fail`.
        check_same_thread: SQLite only: let connections be used from other threads (default False,
            so pipelines may run branches in threads).
        isolation_level: passed to `sqlalchemy.create_engine` (e.g. "SERIALIZABLE"); None keeps the
            driver's default.
        use_bm25: keep a BM25 index for `query()` (and `BM25Retriever`). It lives in this process:
            built from the database on the first query, kept up to date by this store's writes, and
            built again when the number of documents shows that another process wrote.
        bm25_algorithm, bm25_parameters, bm25_tokenization_regex: as for `InMemoryDocumentStore`.
        vector_index: where the embeddings go, for `query_by_embedding` and `update_embeddings`
            (`hayrick.stores.vectors`); None (the default) stores no embeddings. A vector index has no
            YAML form: to save a pipeline, use `FAISSDocumentStore`, which builds its own.

    Example:
        >>> store = SQLDocumentStore(url="sqlite://")
        >>> store.write_documents([{"content": "Loud bass.", "meta": {"item_id": "B2", "rating": 4}}])
        1
        >>> [d.content for d in store.get_all_documents(filters={"rating": {"$gte": 4}})]
        ['Loud bass.']
    """

    #: Reads return embeddings only when asked (FAISSDocumentStore takes both as parameters).
    return_embedding: bool = False
    #: Show a progress bar in `update_embeddings`.
    progress_bar: bool = True

    @classmethod
    def _not_shared_across_processes(cls, params: Mapping[str, Any]) -> str | None:
        url = str(cls._init_value(params, "url"))
        if url.startswith("sqlite") and (url.rstrip("/").endswith(":") or ":memory:" in url or "mode=memory" in url):
            return f"SQLDocumentStore(url={url!r}) is an in-memory SQLite database, one per process"
        return None

    def __init__(
        self,
        url: str = "sqlite:///hayrick.db",
        index: str = "document",
        label_index: str = "label",
        duplicate_documents: DuplicatePolicy = "overwrite",
        check_same_thread: bool = False,
        isolation_level: str | None = None,
        use_bm25: bool = False,
        bm25_algorithm: str = "BM25Okapi",
        bm25_parameters: dict[str, float] | None = None,
        bm25_tokenization_regex: str = DEFAULT_TOKENIZATION_REGEX,
        vector_index: VectorIndex | None = None,
    ):
        global sa
        sa = bind_sqlalchemy()
        check_duplicate_policy(duplicate_documents)
        self.use_bm25 = use_bm25
        self._bm25_settings = BM25Settings(bm25_algorithm, bm25_parameters, bm25_tokenization_regex)
        self._bm25: dict[str, BM25Index] = {}
        for name, value in (("index", index), ("label_index", label_index)):
            if not isinstance(value, str) or not value:
                raise DocumentStoreError(f"{name} must be a non-empty str, got {value!r}.")
        self.url, self.index, self.label_index = url, index, label_index
        self.duplicate_documents = duplicate_documents
        self.check_same_thread, self.isolation_level = check_same_thread, isolation_level
        self.vector_index = vector_index
        self._next_vector_id: dict[str, int] = {}  # per index: the first id no vector of this store has had
        self._lock = threading.RLock()
        self.engine, in_memory = _create_engine(url, check_same_thread, isolation_level)
        # An in-memory SQLite database is one connection shared by all threads: serialise every use.
        self._read_lock: Any = self._lock if in_memory else nullcontext()
        self.in_memory = in_memory
        self._tables = _define_tables()
        try:
            self._tables.metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise DocumentStoreError(
                f"Cannot open the database {self._safe_url}: {_first_line(exc)}. Check that the server runs and "
                "the URL (user, password, host, port, database name) is right."
            ) from exc

    @property
    def supports_bm25(self) -> bool:  # type: ignore[override]
        return self.use_bm25

    @property
    def supports_embeddings(self) -> bool:  # type: ignore[override]
        return self.vector_index is not None

    # ----------------------------------------------------------------- plumbing
    @property
    def _safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close the database connections (the store reconnects if used again)."""
        self.engine.dispose()

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One transaction: everything in the block is committed together or not at all."""
        with self._lock:
            try:
                with self.engine.begin() as conn:
                    yield conn
            except sa.exc.SQLAlchemyError as exc:
                raise DocumentStoreError(
                    f"Database error in {self._safe_url}, nothing was written: {_first_line(exc)}"
                ) from exc

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        with self._read_lock:
            try:
                with self.engine.connect() as conn:
                    yield conn
            except sa.exc.SQLAlchemyError as exc:
                raise DocumentStoreError(f"Database error in {self._safe_url}: {_first_line(exc)}") from exc

    def _filter_clause(self, node: FilterNode, index: str) -> Any:
        """The WHERE clause on the documents table for a parsed filter tree over documents of `index`.

        Each comparison is a subquery on the meta table: `EXISTS` (its negation `NOT EXISTS`) on
        PostgreSQL, which turns them into hash semi- and anti-joins, and the equivalent
        `id IN (...)` / `id NOT IN (...)` on SQLite, whose planner runs a correlated EXISTS once per
        document but evaluates an IN subquery once (document_id is never NULL, so both mean the same).
        """
        d, m = self._tables.documents.c, self._tables.meta.c
        correlated = self.engine.dialect.name != "sqlite"

        def exists(name: str, condition: Any) -> Any:
            where = (m.index_name == index, m.name == name, condition)
            if correlated:
                return sa.exists().where(m.document_id == d.id, *where)
            return d.id.in_(sa.select(m.document_id).where(*where))

        def equals(value: Any) -> Any:
            if value is None:
                return sa.and_(m.value_str.is_(None), m.value_num.is_(None))
            if isinstance(value, str):
                return m.value_str == value
            return m.value_num == float(value)

        def leaf(c: Comparison) -> Any:
            if c.op in ("$eq", "$ne"):
                found = exists(c.field, equals(c.value))
                return found if c.op == "$eq" else sa.not_(found)
            if c.op in ("$in", "$nin"):
                strings = [v for v in c.value if isinstance(v, str)]
                numbers = [float(v) for v in c.value if v is not None and not isinstance(v, str)]
                parts = []
                if strings:
                    parts.append(m.value_str.in_(strings))
                if numbers:
                    parts.append(m.value_num.in_(numbers))
                if any(v is None for v in c.value):
                    parts.append(equals(None))
                if not parts:  # $in [] matches nothing, $nin [] everything
                    return sa.false() if c.op == "$in" else sa.true()
                found = exists(c.field, sa.or_(*parts))
                return found if c.op == "$in" else sa.not_(found)
            column, value = (m.value_str, c.value) if isinstance(c.value, str) else (m.value_num, float(c.value))
            condition = {"$gt": column > value, "$gte": column >= value, "$lt": column < value, "$lte": column <= value}[c.op]
            return exists(c.field, condition)

        return fold(node, leaf, lambda cs: sa.and_(*cs), lambda cs: sa.or_(*cs), sa.not_)

    def _where(self, index: str, node: FilterNode | None) -> list[Any]:
        clauses = [self._tables.documents.c.index_name == index]
        if node is not None:
            clauses.append(self._filter_clause(node, index))
        return clauses

    def _document_columns(self) -> list[Any]:
        d = self._tables.documents.c
        return [d.pk, d.id, d.content, d.content_type, d.meta, d.id_hash_keys, d.vector_id]

    @staticmethod
    def _to_document(row: Any) -> Document:
        content = json.loads(row.content) if row.content_type == "table" else row.content
        return Document(
            content=content,
            content_type=row.content_type,
            id=row.id,
            meta=json.loads(row.meta),
            id_hash_keys=json.loads(row.id_hash_keys) if row.id_hash_keys else None,
        )

    def _rows_to_documents(self, rows: Sequence[Any], index: str, return_embedding: bool | None) -> list[Document]:
        """Documents for rows of `_document_columns()`, with their vectors where asked for (and stored)."""
        docs = [self._to_document(row) for row in rows]
        if self.vector_index is not None:  # as Haystack's FAISS store: the FAISS row of each vector, as a str
            for doc, row in zip(docs, rows):
                if row.vector_id is not None:
                    doc.meta["vector_id"] = str(row.vector_id)
        keep = self.return_embedding if return_embedding is None else return_embedding
        if not keep or self.vector_index is None:
            return docs
        with_vectors = [(doc, row.vector_id) for doc, row in zip(docs, rows) if row.vector_id is not None]
        if with_vectors:
            with self._lock:
                vectors = self.vector_index.reconstruct(index, [vid for _, vid in with_vectors])
            for (doc, _), vector in zip(with_vectors, vectors):
                doc.embedding = vector
        return docs

    def _prepare(self, documents: list[Document], index: str) -> list[_Prepared]:
        """Serialise every document before anything is written (a bad one stops the whole batch)."""
        prepared = []
        for i, doc in enumerate(documents):
            try:
                meta = _jsonable(doc.meta)
                if self.vector_index is not None and "vector_id" in meta:
                    meta = {k: v for k, v in meta.items() if k != "vector_id"}  # the store assigns vector ids
                content = json.dumps(_jsonable(doc.content), ensure_ascii=False) if doc.content_type == "table" else doc.content
            except TypeError as exc:
                raise DocumentStoreError(f"documents[{i}] (id {doc.id}) cannot be stored, nothing was written: {exc}") from exc
            row = {
                "id": doc.id,
                "index_name": index,
                "content": content,
                "content_type": doc.content_type,
                "meta": json.dumps(meta, ensure_ascii=False),
                "id_hash_keys": json.dumps(doc.id_hash_keys) if doc.id_hash_keys else None,
                "vector_id": None,
            }
            prepared.append(_Prepared(doc, row, _meta_rows(doc.id, index, meta)))
        return prepared

    # The vector index's part of a write: planned inside the transaction, applied just before the commit.
    def _vector_plan(self, conn: Any, index: str) -> VectorPlan:
        """A plan whose ids start after every id used in `index`, in SQL or by this store."""
        d = self._tables.documents.c
        in_sql = conn.execute(sa.select(sa.func.max(d.vector_id)).where(d.index_name == index)).scalar()
        start = max(-1 if in_sql is None else int(in_sql), self._next_vector_id.get(index, 0) - 1) + 1
        return VectorPlan(index=index, next_id=start)

    def _apply_vectors(self, plan: VectorPlan | None) -> None:
        if plan is not None and self.vector_index is not None:
            self.vector_index.apply(plan)
            self._next_vector_id[plan.index] = plan.next_id

    def _vector_counts(self) -> dict[str, int]:
        """How many documents have a vector, per index."""
        d = self._tables.documents.c
        with self._connect() as conn:
            stmt = sa.select(d.index_name, sa.func.count(d.vector_id)).group_by(d.index_name)
            return {name: int(n) for name, n in conn.execute(stmt)}

    def _delete_rows(self, conn: Any, index: str, ids: Sequence[str]) -> None:
        d, m = self._tables.documents, self._tables.meta
        for chunk in _chunks(list(ids), _IN_CHUNK):
            conn.execute(sa.delete(m).where(m.c.index_name == index, m.c.document_id.in_(chunk)))
            conn.execute(sa.delete(d).where(d.c.index_name == index, d.c.id.in_(chunk)))

    # ---------------------------------------------------------------- documents
    def write_documents(
        self,
        documents: Iterable[Document | Mapping[str, Any]],
        index: str | None = None,
        batch_size: int = 10_000,
        duplicate_documents: DuplicatePolicy | None = None,
    ) -> int:
        """Write documents in one transaction, `batch_size` per statement; return how many were written.

        Raises:
            DuplicateDocumentError: `duplicate_documents="fail"` and an id exists or repeats.
            DocumentStoreError: a bad document or a database error; nothing was written.
        """
        index = index or self.index
        check_int(batch_size, "batch_size", error=DocumentStoreError)
        d, m = self._tables.documents, self._tables.meta
        with self._lock:
            docs = self._resolve_duplicates(documents, index, duplicate_documents)
            if not docs:
                return 0
            if self.vector_index is not None:
                self.vector_index.check_documents(docs, index)
            prepared = self._prepare(docs, index)
            with self._transaction() as conn:
                plan = self._vector_plan(conn, index) if self.vector_index is not None else None
                for chunk in _chunks(prepared, batch_size):
                    ids = [item.row["id"] for item in chunk]
                    old: dict[str, int | None] = {}
                    for id_chunk in _chunks(ids, _IN_CHUNK):
                        stmt = sa.select(d.c.id, d.c.vector_id).where(d.c.index_name == index, d.c.id.in_(id_chunk))
                        old.update((row.id, row.vector_id) for row in conn.execute(stmt))
                    if old:  # overwrite: the old rows go, the new ones land at the end
                        self._delete_rows(conn, index, list(old))
                    if plan is not None:
                        for item in chunk:
                            item.row["vector_id"] = plan.replace(old.get(item.row["id"]), item.document.embedding)
                    conn.execute(sa.insert(d), [item.row for item in chunk])
                    meta_rows = [r for item in chunk for r in item.meta_rows]
                    if meta_rows:
                        conn.execute(sa.insert(m), meta_rows)
                self._apply_vectors(plan)
            if index in self._bm25:
                self._bm25_settings.index_documents(self._bm25[index], docs)
            if len(docs) >= _ANALYZE_AFTER:
                self._analyze()
        return len(docs)

    def _analyze(self) -> None:
        """Refresh PostgreSQL's table statistics after a bulk write.

        Right after a bulk load the planner still believes the tables are nearly empty and picks
        nested loops that take minutes on filters with `$ne`/`$nin`/`$not`; autovacuum would fix
        that only a minute or so later. (SQLite's IN subqueries do not depend on statistics.)
        """
        if self.engine.dialect.name != "postgresql":
            return
        preparer = self.engine.dialect.identifier_preparer
        tables = ", ".join(preparer.format_table(t) for t in (self._tables.documents, self._tables.meta))
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.text(f"ANALYZE {tables}"))
        except sa.exc.SQLAlchemyError as exc:  # statistics are an optimisation: never fail a write for them
            logger.warning("ANALYZE after a bulk write failed: %s", _first_line(exc))

    def get_all_documents(
        self, index: str | None = None, filters: Mapping[str, Any] | None = None, return_embedding: bool | None = None
    ) -> list[Document]:
        """Every document of `index` that passes `filters`, in insertion order."""
        return [doc for doc in self.get_all_documents_generator(index, filters, return_embedding)]

    def get_all_documents_generator(
        self,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        return_embedding: bool | None = None,
        batch_size: int = 10_000,
    ) -> Iterator[Document]:
        """Like `get_all_documents`, reading `batch_size` rows at a time (for large indexes)."""
        index = index or self.index
        check_int(batch_size, "batch_size", error=DocumentStoreError)
        node = parse_filters(filters)  # raise FilterError now, not on the first next()
        return self._generate(index, node, return_embedding, batch_size)

    def _generate(self, index: str, node: FilterNode | None, return_embedding: bool | None, batch_size: int) -> Iterator[Document]:
        for rows in self._row_pages(self._where(index, node), batch_size):
            yield from self._rows_to_documents(rows, index, return_embedding)

    def _row_pages(self, where: list[Any], batch_size: int) -> Iterator[Sequence[Any]]:
        """The rows (`_document_columns()`) that match `where`, in insertion order, `batch_size` per query."""
        d = self._tables.documents.c
        last = None
        while True:
            stmt = sa.select(*self._document_columns()).where(*where).order_by(d.pk).limit(batch_size)
            if last is not None:
                stmt = stmt.where(d.pk > last)
            with self._connect() as conn:
                rows = conn.execute(stmt).all()
            if rows:
                yield rows
            if len(rows) < batch_size:
                return
            last = rows[-1].pk

    def get_documents_by_id(
        self, ids: list[str], index: str | None = None, batch_size: int = 10_000
    ) -> list[Document]:
        """The documents with these ids (unknown ids are left out), in the order of `ids`."""
        check_int(batch_size, "batch_size", owner="SQLDocumentStore.get_documents_by_id", error=DocumentStoreError)
        index = index or self.index
        d = self._tables.documents.c
        found: dict[str, Document] = {}
        unique = list(dict.fromkeys(ids))
        with self._connect() as conn:
            for chunk in _chunks(unique, min(batch_size, _IN_CHUNK)):
                stmt = sa.select(*self._document_columns()).where(d.index_name == index, d.id.in_(chunk))
                rows = conn.execute(stmt).all()
                found.update((doc.id, doc) for doc in self._rows_to_documents(rows, index, None))
        return [found[i] for i in ids if i in found]

    def query(
        self,
        query: str,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        scale_score: bool = True,
        all_terms_must_match: bool = False,
    ) -> list[Document]:
        """BM25 search over the text documents of `index` (needs `use_bm25=True`)."""
        index = index or self.index
        if not self.use_bm25:
            raise DocumentStoreError(
                "This SQLDocumentStore keeps no BM25 index: build it with SQLDocumentStore(..., use_bm25=True)."
            )
        node = parse_filters(filters)
        with self._lock:
            bm25 = self._bm25.get(index)
            if bm25 is None or len(bm25) != self.get_document_count(index=index):
                bm25 = self._bm25_settings.new_index()
                documents = self.get_all_documents_generator(index=index)
                while batch := list(islice(documents, 10_000)):  # never all documents in memory at once
                    self._bm25_settings.index_documents(bm25, batch)
                self._bm25[index] = bm25
            candidates = None
            if node is not None:
                d = self._tables.documents.c
                with self._connect() as conn:
                    candidates = list(conn.execute(sa.select(d.id).where(*self._where(index, node))).scalars())
            hits = keyword_hits(bm25, self._bm25_settings, query, top_k, candidates, all_terms_must_match)
        return scored_documents(  # the documents are read outside the lock
            hits, lambda ids: {doc.id: doc for doc in self.get_documents_by_id(ids, index=index)}, scale_score
        )

    def get_document_count(
        self,
        filters: Mapping[str, Any] | None = None,
        index: str | None = None,
        only_documents_without_embedding: bool = False,
    ) -> int:
        """How many documents of `index` pass `filters` (optionally: that have no embedding)."""
        index = index or self.index
        where = self._where(index, parse_filters(filters))
        if only_documents_without_embedding:
            where.append(self._tables.documents.c.vector_id.is_(None))
        with self._connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(self._tables.documents).where(*where)).scalar_one())

    def delete_documents(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        """Delete the documents with `ids` that pass `filters` (both None: every document of the index)."""
        index = index or self.index
        node = parse_filters(filters)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return
        d, m = self._tables.documents, self._tables.meta
        self._bm25.pop(index, None)  # built again on the next query
        with self._transaction() as conn:
            if ids is None and node is None:
                conn.execute(sa.delete(m).where(m.c.index_name == index))
                conn.execute(sa.delete(d).where(d.c.index_name == index))
                if self.vector_index is not None:
                    self.vector_index.delete(index, None)
                return
            targets: list[Any] = []
            for chunk in [None] if ids is None else list(_chunks(ids, _IN_CHUNK)):
                stmt = sa.select(d.c.id, d.c.vector_id).where(*self._where(index, node))
                if chunk is not None:
                    stmt = stmt.where(d.c.id.in_(chunk))
                targets += conn.execute(stmt).all()
            if targets:
                self._delete_rows(conn, index, [t.id for t in targets])
                if self.vector_index is not None:
                    self.vector_index.delete(index, [t.vector_id for t in targets if t.vector_id is not None])

    def update_document_meta(self, id: str, meta: Mapping[str, Any], index: str | None = None) -> None:
        """Merge `meta` into the document's meta (keys given replace old values)."""
        index = index or self.index
        if not isinstance(meta, Mapping):
            raise DocumentStoreError(f"meta must be a dict, got {type(meta).__name__}.")
        try:
            update = _jsonable(dict(meta))
        except TypeError as exc:
            raise DocumentStoreError(f"The meta for document {id!r} cannot be stored: {exc}") from exc
        d, m = self._tables.documents, self._tables.meta
        with self._transaction() as conn:
            row = conn.execute(sa.select(d.c.pk, d.c.meta).where(d.c.index_name == index, d.c.id == id)).first()
            if row is None:
                raise DocumentStoreError(f"No document with id {id!r} in index '{index}'.")
            merged = {**json.loads(row.meta), **update}
            conn.execute(sa.update(d).where(d.c.pk == row.pk).values(meta=json.dumps(merged, ensure_ascii=False)))
            conn.execute(sa.delete(m).where(m.c.index_name == index, m.c.document_id == id))
            rows = _meta_rows(id, index, merged)
            if rows:
                conn.execute(sa.insert(m), rows)

    # ------------------------------------------------------------------ vectors
    def get_embedding_count(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> int:
        """How many documents of `index` that pass `filters` have a vector."""
        return self.get_document_count(filters=filters, index=index) - self.get_document_count(
            filters=filters, index=index, only_documents_without_embedding=True
        )

    def update_embeddings(
        self,
        retriever: Any,
        index: str | None = None,
        filters: Mapping[str, Any] | None = None,
        update_existing_embeddings: bool = True,
        batch_size: int = 10_000,
    ) -> None:
        """Embed documents with `retriever.embed_documents` and store the vectors in the vector index.

        Args:
            retriever: anything with `embed_documents(list[Document]) -> np.ndarray`.
            filters: only the documents that pass.
            update_existing_embeddings: False embeds only the documents that have no vector yet.
            batch_size: documents per `embed_documents` call (and per transaction).
        """
        if self.vector_index is None:
            return super().update_embeddings(retriever, index, filters, update_existing_embeddings, batch_size)
        from tqdm.auto import tqdm

        index = index or self.index
        check_int(batch_size, "batch_size", error=DocumentStoreError)
        node = parse_filters(filters)
        d = self._tables.documents
        where = self._where(index, node)
        if not update_existing_embeddings:
            where.append(d.c.vector_id.is_(None))
        with self._lock:
            self.vector_index.check_ready(index)
            with self._connect() as conn:
                total = int(conn.execute(sa.select(sa.func.count()).select_from(d).where(*where)).scalar_one())
            if total == 0:
                logger.info("update_embeddings: no document of index '%s' needs an embedding.", index)
                return
            with tqdm(total=total, desc="Updating embeddings", unit="docs", disable=not self.progress_bar) as bar:
                for rows in self._row_pages(where, batch_size):
                    docs = [self._to_document(row) for row in rows]
                    vectors = self.vector_index.as_matrix(
                        retriever.embed_documents(docs), f"The embeddings from {type(retriever).__name__}"
                    )
                    if len(vectors) != len(docs):
                        raise DocumentStoreError(
                            f"{type(retriever).__name__}.embed_documents returned {len(vectors)} embeddings for {len(docs)} documents."
                        )
                    self._store_vectors(index, rows, vectors)
                    bar.update(len(rows))

    def _store_vectors(self, index: str, rows: Sequence[Any], vectors: np.ndarray) -> None:
        """Replace the vectors of these rows (one transaction)."""
        d = self._tables.documents
        with self._transaction() as conn:
            plan = self._vector_plan(conn, index)
            new_ids = [plan.replace(row.vector_id, vector) for row, vector in zip(rows, vectors)]
            conn.execute(
                sa.update(d).where(d.c.pk == sa.bindparam("row_pk")).values(vector_id=sa.bindparam("new_vector_id")),
                [{"row_pk": row.pk, "new_vector_id": vid} for row, vid in zip(rows, new_ids)],
            )
            self._apply_vectors(plan)

    def query_by_embedding(
        self,
        query_emb: np.ndarray,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        index: str | None = None,
        return_embedding: bool | None = None,
        scale_score: bool = True,
    ) -> list[Document]:
        """The `top_k` documents most similar to `query_emb` among those that pass `filters` (needs a vector index)."""
        vectors = self.vector_index
        if vectors is None:
            return super().query_by_embedding(query_emb, filters, top_k, index, return_embedding, scale_score)
        index = index or self.index
        node = parse_filters(filters)
        query = vectors.as_matrix(np.asarray(query_emb, dtype=np.float32).reshape(1, -1), "The query embedding")[0]
        d = self._tables.documents.c
        with self._lock:
            if vectors.count(index) == 0 or top_k < 1:
                return []
            allowed = None
            if node is not None:
                with self._connect() as conn:
                    stmt = sa.select(d.vector_id).where(*self._where(index, node), d.vector_id.is_not(None))
                    allowed = np.array([row.vector_id for row in conn.execute(stmt)], dtype=np.int64)
                if not len(allowed):
                    return []
            hits = vectors.search(index, query, top_k, allowed)
            with self._connect() as conn:
                stmt = sa.select(*self._document_columns()).where(d.index_name == index, d.vector_id.in_([i for i, _ in hits]))
                rows = {row.vector_id: row for row in conn.execute(stmt)}
            found = [(rows[i], s) for i, s in hits if i in rows]
            docs = self._rows_to_documents([row for row, _ in found], index, return_embedding)
        for doc, (_, score) in zip(docs, found):
            doc.score = scale_similarity(score, vectors.similarity) if scale_score else score
        return docs

    # ------------------------------------------------------------------- labels
    def write_labels(self, labels: Iterable[Label | Mapping[str, Any]], index: str | None = None) -> None:
        """Write labels in one transaction; a label whose id exists replaces it in place."""
        index = index or self.label_index
        unique: dict[str, str] = {}
        for label in to_labels(labels):
            unique[label.id] = json.dumps(label.to_dict(), ensure_ascii=False)
        if not unique:
            return
        t = self._tables.labels
        with self._transaction() as conn:
            existing: dict[str, int] = {}
            for chunk in _chunks(list(unique), _IN_CHUNK):
                stmt = sa.select(t.c.id, t.c.pk).where(t.c.index_name == index, t.c.id.in_(chunk))
                existing.update((row.id, row.pk) for row in conn.execute(stmt))
            if existing:
                conn.execute(
                    sa.update(t).where(t.c.pk == sa.bindparam("old_pk")).values(label=sa.bindparam("new_label")),
                    [{"old_pk": pk, "new_label": unique[i]} for i, pk in existing.items()],
                )
            new = [{"id": i, "index_name": index, "label": text} for i, text in unique.items() if i not in existing]
            if new:
                conn.execute(sa.insert(t), new)

    def _label_rows(self, conn: Any, index: str, ids: list[str] | None, node: FilterNode | None) -> list[tuple[int, Label]]:
        t = self._tables.labels.c
        result = []
        for chunk in [None] if ids is None else list(_chunks(ids, _IN_CHUNK)):
            stmt = sa.select(t.pk, t.label).where(t.index_name == index).order_by(t.pk)
            if chunk is not None:
                stmt = stmt.where(t.id.in_(chunk))
            result += [(row.pk, Label.from_dict(json.loads(row.label))) for row in conn.execute(stmt)]
        return [(pk, label) for pk, label in result if matches(node, label_filter_view(label))]

    def get_all_labels(self, index: str | None = None, filters: Mapping[str, Any] | None = None) -> list[Label]:
        """Every label of `index` that passes `filters` (on its fields or its meta), in insertion order."""
        node = parse_filters(filters)
        with self._connect() as conn:
            return [label for _, label in self._label_rows(conn, index or self.label_index, None, node)]

    def get_label_count(self, index: str | None = None) -> int:
        t = self._tables.labels
        with self._connect() as conn:
            stmt = sa.select(sa.func.count()).select_from(t).where(t.c.index_name == (index or self.label_index))
            return int(conn.execute(stmt).scalar_one())

    def delete_labels(
        self, index: str | None = None, ids: list[str] | None = None, filters: Mapping[str, Any] | None = None
    ) -> None:
        """Delete labels by id and/or filters (both None: every label of the index)."""
        index = index or self.label_index
        node = parse_filters(filters)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return
        t = self._tables.labels
        with self._transaction() as conn:
            if node is None:
                for chunk in [None] if ids is None else list(_chunks(ids, _IN_CHUNK)):
                    stmt = sa.delete(t).where(t.c.index_name == index)
                    conn.execute(stmt if chunk is None else stmt.where(t.c.id.in_(chunk)))
                return
            pks = [pk for pk, _ in self._label_rows(conn, index, ids, node)]
            for chunk in _chunks(pks, _IN_CHUNK):
                conn.execute(sa.delete(t).where(t.c.pk.in_(chunk)))


__all__ = ["SQLDocumentStore", "parse_database_url"]
