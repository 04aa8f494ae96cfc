"""The node contract (`hayrick/core/component.py`): edge checks at definition, captured init params, signatures."""

from __future__ import annotations

import pytest

from hayrick import BaseComponent, Document
from hayrick.core import accepted_parameters, filter_kwargs, registered_component_names
from hayrick.errors import ComponentError, NodeError
from tests.sample_nodes import AppendText, Broadcast, KeywordDocuments, QuestionRouter


def test_outgoing_edges_checked_when_class_is_defined():
    with pytest.raises(ComponentError, match=r"outgoing_edges must be an int >= 0, got -1"):

        class NoEdges(BaseComponent):
            outgoing_edges = -1

            def run(self, query):
                return {}, "output_1"

    with pytest.raises(ComponentError, match=r"got '2'"):

        class StringEdges(BaseComponent):
            outgoing_edges = "2"  # type: ignore[assignment]

            def run(self, query):
                return {}, "output_1"


def test_a_node_without_run_cannot_be_built_and_is_not_registered():
    class NoRun(BaseComponent):
        pass

    with pytest.raises(TypeError, match="abstract"):
        NoRun()
    assert "NoRun" not in registered_component_names()


def test_init_parameters_are_captured_by_name_and_only_when_given():
    node = KeywordDocuments(["a text"], top_k=2)
    assert node.init_parameters == {"texts": ["a text"], "top_k": 2}
    assert AppendText().init_parameters == {}
    assert Broadcast(branches=3).init_parameters == {"branches": 3}


def test_init_parameters_of_a_subclass_are_the_outermost_call():
    class Base(BaseComponent):
        def __init__(self, a: int = 1):
            self.a = a

        def run(self, query):
            return {}, "output_1"

    class Child(Base):
        def __init__(self, b: int = 2, **kwargs):
            super().__init__(a=b * 10)
            self.b = b
            self.extra = kwargs

    child = Child(b=3, colour="red")
    assert child.init_parameters == {"b": 3, "colour": "red"}
    assert child.a == 30


def test_invalid_init_arguments_name_the_class_and_its_parameters():
    with pytest.raises(ComponentError, match=r"KeywordDocuments\(.*unexpected keyword argument 'topk'.*top_k: int = 3"):
        KeywordDocuments(topk=3)
    with pytest.raises(ValueError, match="top_k must be >= 1"):
        KeywordDocuments(top_k=0)


def test_var_positional_init_arguments_are_refused_because_they_cannot_be_saved():
    class Star(BaseComponent):
        def __init__(self, *parts: str):
            self.parts = parts

        def run(self, query):
            return {}, "output_1"

    assert Star().init_parameters == {}
    with pytest.raises(ComponentError, match=r"pass its arguments by name"):
        Star("a", "b")


def test_accepted_parameters_reads_run_signatures():
    names, takes_all = accepted_parameters(KeywordDocuments(["x"]).run)
    assert names == {"query", "top_k", "trace"} and not takes_all


def test_filter_kwargs_keeps_what_run_accepts():
    node = KeywordDocuments(["x"])
    assert filter_kwargs(node.run, {"query": "q", "top_k": 1, "labels": None}) == {"query": "q", "top_k": 1}

    class TakesAll(BaseComponent):
        def run(self, **kwargs):
            return kwargs, "output_1"

    everything = {"query": "q", "anything": 1}
    assert filter_kwargs(TakesAll().run, everything) == everything


def test_old_import_path_gives_the_same_objects():
    import hayrick.core as core
    import hayrick.nodes as nodes
    import hayrick.nodes.base as old

    assert old.BaseComponent is core.BaseComponent is nodes.BaseComponent
    assert old.get_component_class is core.get_component_class is nodes.get_component_class
    assert old.accepted_parameters is core.accepted_parameters


def test_default_run_batch_loops_over_run_and_splits_per_query_inputs():
    node = KeywordDocuments(["red apple", "green apple", "blue sky"], top_k=5)
    out, edge = node.run_batch(queries=["apple", "sky"])
    assert edge == "output_1"
    assert [[d.content for d in docs] for docs in out["documents"]] == [["red apple", "green apple"], ["blue sky"]]

    class CountDocs(BaseComponent):
        def run(self, query, documents):
            return {"n": len(documents)}, "output_1"

    docs = [Document(content="a"), Document(content="b")]
    per_query, _ = CountDocs().run_batch(queries=["q1", "q2"], documents=[[docs[0]], docs])
    shared, _ = CountDocs().run_batch(queries=["q1", "q2"], documents=docs)
    assert per_query["n"] == [1, 2]
    assert shared["n"] == [2, 2]


def test_default_run_batch_refuses_a_batch_split_across_edges():
    router = QuestionRouter()
    router.name = "Router"
    out, edge = router.run_batch(queries=["why?", "how?"])
    assert edge == "output_1"
    with pytest.raises(NodeError, match=r"different edges \['output_1', 'output_2'\].*Override run_batch"):
        router.run_batch(queries=["why?", "keywords"])
