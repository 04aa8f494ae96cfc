"""Haystack 1.26's Pipeline API, as its users call it: loading, the version field, config, code, stores, errors.

Each test follows a behaviour of Haystack 1.26.4 (`haystack/pipelines/base.py`, `config.py`, `utils.py` and
`test/pipelines/test_pipeline*.py`); where hayrick words an error its own way, the test checks that
Haystack's phrase is in it, so a ported `pytest.raises(..., match=...)` still passes.
"""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest

from hayrick import Pipeline
from hayrick.errors import (
    HaystackError,
    PipelineConfigError,
    PipelineError,
)
from hayrick.nodes import BM25Retriever, TfidfRetriever
from hayrick.nodes.readers.base import BaseReader
from hayrick.pipelines import DocumentSearchPipeline, RootNode
from hayrick.pipelines.utils import generate_code
from hayrick.stores import InMemoryDocumentStore
from tests.sample_nodes import AppendText, Holder, QuestionRouter

YAML = textwrap.dedent(
    """\
    version: {version}
    components:
      - name: DocumentStore
        type: InMemoryDocumentStore
        params: {{use_bm25: true}}
      - name: Retriever
        type: BM25Retriever
        params: {{document_store: DocumentStore, top_k: 3}}
    pipelines:
      - name: query
        nodes:
          - {{name: Retriever, inputs: [Query]}}
    """
)


def write(tmp_path: Path, version: str = "'1.26.4'") -> Path:
    path = tmp_path / "pipeline.yml"
    path.write_text(YAML.format(version=version))
    return path


def bm25_pipeline() -> tuple[Pipeline, InMemoryDocumentStore]:
    store = InMemoryDocumentStore(use_bm25=True)
    p = Pipeline()
    p.add_node(component=BM25Retriever(document_store=store), name="Retriever", inputs=["Query"])
    return p, store


class TinyReader(BaseReader):
    """A reader that finds nothing, for get_type."""

    top_k, batch_size = 3, 8

    def _answer(self, queries, documents_per_query, top_k, batch_size):
        return [([], None) for _ in queries]


# ----------------------------------------------------------------------- loading and the version
def test_load_from_yaml_takes_haystacks_keywords(tmp_path, caplog):
    path = write(tmp_path)
    with caplog.at_level(logging.WARNING):
        p = Pipeline.load_from_yaml(
            path=path, pipeline_name="query", overwrite_with_env_variables=False, strict_version_check=True
        )
    assert isinstance(p.get_node("Retriever"), BM25Retriever) and p.get_node("Retriever").top_k == 3
    assert not caplog.records  # a Haystack 1.26 file needs no warning
    config = p.get_config()
    again = Pipeline.load_from_config(pipeline_config=config, pipeline_name="query", strict_version_check=True)
    assert again.get_config() == config


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        Pipeline.load_from_yaml(path=tmp_path / "nope.yml")
    with pytest.raises(PipelineConfigError):
        Pipeline.load_from_yaml(tmp_path / "nope.yml")


def test_invalid_yaml_and_a_missing_version(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("version: '1.0'\ncomponents: [\n")
    with pytest.raises(PipelineConfigError, match="not valid YAML"):
        Pipeline.load_from_yaml(bad)
    missing = tmp_path / "missing.yml"
    missing.write_text("\n".join(YAML.format(version="x").splitlines()[1:]))
    with pytest.raises(PipelineConfigError, match="Validation failed. 'version' is a required property"):
        Pipeline.load_from_yaml(missing)


@pytest.mark.parametrize("version", ["random", "'1.1.0'"])
def test_another_version_warns_and_strict_refuses(tmp_path, caplog, version):
    path = write(tmp_path, version)
    shown = version.strip("'")
    with caplog.at_level(logging.WARNING):
        Pipeline.load_from_yaml(path)
    assert f"version '{shown}'" in caplog.text
    with pytest.raises(PipelineConfigError, match=f"Cannot load pipeline configuration of version {shown}"):
        Pipeline.load_from_yaml(path, strict_version_check=True)


@pytest.mark.parametrize("version", ["'1.0'", "ignore", "'1.26.0'", "'1.26.4'"])
def test_versions_read_without_a_warning(tmp_path, caplog, version):
    with caplog.at_level(logging.WARNING):
        Pipeline.load_from_yaml(write(tmp_path, version), strict_version_check=True)
    assert not caplog.records


# ------------------------------------------------------------------------------ the graph's parts
def test_root_node_components_and_get_node():
    p, store = bm25_pipeline()
    root = p.get_node("Query")
    assert isinstance(root, RootNode) and root.name == "Query" and root.run() == ({}, "output_1")
    assert p.get_node("Nope") is None
    assert p.components == {"Retriever": p.get_node("Retriever"), "InMemoryDocumentStore": store}
    assert list(p.node_components) == ["Retriever"]
    assert p.get_nodes_by_class(InMemoryDocumentStore) == []  # graph nodes only, as in Haystack


def test_two_unnamed_stores_of_one_type_get_numbered_names():
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=InMemoryDocumentStore(use_bm25=True)), "A", ["Query"])
    p.add_node(TfidfRetriever(document_store=InMemoryDocumentStore()), "B", ["Query"])
    assert list(p.components) == ["A", "B", "InMemoryDocumentStore", "InMemoryDocumentStore_2"]


def test_get_document_store():
    p, store = bm25_pipeline()
    assert p.get_document_store() is store
    p.add_node(TfidfRetriever(document_store=store), "Tfidf", ["Query"])
    assert p.get_document_store() is store  # shared by two retrievers: one store
    p.add_node(TfidfRetriever(document_store=InMemoryDocumentStore()), "Other", ["Query"])
    with pytest.raises(PipelineError, match="Multiple Document Stores found in Pipeline"):
        p.get_document_store()
    plain = Pipeline()
    plain.add_node(AppendText(text="x"), "A", ["Query"])
    assert plain.get_document_store() is None
    as_node = Pipeline()
    as_node.add_node(store, "Store", ["File"])
    assert as_node.get_document_store() is store
    assert DocumentSearchPipeline(BM25Retriever(document_store=store)).get_document_store() is store


def test_get_type():
    p, store = bm25_pipeline()
    assert p.get_type() == "DocumentSearchPipeline (retriever: ['BM25Retriever'], doc_store: ['InMemoryDocumentStore'])"
    p.add_node(TinyReader(), "Reader", ["Retriever"])
    assert p.get_type().startswith("ExtractiveQAPipeline (retriever: ['BM25Retriever']")
    plain = Pipeline()
    plain.add_node(AppendText(text="x"), "A", ["Query"])
    assert plain.get_type() == "Unknown pipeline (retriever: None, doc_store: None)"
    assert DocumentSearchPipeline(BM25Retriever(document_store=store)).get_type().startswith("DocumentSearchPipeline")


# --------------------------------------------------------------------------------------- config
def test_get_config_return_defaults_and_pipeline_names():
    p, _ = bm25_pipeline()
    config = p.get_config()
    assert list(config) == ["version", "components", "pipelines"] and config["pipelines"][0]["name"] == "query"
    assert config["components"][1]["params"] == {"document_store": "InMemoryDocumentStore"}
    full = p.get_config(True)  # Haystack's first positional argument
    assert full["components"][1]["params"] == {
        "document_store": "InMemoryDocumentStore", "top_k": 10, "all_terms_must_match": False, "scale_score": True,
    }
    assert full["components"][0]["params"]["use_bm25"] is True and "index" in full["components"][0]["params"]
    assert Pipeline.load_from_config(full).get_config() == config  # the defaults read back as defaults
    indexing = Pipeline()
    indexing.add_node(InMemoryDocumentStore(), "Store", ["File"])
    assert indexing.get_config()["pipelines"][0]["name"] == "indexing"


def test_a_param_without_a_yaml_form_is_an_error_only_when_saving(tmp_path):
    client = object()
    p = Pipeline()
    p.add_node(Holder(store=client), "Holder", ["Query"])
    assert p.get_config()["components"][0]["params"]["store"] is client
    with pytest.raises(PipelineConfigError, match="has no YAML form"):
        p.save_to_yaml(tmp_path / "p.yml")
    assert not (tmp_path / "p.yml").exists()


def test_save_to_yaml_takes_return_defaults(tmp_path):
    p, _ = bm25_pipeline()
    p.save_to_yaml(tmp_path / "p.yml", return_defaults=True)
    text = (tmp_path / "p.yml").read_text()
    assert "version: '1.0'" in text and "top_k: 10" in text
    assert Pipeline.load_from_yaml(tmp_path / "p.yml").get_config() == p.get_config()


# ----------------------------------------------------------------------------------------- code
def test_to_code_writes_haystacks_layout_with_hayrick_imports():
    p, _ = bm25_pipeline()
    assert p.to_code() == textwrap.dedent(
        """\
        from hayrick.nodes import BM25Retriever
        from hayrick.pipelines import Pipeline
        from hayrick.stores import InMemoryDocumentStore

        in_memory_document_store = InMemoryDocumentStore(use_bm25=True)
        retriever = BM25Retriever(document_store=in_memory_document_store)

        pipeline = Pipeline()
        pipeline.add_node(component=retriever, name="Retriever", inputs=["Query"])"""
    )
    assert p.to_code(pipeline_variable_name="p", generate_imports=False, add_comment=True).startswith(
        "# This code has been generated.\n\nin_memory_document_store = "
    )


def test_generated_code_builds_the_same_pipeline():
    store = InMemoryDocumentStore(use_bm25=True)
    store.name = "Reviews"
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=store, top_k=5), "Retriever", ["Query"])
    p.add_node(QuestionRouter(), "Router", ["Retriever"])
    p.add_node(AppendText(text='say "hi"'), "Quoted", ["Router.output_2"])
    code = p.to_code()
    assert 'reviews.name = "Reviews"' in code and "from tests.sample_nodes import AppendText, QuestionRouter" in code
    namespace: dict = {}
    exec(code, namespace)
    assert namespace["pipeline"].get_config() == p.get_config()


def test_generate_code_does_not_depend_on_the_order_of_components():
    p, _ = bm25_pipeline()
    config = p.get_config()
    reordered = {**config, "components": list(reversed(config["components"]))}
    assert generate_code(reordered) == generate_code(config)
    assert "from hayrick.pipelines import Pipeline" not in generate_code(config, add_pipeline_cls_import=False)


def test_to_notebook_cell_outside_a_notebook_warns(caplog):
    p, _ = bm25_pipeline()
    with caplog.at_level(logging.WARNING):
        assert p.to_notebook_cell() is None
    assert "Could not create notebook cell" in caplog.text


# ----------------------------------------------------------------------------- add_node mistakes
def test_add_node_mistakes_are_pipeline_config_errors_with_haystacks_phrases():
    p, store = bm25_pipeline()
    cases = [
        (lambda: p.add_node(AppendText(), "A", ["Retriever.output_2"]), "Retriever has only 1 outgoing edge"),
        (lambda: p.add_node(AppendText(), "A", ["Retriever.wrong_edge_label"]),
         "'wrong_edge_label' is not a valid edge name"),
        (lambda: p.add_node(AppendText(), "A", ["InvalidNode"]), "Cannot find node 'InvalidNode'"),
        (lambda: p.add_node(p.get_node("Retriever"), "Again", ["Query"]),
         "You have already added the same instance to the pipeline"),
        (lambda: p.add_node(AppendText(), "Retriever", ["Query"]), "'Retriever' is already in the pipeline"),
        (lambda: Pipeline().add_node(AppendText(), "A", ["Retriever"]), "one single root node"),
        (lambda: Pipeline().add_node(AppendText(), "A", ["InvalidNode"]), "one single root node"),
    ]
    for add, phrase in cases:
        with pytest.raises(PipelineConfigError, match=phrase):
            add()
    with pytest.raises(HaystackError):  # the root of every error, under Haystack's name
        p.add_node(AppendText(), "A", ["InvalidNode"])


def test_old_positional_pipeline_names_get_a_clear_error(tmp_path):
    p, _ = bm25_pipeline()
    for call in (lambda: p.get_config("indexing"), lambda: p.save(tmp_path / "p.yml", "query", "yes"),
                 lambda: p.save_to_yaml(tmp_path / "p.yml", "indexing")):
        with pytest.raises(PipelineConfigError, match="pass pipeline_name= by keyword"):
            call()
    assert p.get_config(pipeline_name="mine")["pipelines"][0]["name"] == "mine"


def test_load_from_yaml_also_takes_text_and_load_from_config_its_older_keyword():
    text = YAML.format(version="'1.0'")
    assert isinstance(Pipeline.load_from_yaml(text).get_node("Retriever"), BM25Retriever)
    config = Pipeline.load(text).get_config()
    assert Pipeline.load_from_config(config=config).get_config() == config


def test_a_typo_in_the_first_nodes_input_names_the_unknown_node():
    with pytest.raises(PipelineConfigError, match="Cannot find node 'Retrievr'"):
        Pipeline().add_node(AppendText(), "A", ["Retrievr"])
    with pytest.raises(PipelineConfigError, match="Cannot find node 'Retrievr'"):
        Pipeline().add_node(AppendText(), "A", ["Query", "Retrievr"])


def test_get_config_writes_empty_params_and_filter_retriever_takes_scale_score():
    from hayrick.nodes import FilterRetriever
    from hayrick.stores import InMemoryDocumentStore

    store = InMemoryDocumentStore()
    p = Pipeline()
    p.add_node(FilterRetriever(document_store=store, scale_score=True), "Retriever", ["Query"])
    components = {c["name"]: c for c in p.get_config()["components"]}
    assert components["InMemoryDocumentStore"]["params"] == {}  # as Haystack 1.x: params is always there
    assert components["Retriever"]["params"]["document_store"] == "InMemoryDocumentStore"
