"""Running pipelines: data flow through chains, joins and decision nodes; params; debug; errors; batches."""

from __future__ import annotations

import pytest

from hayrick import BaseComponent, Document, Pipeline
from hayrick.errors import NodeError, PipelineValidationError
from tests.sample_nodes import (
    AppendText,
    Broadcast,
    CountFiles,
    Fails,
    KeywordDocuments,
    MergeDocuments,
    QuestionRouter,
)

TEXTS = ["the battery lasts long", "the screen is bright", "reading books is easy on this screen"]


class Recorder(BaseComponent):
    """Records every call, to prove what ran (and what did not)."""

    def __init__(self, tag: str = "r"):
        self.tag = tag
        self.calls: list[dict] = []

    def run(self, query: str, documents: list | None = None):
        self.calls.append({"query": query, "documents": documents})
        return {"seen_by": self.tag}, "output_1"


def test_chain_passes_outputs_along_and_keeps_root_inputs():
    p = Pipeline()
    p.add_node(AppendText("1", label="one"), "One", ["Query"])
    p.add_node(AppendText("2", label="two"), "Two", ["One"])
    p.add_node(AppendText("3", label="three"), "Three", ["Two"])
    result = p.run(query="q")
    assert result["query"] == "q123"
    assert result["trace"] == ("one", "two", "three")
    assert result["params"] == {}


def test_diamond_join_receives_each_branch_in_the_order_they_ran():
    p = Pipeline()
    p.add_node(KeywordDocuments(TEXTS[:2]), "Left", ["Query"])
    p.add_node(KeywordDocuments(TEXTS[1:]), "Right", ["Query"])
    p.add_node(MergeDocuments(), "Join", ["Right", "Left"])
    result = p.run(query="the screen")
    contents = [d.content for d in result["documents"]]
    # As in Haystack 1.x: Left ran first (it was added first), so it comes first, whatever the inputs' order.
    assert contents == ["the screen is bright", "the battery lasts long", "reading books is easy on this screen"]
    assert result["trace"] == ("Left", "Right", "Join")
    assert result["root_node"] == "Query"
    assert result["query"] == "the screen"


def test_decision_node_runs_only_the_chosen_branch():
    questions, keywords = Recorder("questions"), Recorder("keywords")
    p = Pipeline()
    p.add_node(QuestionRouter(), "Router", ["Query"])
    p.add_node(questions, "Questions", ["Router.output_1"])
    p.add_node(keywords, "Keywords", ["Router.output_2"])
    assert p.run(query="is the screen bright?")["seen_by"] == "questions"
    assert p.run(query="screen brightness")["seen_by"] == "keywords"
    assert [c["query"] for c in questions.calls] == ["is the screen bright?"]
    assert [c["query"] for c in keywords.calls] == ["screen brightness"]


def test_join_after_a_decision_node_gets_only_the_branch_that_ran():
    p = Pipeline()
    p.add_node(QuestionRouter(), "Router", ["Query"])
    p.add_node(KeywordDocuments(TEXTS[:1]), "A", ["Router.output_1"])
    p.add_node(KeywordDocuments(TEXTS[1:]), "B", ["Router.output_2"])
    p.add_node(MergeDocuments(), "Join", ["A", "B"])
    result = p.run(query="the screen")
    assert result["trace"] == ("Router", "B", "Join")
    assert all("screen" in d.content for d in result["documents"])


def test_output_all_runs_every_successor_and_results_merge_each_sink():
    a, b, c = Recorder("a"), Recorder("b"), Recorder("c")
    p = Pipeline()
    p.add_node(Broadcast(branches=3), "Fan", ["Query"])
    p.add_node(a, "A", ["Fan.output_1"])
    p.add_node(b, "B", ["Fan.output_2"])
    p.add_node(c, "C", ["Fan.output_3"])
    result = p.run(query="q")
    assert len(a.calls) == len(b.calls) == len(c.calls) == 1
    assert result["seen_by"] == "c"  # sinks merged in execution order: the last one wins a shared key


def test_indexing_pipeline_from_file_root():
    p = Pipeline()
    p.add_node(CountFiles(), "Count", ["File"])
    result = p.run(file_paths=["a.txt", "b.pdf"], meta={"source": "x"})
    assert result["file_count"] == 2 and result["meta"] == {"source": "x"}
    assert p.root_node == "File"


def test_params_per_node_and_global():
    p = Pipeline()
    p.add_node(KeywordDocuments(TEXTS, top_k=3), "Narrow", ["Query"])
    p.add_node(KeywordDocuments(TEXTS, top_k=3), "Wide", ["Query"])
    p.add_node(MergeDocuments(), "Join", ["Narrow", "Wide"])

    def counts(params):
        result = p.run(query="the screen is", params=params, debug=True)
        return {name: len(info["output"]["documents"]) for name, info in result["_debug"].items() if name != "Join"}

    assert counts(None) == {"Narrow": 3, "Wide": 3}
    assert counts({"top_k": 2}) == {"Narrow": 2, "Wide": 2}
    assert counts({"top_k": 2, "Narrow": {"top_k": 1}}) == {"Narrow": 1, "Wide": 2}


def test_unknown_params_are_refused_before_any_node_runs():
    recorder = Recorder()
    p = Pipeline()
    p.add_node(recorder, "Rec", ["Query"])
    p.add_node(KeywordDocuments(TEXTS), "Retriever", ["Rec"])
    with pytest.raises(
        PipelineValidationError,
        match=r"Node 'Retriever' \(KeywordDocuments\) does not accept the parameter 'topk'. Did you mean 'top_k'\? "
        r"It accepts: query, top_k, trace",
    ):
        p.run(query="q", params={"Retriever": {"topk": 3}})
    with pytest.raises(PipelineValidationError, match=r"No node in this pipeline accepts the parameter 'filterz'"):
        p.run(query="q", params={"filterz": {"a": 1}})
    with pytest.raises(PipelineValidationError, match=r"params\['Retriever'\] must be a dict"):
        p.run(query="q", params={"Retriever": 3})
    assert recorder.calls == []


def test_debug_reports_each_node():
    p = Pipeline()
    p.add_node(AppendText("!"), "Shout", ["Query"])
    p.add_node(KeywordDocuments(TEXTS), "Retriever", ["Shout"])
    result = p.run(query="screen", debug=True)
    debug = result["_debug"]
    assert list(debug) == ["Shout", "Retriever"]
    assert debug["Shout"]["input"] == {"query": "screen"}
    assert debug["Shout"]["output"]["query"] == "screen!"
    assert debug["Retriever"]["edge"] == "output_1"
    assert debug["Retriever"]["exec_time_ms"] >= 0
    only_one = p.run(query="screen", params={"Retriever": {"debug": True}})
    assert list(only_one["_debug"]) == ["Retriever"]
    assert "_debug" not in p.run(query="screen")


def test_node_exception_becomes_node_error_with_cause():
    p = Pipeline()
    p.add_node(AppendText(), "Ok", ["Query"])
    p.add_node(Fails(), "Broken", ["Ok"])
    with pytest.raises(NodeError, match=r"Node 'Broken' \(Fails\) failed: RuntimeError: boom: q\+") as info:
        p.run(query="q")
    assert isinstance(info.value.__cause__, RuntimeError)
    assert info.value.node_name == "Broken" and info.value.component_type == "Fails"


def test_bad_return_values_are_named():
    class NoTuple(BaseComponent):
        def run(self, query):
            return {"query": query}

    class BadEdge(BaseComponent):
        def run(self, query):
            return {}, "output_2"

    p = Pipeline()
    p.add_node(NoTuple(), "NoTuple", ["Query"])
    with pytest.raises(NodeError, match=r"must return \(outputs: dict, edge: str\).*returned \{'query': 'q'\}"):
        p.run(query="q")
    p2 = Pipeline()
    p2.add_node(BadEdge(), "BadEdge", ["Query"])
    with pytest.raises(NodeError, match=r"returned edge 'output_2'; valid edges are output_1, output_all"):
        p2.run(query="q")


def test_missing_required_input_is_named():
    class NeedsDocuments(BaseComponent):
        def run(self, query, documents):
            return {}, "output_1"

    p = Pipeline()
    p.add_node(NeedsDocuments(), "Reader", ["Query"])
    with pytest.raises(NodeError, match=r"Node 'Reader' \(NeedsDocuments\).run\(\) needs documents.*Available: query"):
        p.run(query="q")
    docs = [Document(content="x")]
    assert p.run(query="q", documents=docs)["documents"] is docs


def test_inputs_are_passed_without_copies():
    seen = []

    class Spy(BaseComponent):
        def run(self, documents):
            seen.append(documents)
            return {}, "output_1"

    docs = [Document(content="a")]
    p = Pipeline()
    p.add_node(Spy(), "First", ["Query"])
    p.add_node(Spy(), "Second", ["First"])
    p.run(query="q", documents=docs)
    assert seen[0] is docs and seen[1] is docs


def test_run_batch_chain_and_decision():
    p = Pipeline()
    p.add_node(AppendText(" screen"), "Expand", ["Query"])
    p.add_node(KeywordDocuments(TEXTS, top_k=1), "Retriever", ["Expand"])
    result = p.run_batch(queries=["battery", "books"], params={"Retriever": {"top_k": 2}})
    assert result["queries"] == ["battery screen", "books screen"]
    assert [len(docs) for docs in result["documents"]] == [2, 2]
    assert result["documents"][0][0].content == "the battery lasts long"
    with pytest.raises(PipelineValidationError, match="does not accept the parameter 'query'"):
        p.run_batch(queries=["x"], params={"Retriever": {"query": "y"}})


def test_run_batch_uses_a_node_own_run_batch():
    class Batched(BaseComponent):
        def __init__(self):
            self.batches = []

        def run(self, query):
            raise AssertionError("run_batch should be used")

        def run_batch(self, queries):
            self.batches.append(list(queries))
            return {"lengths": [len(q) for q in queries]}, "output_1"

    node = Batched()
    p = Pipeline()
    p.add_node(node, "B", ["Query"])
    assert p.run_batch(queries=["a", "bbb"])["lengths"] == [1, 3]
    assert node.batches == [["a", "bbb"]]
