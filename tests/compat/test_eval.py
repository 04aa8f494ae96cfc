"""Haystack 1.26's evaluation: eval and eval_batch, context matching, custom id fields, its CSV layout."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from hayrick import BaseComponent, Pipeline
from hayrick.evaluation import EvaluationResult
from hayrick.evaluation.context_matching import (
    calculate_context_similarity,
    match_context,
    match_contexts,
)
from hayrick.nodes import TfidfRetriever
from hayrick.pipelines import DocumentSearchPipeline, ExtractiveQAPipeline
from hayrick.schema import Answer, Document, Label, MultiLabel, Span
from hayrick.stores import InMemoryDocumentStore

SAVED = Path(__file__).parent / "haystack_samples" / "eval_result"
PEOPLE = [("Paul", "New York", "filename2"), ("Carla", "Berlin", "filename1"), ("Christelle", "Paris", "filename3"),
          ("Camila", "Madrid", "filename4"), ("Matteo", "Rome", "filename5")]  # fmt: skip
CARLA_ID = "a0747b83aea0b60c4b114b15476dd32d"
SCOPES = ["document_id", "context", "document_id_and_context", "document_id_or_context", "answer", "document_id_or_answer"]


@pytest.fixture(scope="module")
def retriever() -> TfidfRetriever:
    store = InMemoryDocumentStore()
    store.write_documents([Document(f"My name is {n} and I live in {c}", meta={"name": f}) for n, c, f in PEOPLE])
    return TfidfRetriever(store)


def multilabel(query: str, document: Document, answer: str | None = "Carla") -> MultiLabel:
    gold = Answer(answer=answer, offsets_in_context=[Span(11, 16)]) if answer else None
    return MultiLabel(labels=[Label(query=query, answer=gold, document=document, is_correct_answer=True,
                                    is_correct_document=True, origin="gold-label")])  # fmt: skip


def eval_labels(answer: str | None = "Carla", berlin_content: str | None = None, metas=({}, {})) -> list[MultiLabel]:
    berlin = Document(berlin_content if berlin_content is not None else "My name is Carla and I live in Berlin",
                      id=CARLA_ID if berlin_content is None or berlin_content == "" and not metas[0] else None,
                      meta=metas[0])  # fmt: skip
    munich = Document("My name is Carla and I live in Munich" if berlin_content is None else berlin_content,
                      id="something_else" if not metas[1] else None, meta=metas[1])  # fmt: skip
    return [multilabel("Who lives in Berlin?", berlin, answer), multilabel("Who lives in Munich?", munich, answer)]


def rounded(metrics: dict) -> dict:
    return {k: round(v, 4) for k, v in metrics.items()}


@pytest.mark.parametrize("method", ["eval", "eval_batch"])
def test_document_scopes_as_haystack(retriever, method):
    result = getattr(DocumentSearchPipeline(retriever), method)(
        eval_labels(), params={"Retriever": {"top_k": 5}}, context_matching_min_length=20
    )
    expected = json.loads((SAVED / "document_search_metrics.json").read_text())
    for scope in SCOPES:  # the figures Haystack 1.26 computed on the same pipeline and labels
        assert rounded(result.calculate_metrics(document_scope=scope)["Retriever"]) == rounded(expected[scope]), scope


def test_document_search_labels_without_answers(retriever):
    result = DocumentSearchPipeline(retriever).eval(
        eval_labels(answer=None), params={"Retriever": {"top_k": 5}}, context_matching_min_length=20
    )
    half = {"mrr": 0.5, "map": 0.5, "recall_multi_hit": 0.5, "recall_single_hit": 0.5, "precision": 0.1, "ndcg": 0.5}
    ones = dict.fromkeys(half, 1.0)
    zeros = dict.fromkeys(half, 0.0)
    expected = {"document_id": half, "context": ones, "document_id_and_context": half, "document_id_or_context": ones,
                "answer": zeros, "document_id_or_answer": half}  # fmt: skip
    for scope, values in expected.items():
        assert rounded(result.calculate_metrics(document_scope=scope)["Retriever"]) == values, scope


def test_file_search_by_custom_document_id_field(retriever):
    labels = [
        multilabel("Who lives in Berlin?", Document("", meta={"name": "filename1"}), None),
        multilabel("Who lives in Munich?", Document("", meta={"name": "filename2"}), None),
    ]
    result = DocumentSearchPipeline(retriever).eval(
        labels, params={"Retriever": {"top_k": 5}}, context_matching_min_length=20, custom_document_id_field="name"
    )
    metrics = result.calculate_metrics(document_scope="document_id")["Retriever"]
    assert metrics["mrr"] == pytest.approx(0.6) and metrics["map"] == pytest.approx(0.6)
    assert metrics["recall_multi_hit"] == metrics["recall_single_hit"] == 1.0
    assert metrics["precision"] == pytest.approx(0.2) and metrics["ndcg"] == pytest.approx(0.6934, rel=1e-4)
    assert result.calculate_metrics(document_scope="context")["Retriever"]["mrr"] == 0.0
    assert list(result["Retriever"]["custom_document_id"][:1]) == ["filename1"]


def test_no_answer_labels_score_one_in_every_scope(retriever):
    labels = [multilabel("Why does probability work?", Document(""), None)]
    result = DocumentSearchPipeline(retriever).eval(labels, params={"Retriever": {"top_k": 5}}, context_matching_min_length=20)
    for scope in SCOPES:
        assert set(result.calculate_metrics(document_scope=scope)["Retriever"].values()) == {1.0}, scope


class NameReader(BaseComponent):
    """Answers with the name in each of the first three documents (the reader `make_with_haystack.py` used)."""

    outgoing_edges = 1

    def run(self, query: str, documents: list[Document], top_k: int | None = None):
        answers = []
        for doc in documents[:3]:
            name = doc.content.split()[3]
            start = doc.content.index(name)
            answers.append(Answer(answer=name, type="extractive", score=0.9 - 0.1 * len(answers), context=doc.content,
                                  offsets_in_document=[Span(start, start + len(name))],
                                  offsets_in_context=[Span(start, start + len(name))], document_ids=[doc.id], meta=doc.meta))  # fmt: skip
        return {"answers": answers}, "output_1"


@pytest.mark.parametrize("method", ["eval", "eval_batch"])
def test_answer_scopes_and_simulated_top_k_as_haystack(retriever, method):
    pipeline = ExtractiveQAPipeline(reader=NameReader(), retriever=retriever)
    result = getattr(pipeline, method)(eval_labels(), params={"Retriever": {"top_k": 5}}, context_matching_min_length=20)
    expected = json.loads((SAVED / "qa_metrics.json").read_text())
    for scope in ("any", "context", "document_id", "document_id_and_context"):
        metrics = result.calculate_metrics(answer_scope=scope)
        for metric in ("exact_match", "f1"):
            assert metrics["Reader"][metric] == pytest.approx(expected[scope]["Reader"][metric]), (scope, metric)
    assert result.calculate_metrics(simulated_top_k_reader=1)["Reader"]["exact_match"] == expected["top1"]["Reader"]["exact_match"]
    top2 = result.calculate_metrics(simulated_top_k_retriever=2)
    assert rounded(top2["Retriever"]) == rounded(expected["ret2"]["Retriever"])
    assert top2["Reader"]["f1"] == pytest.approx(expected["ret2"]["Reader"]["f1"])


def test_eval_batch_passes_add_isolated_node_eval_to_run_batch(retriever):
    seen = {}

    class Spy(Pipeline):
        def run_batch(self, **kwargs):
            seen.update(kwargs)
            return {"queries": kwargs["queries"], "_debug": {}}

    class TakesIsolated(BaseComponent):  # a node whose run_batch takes add_isolated_node_eval, as generators do
        def run(self, query: str, documents: list, add_isolated_node_eval: bool = False):
            return {"answers": []}, "output_1"

        def run_batch(self, queries: list, documents: list, add_isolated_node_eval: bool = False):
            return {"answers": [[] for _ in queries]}, "output_1"

    spy = Spy()
    spy.add_node(retriever, "Retriever", ["Query"])
    spy.add_node(TakesIsolated(), "Node", ["Retriever"])
    result = spy.eval_batch(eval_labels(), add_isolated_node_eval=True)
    assert seen["params"]["add_isolated_node_eval"] is True and len(result) == 0
    plain = ExtractiveQAPipeline(reader=NameReader(), retriever=retriever)  # no node takes it: not passed, no error
    isolated = plain.eval_batch(eval_labels(), params={"Retriever": {"top_k": 5}}, add_isolated_node_eval=True)
    assert isolated.calculate_metrics(eval_mode="isolated")["Reader"]["exact_match"] == 1.0


@pytest.mark.parametrize("folder", ["document_search", "qa"])
def test_reads_results_haystack_saved(folder):
    result = EvaluationResult.load(SAVED / folder)
    expected = json.loads((SAVED / f"{folder}_metrics.json").read_text())
    if folder == "document_search":
        for scope in SCOPES:
            assert rounded(result.calculate_metrics(document_scope=scope)["Retriever"]) == rounded(expected[scope])
    else:
        for scope in ("any", "document_id"):
            metrics = result.calculate_metrics(answer_scope=scope)["Reader"]
            assert metrics["exact_match"] == pytest.approx(expected[scope]["Reader"]["exact_match"])
        reader = result["Reader"]
        assert reader["offsets_in_document"].iloc[0] == [[11, 16]]
        assert reader["exact_match_context_scope"].dtype == float  # Haystack's own columns stay
    retriever = result["Retriever"]
    assert retriever["filters"].iloc[0] is None and retriever["gold_document_ids"].iloc[0] == [CARLA_ID]


def test_save_writes_haystack_s_layout_and_reads_it_back(retriever, tmp_path):
    pipeline = ExtractiveQAPipeline(reader=NameReader(), retriever=retriever)
    result = pipeline.eval(eval_labels(), params={"Retriever": {"top_k": 5}}, context_matching_min_length=20)
    folder = result.save(tmp_path / "out")
    reader = pd.read_csv(folder / "Reader.csv", nrows=0).columns.tolist()
    haystack = pd.read_csv(SAVED / "qa" / "Reader.csv", nrows=0).columns.tolist()
    assert set(haystack) <= set(reader)  # every column Haystack writes, in Haystack's order
    assert [c for c in reader if c in haystack] == [c for c in haystack if c != "index"] + ["index"]
    with open(folder / "Retriever.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:5] == ["multilabel_id", "query", "filters", "gold_answers", "context"]
    loaded = EvaluationResult.load(folder)
    assert loaded == result
    assert loaded.calculate_metrics(document_scope="context") == result.calculate_metrics(document_scope="context")
    (folder / "eval_result.json").unlink()  # as Haystack 1.x would read the folder: the .csv files alone
    as_haystack = EvaluationResult.load(folder)
    assert as_haystack["Reader"]["answer"].tolist() == result["Reader"]["answer"].tolist()
    assert as_haystack.calculate_metrics()["Reader"]["exact_match"] == result.calculate_metrics()["Reader"]["exact_match"]


def test_load_legacy_evaluation_result(tmp_path):
    with open(tmp_path / "legacy.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["answer", "document_id", "custom_document_id",
                                                    "gold_document_contents", "content", "type"])  # fmt: skip
        writer.writeheader()
        writer.writerow({"answer": "answer", "document_id": Document("test").id, "custom_document_id": "custom_id",
                         "gold_document_contents": ["gold", "document", "contents"], "content": "content",
                         "type": "answer"})  # fmt: skip
    result = EvaluationResult.load(tmp_path)
    legacy = result["legacy"]
    assert len(legacy) == 1 and legacy["answer"].iloc[0] == "answer" and legacy["context"].iloc[0] == "content"
    assert legacy["gold_contexts"].iloc[0] == ["gold", "document", "contents"]


def test_evaluation_result_append():
    result = EvaluationResult()
    result.append("a", pd.DataFrame({"col1": [1, 2], "index": [3, 4]}))
    result.append("a", pd.DataFrame({"col1": [5, 6], "index": [7, 8]}))
    assert result.node_results["a"].to_dict(orient="list") == {"col1": [1, 2, 5, 6], "index": [3, 4, 7, 8]}
    result.append("a", pd.DataFrame())
    assert len(result.node_results["a"]) == 4


CONTEXT = ("Der Dreißigjährige Krieg war ein Konflikt um die Hegemonie im Heiligen Römischen Reich und in Europa, "
           "der von 1618 bis 1648 ausgetragen wurde. Er begann als Religionskrieg und endete als Territorialkrieg.")  # fmt: skip


def test_context_similarity_as_haystack():
    window = CONTEXT[20:125]
    assert calculate_context_similarity(window, CONTEXT) == 100.0
    assert calculate_context_similarity(window.upper(), CONTEXT) == 100.0
    assert calculate_context_similarity("\n\t\t\t".join(window.split()), CONTEXT) == 100.0
    assert calculate_context_similarity(CONTEXT[:99], CONTEXT) == 0.0  # shorter than min_length
    assert calculate_context_similarity(CONTEXT[:99], CONTEXT, min_length=20) == 100.0
    noisy = window[:50] + "xyz" + window[50:]
    assert 85.0 <= calculate_context_similarity(noisy, CONTEXT) < 100.0
    unrelated = "Hops give beer its bitterness; the brewer adds them early for bitterness and late for aroma. " * 2
    assert calculate_context_similarity(unrelated, CONTEXT) < 65.0
    assert match_context(window, [("0", CONTEXT), ("1", unrelated)]) == [("0", 100.0)]
    assert match_contexts([window, CONTEXT[50:160], unrelated], [("0", CONTEXT)]) == [[("0", 100.0)], [("0", 100.0)], []]
