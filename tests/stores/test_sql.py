"""SQLDocumentStore: the shared suite on SQLite (memory and file) and PostgreSQL, plus SQL specifics.

PostgreSQL runs where `HAYRICK_TEST_POSTGRES_URL` is set (`.ci/postgres.sh` prints one); without
it these tests skip, unless `CI` is set, where they fail. Each PostgreSQL test gets a schema of
its own (dropped afterwards), so every store starts empty.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import DocumentStoreError, PipelineConfigError
from hayrick.stores.filters import matches, parse_filters
from hayrick.stores.sql import SQLDocumentStore, parse_database_url
from hayrick.testing.store_suite import (
    BM25Tests,
    DocumentStoreTests,
    contents,
    sample_documents,
    sample_labels,
)

POSTGRES_ENV = "HAYRICK_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        message = f"{POSTGRES_ENV} is not set; run `export {POSTGRES_ENV}=$(bash .ci/postgres.sh)` to test PostgreSQL"
        if os.environ.get("CI"):
            pytest.fail(f"{message}. CI is set, so PostgreSQL tests must run: .ci/run must export {POSTGRES_ENV}.")
        pytest.skip(message)
    return url


@pytest.fixture()
def postgres_schema_url(postgres_url):
    """A URL whose connections use a fresh, empty schema (dropped after the test)."""
    import sqlalchemy as sa
    schema = f"hayrick_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(parse_database_url(postgres_url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


# --------------------------------------------------------------------- extra checks on each backend
EDGE_METAS = [
    {"k": None},
    {"k": [None, "a"]},
    {"k": []},
    {"k": {"nested": 1}},
    {"k": [[1, 2]]},
    {"k": True},
    {"k": 1},
    {"k": 1.5},
    {"k": "1"},
    {"k": "a"},
    {"k": "Zebra"},
    {"k": "\u00e9t\u00e9"},
    {"k": ["b", 3]},
    {"k": float("nan")},
    {"other": "x"},
    {},
]
EDGE_FILTERS = [
    {"k": {op: value}}
    for op, value in itertools.product(
        ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"], [None, True, 1, 1.5, 2, "1", "a", "b", "Z", "\u00e9"]
    )
    if not (op in ("$gt", "$gte", "$lt", "$lte") and (value is None or isinstance(value, bool)))
] + [
    {"k": {"$in": [None]}},
    {"k": {"$in": []}},
    {"k": {"$nin": []}},
    {"k": {"$in": ["a", 1]}},
    {"k": {"$nin": ["a", 1, None]}},
    {"$not": {"k": {"$in": ["b", 3]}}},
    {"$or": [{"k": {"$gt": "Y"}}, {"other": "x"}]},
    {"$and": [{"k": {"$ne": None}}, {"k": {"$nin": ["a"]}}]},
]


class SQLStoreChecks:
    """What every SQL backend must do beyond the shared suite."""

    @pytest.fixture()
    def store(self, document_store):
        return document_store

    def test_filters_equal_the_in_memory_semantics_on_edge_values(self, store):
        docs = [Document(content=f"doc {i}", meta=meta) for i, meta in enumerate(EDGE_METAS)]
        store.write_documents(docs)
        for filters in EDGE_FILTERS:
            tree = parse_filters(filters)
            expected = [d.content for d in docs if matches(tree, d.meta)]
            got = [d.content for d in store.get_all_documents(filters=filters)]
            assert got == expected, filters

    def test_insertion_order_across_batches_and_overwrite_moves_to_the_end(self, store):
        docs = [Document(content=f"doc {i}", meta={"i": i}) for i in range(7)]
        store.write_documents(docs, batch_size=3)
        assert [d.content for d in store.get_all_documents()] == [d.content for d in docs]
        assert [d.content for d in store.get_all_documents_generator(batch_size=2)] == [d.content for d in docs]
        store.write_documents([Document(content="doc 2", meta={"i": 20})])
        assert [d.meta["i"] for d in store.get_all_documents()] == [0, 1, 3, 4, 5, 6, 20]
        assert store.get_document_count(filters={"i": 2}) == 0

    def test_a_failing_write_leaves_nothing_behind(self, store, monkeypatch):
        store.write_documents([Document(content="kept")])

        def boom(plan):
            raise DocumentStoreError("simulated failure after the rows were inserted")

        monkeypatch.setattr(store, "_apply_vectors", boom)
        docs = [Document(content=f"doc {i}", meta={"i": i}) for i in range(5)] + [Document(content="kept", meta={"n": 1})]
        with pytest.raises(DocumentStoreError, match="simulated"):
            store.write_documents(docs, batch_size=2)
        assert contents(store.get_all_documents()) == ["kept"]
        assert store.get_document_by_id(Document(content="kept").id).meta == {}
        assert store.get_document_count(filters={"i": {"$gte": 0}}) == 0

    def test_documents_round_trip_exactly(self, store):
        table = Document(content=[["a", "b"], [1, None]], content_type="table", meta={"m": {"deep": [1, "x"]}})
        text = Document(content="x", meta={"item_id": "B1"}, id_hash_keys=["item_id"])
        long_value = Document(content="long meta", meta={"title": "t" * 5000})
        store.write_documents([table, text, long_value])
        assert store.get_documents_by_id([table.id, text.id, long_value.id]) == [table, text, long_value]
        assert store.get_all_documents(filters={"title": "t" * 5000}) == [long_value]

    def test_labels_are_separate_per_index_and_filtered_in_python(self, store):
        labels = sample_labels()
        store.write_labels(labels[:2], index="eval_a")
        store.write_labels(labels[2:], index="eval_b")
        assert store.get_label_count(index="eval_a") == 2 and store.get_label_count() == 0
        assert [l.query for l in store.get_all_labels(index="eval_b", filters={"item_id": {"$ne": "B1"}})] == [
            "is the bass good?"
        ]
        store.delete_labels(index="eval_a", ids=[labels[1].id], filters={"item_id": "B1"})
        assert store.get_all_labels(index="eval_a") == [labels[0]]


class TestSQLiteMemory(SQLStoreChecks, DocumentStoreTests, BM25Tests):
    @pytest.fixture()
    def document_store(self):
        store = SQLDocumentStore(url="sqlite://", use_bm25=True)
        yield store
        store.close()


class TestSQLiteFile(SQLStoreChecks, DocumentStoreTests, BM25Tests):
    @pytest.fixture()
    def document_store(self, tmp_path):
        store = SQLDocumentStore(url=f"sqlite:///{tmp_path / 'store.db'}", use_bm25=True)
        yield store
        store.close()


class TestPostgreSQL(SQLStoreChecks, DocumentStoreTests, BM25Tests):
    @pytest.fixture()
    def document_store(self, postgres_schema_url):
        store = SQLDocumentStore(url=postgres_schema_url, use_bm25=True)
        yield store
        store.close()


# ------------------------------------------------------------------------------ SQLite file, nodes
def test_a_file_database_persists_across_store_instances(tmp_path):
    url = f"sqlite:///{tmp_path / 'persist.db'}"
    first = SQLDocumentStore(url=url)
    docs = sample_documents()
    first.write_documents(docs)
    first.write_documents(docs[:1], index="other")
    first.write_labels(sample_labels())
    first.close()
    second = SQLDocumentStore(url=url)
    assert [d.id for d in second.get_all_documents()] == [d.id for d in docs]
    assert contents(second.get_all_documents(filters={"tags": "battery"})) == ["The battery died after a week."]
    assert second.get_document_count(index="other") == 1
    assert second.get_label_count() == 3
    second.close()


def test_default_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = SQLDocumentStore()
    assert (tmp_path / "hayrick.db").is_file()
    assert (store.url, store.index, store.label_index, store.duplicate_documents) == (
        "sqlite:///hayrick.db",
        "document",
        "label",
        "overwrite",
    )
    assert store.init_parameters == {}
    assert store.get_document_count() == 0
    store.close()


def test_invalid_init():
    with pytest.raises(DocumentStoreError, match="not a database URL"):
        SQLDocumentStore(url="hayrick.db")
    with pytest.raises(DocumentStoreError, match="names a database SQLAlchemy does not know"):
        SQLDocumentStore(url="nosuchdb://localhost/x")
    with pytest.raises(DocumentStoreError, match="duplicate_documents must be one of overwrite, skip, fail"):
        SQLDocumentStore(url="sqlite://", duplicate_documents="replace")
    with pytest.raises(DocumentStoreError, match="index must be a non-empty str"):
        SQLDocumentStore(url="sqlite://", index="")


def test_invalid_init_unreachable_server():
    pytest.importorskip("psycopg2")
    with pytest.raises(DocumentStoreError, match=r"Cannot open the database postgresql\S*://u:\*\*\*@127.0.0.1:1/x.*Connection refused"):
        SQLDocumentStore(url="postgresql://u:secret@127.0.0.1:1/x")


def test_run_writes_documents():
    store = SQLDocumentStore(url="sqlite://")
    docs = sample_documents()
    output, edge = store.run(documents=docs)
    assert edge == "output_1" and output["written"] == 5 and output["documents"] is docs
    output, _ = store.run(documents=docs[:1], duplicate_documents="skip")
    assert output["written"] == 0


def test_save_and_load_through_a_pipeline_config(tmp_path):
    url = f"sqlite:///{tmp_path / 'pipeline.db'}"
    indexing = Pipeline()
    indexing.add_node(component=SQLDocumentStore(url=url, index="reviews"), name="DocumentStore", inputs=["File"])
    indexing.run(file_paths=["x.txt"], documents=sample_documents())
    config = indexing.get_config()
    assert config["components"] == [
        {"name": "DocumentStore", "type": "SQLDocumentStore", "params": {"url": url, "index": "reviews"}}
    ]
    (tmp_path / "indexing.yml").write_text("")
    indexing.save(tmp_path / "indexing.yml")
    loaded = Pipeline.load(tmp_path / "indexing.yml")
    store = loaded.get_node("DocumentStore")
    assert isinstance(store, SQLDocumentStore) and store.index == "reviews"
    assert store.get_document_count() == 5
    assert loaded.get_config() == config


def test_bad_params_in_a_pipeline_config_name_the_component():
    config = {
        "version": "1.0",
        "components": [{"name": "Store", "type": "SQLDocumentStore", "params": {"url": "sqlite://", "duplicate_documents": "x"}}],
        "pipelines": [{"name": "indexing", "nodes": [{"name": "Store", "inputs": ["File"]}]}],
    }
    with pytest.raises(PipelineConfigError, match=r"Store.*duplicate_documents must be one of"):
        Pipeline.load(config)


def test_in_an_indexing_pipeline_with_duplicates_policy_as_param():
    store = SQLDocumentStore(url="sqlite://", duplicate_documents="fail")
    p = Pipeline()
    p.add_node(component=store, name="DocumentStore", inputs=["File"])
    docs = sample_documents()
    assert p.run(file_paths=["a.txt"], documents=docs[:2])["written"] == 2
    result = p.run(file_paths=["b.txt"], documents=docs, params={"DocumentStore": {"duplicate_documents": "skip"}})
    assert result["written"] == 3
    assert [d.id for d in store.get_all_documents()] == [d.id for d in docs]


def test_a_bulk_write_refreshes_postgresql_statistics(postgres_schema_url):
    store = SQLDocumentStore(url=postgres_schema_url)
    docs = [Document(content=f"doc {i}", meta={"item_id": f"B{i % 50}", "tags": ["a", "b"] if i % 3 else ["c"]}) for i in range(1200)]
    store.write_documents(docs)
    import sqlalchemy as sa
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT reltuples FROM pg_class WHERE relname = 'hayrick_document_meta' AND relkind = 'r' "
                                    "AND relnamespace = current_schema()::regnamespace")).scalar_one()
    assert rows > 1000  # the planner knows the table is big (before ANALYZE it believes it is empty)
    assert store.get_document_count(filters={"$not": {"tags": "c"}}) == 800
    store.close()


def test_bm25_index_follows_writes_from_another_store_instance(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    writer, reader = SQLDocumentStore(url=url), SQLDocumentStore(url=url, use_bm25=True)
    writer.write_documents([{"content": "The battery lasts long."}])
    assert [d.content for d in reader.query("battery")] == ["The battery lasts long."]
    writer.write_documents([{"content": "Battery died fast."}])  # another instance, like another process
    assert sorted(d.content for d in reader.query("battery")) == ["Battery died fast.", "The battery lasts long."]
    reader.delete_documents(ids=[reader.query("died")[0].id])
    assert [d.content for d in reader.query("battery")] == ["The battery lasts long."]
    with pytest.raises(DocumentStoreError, match=r"keeps no BM25 index: build it with SQLDocumentStore\(..., use_bm25=True\)"):
        writer.query("battery")
