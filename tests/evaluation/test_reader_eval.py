"""Evaluating a real reader (minilm-l6-squad from ../shared) in a pipeline: integrated and isolated."""

from __future__ import annotations

import pytest

from hayrick import Pipeline
from hayrick.nodes import EvalAnswers, EvalDocuments
from tests.evaluation.helpers import qa_pipeline, tiny_labels


@pytest.fixture(scope="module")
def reader(shared_dir):
    readers = pytest.importorskip("hayrick.nodes.readers", reason="the readers are not there yet")
    return readers.FARMReader(str(shared_dir / "models" / "minilm-l6-squad"), use_gpu=False, top_k=3,
                              return_no_answer=False, progress_bar=False)  # fmt: skip


def test_pipeline_eval_with_a_real_reader(reader):
    labels = [l for l in tiny_labels() if not l.no_answer]
    result = qa_pipeline(reader=reader).eval(labels, params={"Retriever": {"top_k": 2}}, add_isolated_node_eval=True)
    assert result.kind("Reader") == "answer"
    isolated = result.calculate_metrics(eval_mode="isolated")["Reader"]
    integrated = result.calculate_metrics()["Reader"]
    # Easy questions on one-sentence reviews: the SQuAD reader gets most of them exactly.
    assert isolated["exact_match_top_1"] >= 0.6 and isolated["f1_top_1"] >= 0.7
    assert 0.0 <= integrated["f1_top_1"] <= integrated["f1"] <= 1.0
    answers = result["Reader"]
    bass = answers[(answers["query"] == "How good is the bass?") & (answers["eval_mode"] == "isolated")]
    assert bass["answer"].iloc[0].lower().endswith("bass") and bass["f1"].iloc[0] >= 0.6


def test_eval_nodes_around_a_real_reader(reader):
    p = qa_pipeline(reader=reader)
    eval_retriever, eval_reader = EvalDocuments(), EvalAnswers()
    pipe = Pipeline()
    pipe.add_node(p.get_node("Retriever"), "ESRetriever", ["Query"])
    pipe.add_node(eval_retriever, "EvalRetriever", ["ESRetriever"])
    pipe.add_node(reader, "QAReader", ["EvalRetriever"])
    pipe.add_node(eval_reader, "EvalReader", ["QAReader"])
    for l in tiny_labels():
        pipe.run(query=l.query, labels=l, params={"ESRetriever": {"top_k": 1}, "QAReader": {"top_k": 2}})
    assert eval_retriever.recall == pytest.approx(1.0)
    assert eval_reader.has_answer_count == 5 and eval_reader.top_k_f1 >= eval_reader.top_1_f1 >= 0.5
