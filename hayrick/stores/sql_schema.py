"""The SQL side of `SQLDocumentStore`: table definitions, typed meta rows, database URLs and engines.

SQLAlchemy (a dependency of hayrick) is imported when the first store is built (`bind_sqlalchemy`),
so that importing the store modules stays light. The table layout is described in `hayrick/stores/sql.py`.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hayrick.errors import DocumentStoreError
from hayrick.lazy_imports import require

sa: Any = None  # the sqlalchemy module, bound when the first store is built


_IN_CHUNK = 900  # ids per IN (...) list: below SQLite's oldest limit of 999 bound parameters
_DOCUMENT_TABLE = "hayrick_document"
_META_TABLE = "hayrick_document_meta"
_LABEL_TABLE = "hayrick_label"


def bind_sqlalchemy() -> Any:
    """Import SQLAlchemy 2 (through `require`) and bind it to this module's `sa`; return it."""
    global sa
    if sa is None:
        module = require("sqlalchemy", owner="SQLDocumentStore", package="sqlalchemy>=2")
        if int(module.__version__.split(".")[0]) < 2:
            raise ImportError(f"hayrick needs SQLAlchemy >= 2, found {module.__version__}: pip install -U 'sqlalchemy>=2'.")
        sa = module
    return sa


@dataclass
class _Tables:
    metadata: Any
    documents: Any
    meta: Any
    labels: Any


def _define_tables() -> _Tables:
    metadata = sa.MetaData()
    pk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # INTEGER PRIMARY KEY = rowid on SQLite
    text_c = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    documents = sa.Table(
        _DOCUMENT_TABLE,
        metadata,
        sa.Column("pk", pk, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("index", sa.Text, key="index_name", nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(16), nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("id_hash_keys", sa.Text, nullable=True),
        sa.Column("vector_id", sa.BigInteger, nullable=True),
    )
    d = documents.c
    sa.UniqueConstraint(d.index_name, d.id, name="uq_hayrick_document_index_id")
    sa.Index("ix_hayrick_document_vector", d.index_name, d.vector_id)
    meta = sa.Table(
        _META_TABLE,
        metadata,
        sa.Column("pk", pk, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Text, nullable=False),
        sa.Column("index", sa.Text, key="index_name", nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("value_str", text_c, nullable=True),
        sa.Column("value_num", sa.Double, nullable=True),
    )
    m = meta.c
    sa.Index("ix_hayrick_meta_document", m.document_id, m.index_name, m.name)
    sa.Index("ix_hayrick_meta_num", m.index_name, m.name, m.value_num)
    sa.Index("ix_hayrick_meta_str", m.index_name, m.name, m.value_str).ddl_if(dialect="sqlite")
    sa.Index("ix_hayrick_meta_str_hash", m.value_str, postgresql_using="hash").ddl_if(dialect="postgresql")
    labels = sa.Table(
        _LABEL_TABLE,
        metadata,
        sa.Column("pk", pk, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("index", sa.Text, key="index_name", nullable=False),
        sa.Column("label", sa.Text, nullable=False),
    )
    sa.UniqueConstraint(labels.c.index_name, labels.c.id, name="uq_hayrick_label_index_id")
    return _Tables(metadata, documents, meta, labels)


def _meta_rows(
    document_id: str, index: str, meta: Mapping[str, Any], prefix: str = ""
) -> list[dict[str, Any]]:
    """The typed meta rows of a (JSON-ready) meta dict: one per value, one per element of a list.

    A nested dict gives rows under dotted names (`classification.score`), which is how filters reach it.
    """
    rows = []
    for key, value in meta.items():
        name = prefix + key
        if isinstance(value, Mapping):
            rows += _meta_rows(document_id, index, value, f"{name}.")
            continue
        for v in value if isinstance(value, list) else [value]:
            if v is None:
                value_str, value_num = None, None
            elif isinstance(v, str):
                value_str, value_num = v, None
            elif isinstance(v, (bool, int, float)):
                try:
                    value_num = float(v)
                except OverflowError:  # an int beyond the double range: no row, like a non-scalar
                    continue
                if math.isnan(value_num):  # NaN equals nothing; SQLite would store it as NULL (= None)
                    continue
                value_str = None
            else:  # dicts and nested lists never compare equal: no row, as for a missing field
                continue
            rows.append(
                {"document_id": document_id, "index_name": index, "name": name, "value_str": value_str, "value_num": value_num}
            )
    return rows


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def parse_database_url(url: str) -> Any:
    """`url` as a SQLAlchemy URL; a plain `postgresql://` uses whichever of psycopg 3 and psycopg2 is installed.

    (SQLAlchemy 2.0 defaults to psycopg2 and 2.1 to psycopg 3; hayrick's `[postgres]` extra installs
    psycopg2-binary.)

    Raises:
        DocumentStoreError: `url` is not a database URL.
    """
    bind_sqlalchemy()
    example = "'sqlite:///hayrick.db', 'sqlite://' (in memory) or 'postgresql://user:password@localhost:5432/dbname'"
    if not isinstance(url, str) or not url:
        raise DocumentStoreError(f"url must be a database URL such as {example}, got {url!r}.")
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DocumentStoreError(f"url {url!r} is not a database URL: {exc}. Use one such as {example}.") from exc
    if parsed.drivername == "postgresql":
        for module, driver in (("psycopg", "postgresql+psycopg"), ("psycopg2", "postgresql+psycopg2")):
            if importlib.util.find_spec(module) is not None:
                return parsed.set(drivername=driver)
    return parsed


def _create_engine(url: str, check_same_thread: bool, isolation_level: str | None) -> tuple[Any, bool]:
    """The SQLAlchemy engine for `url`, and whether it is an in-memory SQLite database."""
    example = "'sqlite:///hayrick.db', 'sqlite://' (in memory) or 'postgresql://user:password@localhost:5432/dbname'"
    parsed = parse_database_url(url)
    kwargs: dict[str, Any] = {}
    in_memory = False
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": check_same_thread}
        in_memory = parsed.database in (None, "", ":memory:") or "mode=memory" in str(parsed.query)
        if in_memory:  # one connection for every thread, or each thread would see its own empty database
            kwargs["poolclass"] = sa.pool.StaticPool
    if isolation_level is not None:
        kwargs["isolation_level"] = isolation_level
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except sa.exc.NoSuchModuleError as exc:
        raise DocumentStoreError(
            f"url {parsed.render_as_string(hide_password=True)!r} names a database SQLAlchemy does not know "
            f"({exc}). Use one such as {example}."
        ) from exc
    except ImportError as exc:
        hint = " pip install 'hayrick[postgres]' (psycopg2-binary)" if parsed.get_backend_name() == "postgresql" else ""
        raise ImportError(f"The database driver for {parsed.drivername!r} is not installed ({exc}).{hint}") from exc
    except (sa.exc.ArgumentError, TypeError, ValueError) as exc:
        raise DocumentStoreError(f"Cannot use the database URL {parsed.render_as_string(hide_password=True)!r}: {exc}") from exc
    return engine, in_memory
