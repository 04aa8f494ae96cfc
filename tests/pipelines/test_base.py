"""Building a Pipeline: every mistake is caught when the node is added, with the node and the fix named."""

from __future__ import annotations

import pytest

from hayrick import BaseComponent, Pipeline
from hayrick.errors import PipelineValidationError
from hayrick.pipelines import RootNode
from tests.sample_nodes import (
    AppendText,
    Broadcast,
    CountFiles,
    KeywordDocuments,
    MergeDocuments,
    QuestionRouter,
)

TEXTS = ["the battery lasts long", "the screen is bright", "reading books is easy on this screen"]


def diamond() -> Pipeline:
    p = Pipeline()
    p.add_node(AppendText(" screen"), "Expand", ["Query"])
    p.add_node(KeywordDocuments(TEXTS[:2]), "Left", ["Expand"])
    p.add_node(KeywordDocuments(TEXTS[1:]), "Right", ["Expand"])
    p.add_node(MergeDocuments(), "Join", ["Left", "Right"])
    return p


def test_components_get_node_root_and_names():
    p = diamond()
    assert p.root_node == "Query"
    assert list(p.components) == ["Expand", "Left", "Right", "Join"]
    assert isinstance(p.get_node("Join"), MergeDocuments)
    assert isinstance(p.get_node("Query"), RootNode) and p.get_node("Query").name == "Query"  # as in Haystack 1.x
    assert p.get_node("Query").run() == ({}, "output_1") and p.get_node("Nope") is None
    assert p.get_node("Left").name == "Left"
    assert len(p.get_nodes_by_class(KeywordDocuments)) == 2
    assert "Join(MergeDocuments)" in repr(p)


def test_component_must_be_an_instance():
    p = Pipeline()
    with pytest.raises(PipelineValidationError, match=r"Pass an instance: AppendText\(...\), not the class"):
        p.add_node(AppendText, "A", ["Query"])  # type: ignore[arg-type]
    with pytest.raises(PipelineValidationError, match=r"got function.*Subclass hayrick.nodes.BaseComponent"):
        p.add_node(lambda query: query, "A", ["Query"])  # type: ignore[arg-type]


def test_duplicate_and_reserved_names():
    p = Pipeline()
    p.add_node(AppendText(), "A", ["Query"])
    with pytest.raises(PipelineValidationError, match=r"'A' is already in the pipeline \(a AppendText node\).*'A_2'"):
        p.add_node(AppendText(), "A", ["Query"])
    with pytest.raises(PipelineValidationError, match="reserved for the pipeline's root"):
        p.add_node(AppendText(), "Query", ["A"])
    with pytest.raises(PipelineValidationError, match="may not contain '.'"):
        p.add_node(AppendText(), "a.b", ["A"])


def test_unknown_input_lists_the_nodes_that_exist():
    p = Pipeline()
    p.add_node(AppendText(), "A", ["Query"])
    with pytest.raises(PipelineValidationError, match=r"Node 'B' \(AppendText\): unknown input node 'Retriever'.*Query, A"):
        p.add_node(AppendText(), "B", ["Retriever"])
    assert list(p.components) == ["A"]


def test_edge_beyond_outgoing_edges():
    p = Pipeline()
    p.add_node(QuestionRouter(), "Router", ["Query"])
    with pytest.raises(
        PipelineValidationError, match=r"names edge 'output_3', but Router has only 2 outgoing edges: Router.output_1, Router.output_2"
    ):
        p.add_node(AppendText(), "X", ["Router.output_3"])
    with pytest.raises(PipelineValidationError, match=r"names edge 'out2'"):
        p.add_node(AppendText(), "X", ["Router.out2"])
    with pytest.raises(PipelineValidationError, match=r"has only 1 outgoing edge: Query.output_1"):
        p.add_node(AppendText(), "X", ["Query.output_2"])


def test_decision_node_input_must_name_the_edge():
    p = Pipeline()
    p.add_node(QuestionRouter(), "Router", ["Query"])
    with pytest.raises(PipelineValidationError, match=r"specify the output edge explicitly, like 'Router.output_1'"):
        p.add_node(AppendText(), "X", ["Router"])


def test_edges_computed_per_instance():
    p = Pipeline()
    p.add_node(Broadcast(branches=3), "Fan", ["Query"])
    p.add_node(AppendText("a"), "A", ["Fan.output_3"])
    with pytest.raises(PipelineValidationError, match="has only 3 outgoing edges"):
        p.add_node(AppendText("b"), "B", ["Fan.output_4"])


def test_a_node_cannot_feed_itself():
    p = Pipeline()
    p.add_node(AppendText(), "A", ["Query"])
    with pytest.raises(PipelineValidationError, match="lists itself as an input, which would make a cycle"):
        p.add_node(AppendText(), "B", ["A", "B"])


def test_several_inputs_need_an_inputs_parameter():
    p = Pipeline()
    p.add_node(AppendText("a"), "A", ["Query"])
    p.add_node(AppendText("b"), "B", ["Query"])
    with pytest.raises(
        PipelineValidationError,
        match=r"Node 'C' \(AppendText\): it has 2 inputs \(A, B\) but its run\(\) has no `inputs` parameter",
    ):
        p.add_node(AppendText("c"), "C", ["A", "B"])
    with pytest.raises(PipelineValidationError, match="input 'A' is listed twice"):
        p.add_node(MergeDocuments(), "C", ["A", "A"])


def test_one_root_per_pipeline():
    p = Pipeline()
    p.add_node(AppendText(), "A", ["Query"])
    with pytest.raises(PipelineValidationError, match=r"input 'File', but this pipeline starts at 'Query'"):
        p.add_node(CountFiles(), "Count", ["File"])


def test_inputs_must_be_a_list_of_names():
    p = Pipeline()
    with pytest.raises(PipelineValidationError, match="inputs must be a non-empty list"):
        p.add_node(AppendText(), "A", [])
    with pytest.raises(PipelineValidationError, match="inputs must be a non-empty list"):
        p.add_node(AppendText(), "A", [1])  # type: ignore[list-item]


def test_set_node_replaces_a_component_with_a_compatible_one():
    p = diamond()
    replacement = KeywordDocuments(["only this screen"])
    p.set_node("Left", replacement)
    assert p.get_node("Left") is replacement
    docs = p.run(query="screen")["documents"]
    assert "only this screen" in [d.content for d in docs]
    with pytest.raises(PipelineValidationError, match="2 outgoing edges, the old one 1"):
        p.set_node("Left", QuestionRouter())
    with pytest.raises(PipelineValidationError, match="No node named 'Nope'"):
        p.set_node("Nope", AppendText())


def test_empty_pipeline_cannot_run_or_draw(tmp_path):
    with pytest.raises(PipelineValidationError, match=r"The pipeline is empty: add a node with inputs=\['Query'\]"):
        Pipeline().run(query="x")
    with pytest.raises(PipelineValidationError, match="empty"):
        Pipeline().draw(tmp_path / "x.png")


def test_draw_writes_a_png(tmp_path):
    p = diamond()
    p.add_node(QuestionRouter(), "Router", ["Join"])
    p.add_node(AppendText(), "Yes", ["Router.output_1"])
    path = p.draw(tmp_path / "diamond.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000  # a real drawing, not an empty canvas


def test_user_node_with_kwargs_run_can_join():
    class AnyJoin(BaseComponent):
        def run(self, **kwargs):
            return {"n_inputs": len(kwargs["inputs"])}, "output_1"

    p = Pipeline()
    p.add_node(AppendText("a"), "A", ["Query"])
    p.add_node(AppendText("b"), "B", ["Query"])
    p.add_node(AnyJoin(), "J", ["A", "B"])
    assert p.run(query="q")["n_inputs"] == 2


def test_load_many_builds_shared_components_once(tmp_path) -> None:
    from hayrick.errors import PipelineConfigError

    config = {
        "version": "1.0",
        "components": [
            {"name": "Store", "type": "InMemoryDocumentStore", "params": {"use_bm25": True}},
            {"name": "Retriever", "type": "BM25Retriever", "params": {"document_store": "Store"}},
            {"name": "Converter", "type": "TextConverter"},
        ],
        "pipelines": [
            {"name": "query", "nodes": [{"name": "Retriever", "inputs": ["Query"]}]},
            {"name": "indexing", "nodes": [{"name": "Converter", "inputs": ["File"]},
                                           {"name": "Store", "inputs": ["Converter"]}]},
        ],
    }  # fmt: skip
    pipelines = Pipeline.load_many(config)
    assert list(pipelines) == ["query", "indexing"]
    store = pipelines["indexing"].get_node("Store")
    assert pipelines["query"].get_node("Retriever").document_store is store
    path = tmp_path / "a.txt"
    path.write_text("the battery lasts three weeks")
    pipelines["indexing"].run(file_paths=[str(path)])
    assert pipelines["query"].run(query="battery")["documents"][0].content == "the battery lasts three weeks"
    separate = [Pipeline.load(config, pipeline_name=name) for name in ("query", "indexing")]
    assert separate[0].get_node("Retriever").document_store is not separate[1].get_node("Store")
    only = Pipeline.load_many(config, ["indexing"])
    assert list(only) == ["indexing"]
    with pytest.raises(PipelineConfigError, match="valid pipeline names: query, indexing"):
        Pipeline.load_many(config, ["search"])
