"""Pipeline.eval and EvaluationResult: roles from outputs, metrics by hand, simulated top-k, isolated mode, storage."""

from __future__ import annotations

import pandas as pd
import pytest

from hayrick import BaseComponent, Pipeline
from hayrick.evaluation import EvaluationResult
from hayrick.nodes import BM25Retriever
from hayrick.schema import MultiLabel
from tests.evaluation.helpers import make_label, qa_pipeline, tiny_labels, tiny_store


class Tagger(BaseComponent):
    """Outputs neither documents nor answers: not judged."""

    def run(self, query: str):
        return {"tag": query[:3]}, "output_1"


class KeepFirst(BaseComponent):
    """Not a retriever, but it outputs documents: judged as a document node."""

    def run(self, documents: list):
        return {"documents": documents[:1]}, "output_1"


@pytest.fixture(scope="module")
def result() -> EvaluationResult:
    return qa_pipeline().eval(tiny_labels(), params={"Retriever": {"top_k": 3}}, add_isolated_node_eval=True)


def test_one_dataframe_per_judged_node_with_the_documented_columns(result):
    assert list(result) == ["Retriever", "Reader"]
    assert result.kind("Retriever") == "document" and result.kind("Reader") == "answer"
    docs, answers = result["Retriever"], result["Reader"]
    assert {"multilabel_id", "query", "rank", "document_id", "gold_document_ids", "gold_id_match", "answer_match",
            "context_match"} <= set(docs.columns)  # fmt: skip
    assert {"rank", "answer", "gold_answers", "exact_match", "f1", "gold_id_match", "context_match"} <= set(
        answers.columns
    )
    assert docs["multilabel_id"].nunique() == 6 and len(docs) == 5 * 3 + 1  # the warranty query retrieves nothing
    battery = docs[docs["query"] == "How long does the battery last?"]
    assert battery["rank"].tolist() == [1, 2, 3] and battery["gold_id_match"].tolist() == [1, 0, 0]
    assert battery["gold_answers"].iloc[0] == ["about 6000 hours", "6000 hours"]
    assert set(answers["eval_mode"]) == {"integrated", "isolated"}
    with pytest.raises(KeyError, match="Retriever"):
        result["Nope"]


def test_metrics_by_hand(result):
    metrics = result.calculate_metrics()
    retriever, reader = metrics["Retriever"], metrics["Reader"]
    # Every answerable query finds its review at rank 1; the no-answer query scores 1 (nothing to find).
    assert retriever["recall_single_hit"] == retriever["mrr"] == retriever["map"] == retriever["ndcg"] == 1.0
    assert retriever["precision"] == pytest.approx((5 / 3 + 1) / 6)
    # EM per query over all answers: battery 1, screen 1 (2nd), case 0, bass 1, warranty 1 (""), speaker 0.
    assert reader["exact_match"] == pytest.approx(4 / 6)
    assert reader["f1"] == pytest.approx((1 + 1 + 2 / 3 + 1 + 1 + 0.5) / 6)
    assert reader["exact_match_top_1"] == pytest.approx(3 / 6)
    assert reader["f1_top_1"] == pytest.approx((1 + 0 + 2 / 3 + 1 + 1 + 0.5) / 6)
    # spans: "leather case" overlaps "leather"; "ten hours" (battery's 2nd) is in the speaker review
    assert reader["top_n_accuracy"] == pytest.approx(5 / 6)
    top_1 = result.calculate_metrics(simulated_top_k_reader=1)["Reader"]
    assert top_1["exact_match"] == top_1["exact_match_top_1"] == pytest.approx(3 / 6)


def test_isolated_mode_runs_the_reader_on_gold_documents(result):
    isolated = result.calculate_metrics(eval_mode="isolated")["Reader"]
    # On the gold review only: screen's "the screen" is not found so "easy on the eyes" is first;
    # speaker's "6000 hours" is not in its review: no answer at all.
    assert isolated["exact_match_top_1"] == pytest.approx(4 / 6)
    assert isolated["f1"] == pytest.approx((1 + 1 + 2 / 3 + 1 + 1 + 0) / 6)
    assert result.calculate_metrics(eval_mode="isolated")["Retriever"] == {}  # as Haystack: no isolated rows


def test_isolated_metrics_need_add_isolated_node_eval(caplog):
    result = qa_pipeline().eval(tiny_labels()[:2])
    with caplog.at_level("WARNING"):
        assert result.calculate_metrics(eval_mode="isolated") == {"Retriever": {}, "Reader": {}}
    assert "add_isolated_node_eval=True" in caplog.text
    with pytest.raises(ValueError, match="add_isolated_node_eval"):
        result.query_metrics("Reader", eval_mode="isolated")


@pytest.mark.parametrize("k", [1, 2])
def test_simulated_top_k_equals_rerunning_with_a_smaller_top_k(k):
    labels = tiny_labels()
    full = qa_pipeline().eval(labels, params={"Retriever": {"top_k": 3}})
    rerun = qa_pipeline().eval(labels, params={"Retriever": {"top_k": k}})
    simulated, real = full.calculate_metrics(simulated_top_k_retriever=k), rerun.calculate_metrics()
    for node in ("Retriever", "Reader"):
        assert simulated[node] == pytest.approx(real[node]), node


def test_simulated_top_k_changes_retriever_figures_as_expected():
    labels = [
        MultiLabel(
            [
                make_label(
                    "How long does the battery last?",
                    "The Kindle battery lasts about 6000 hours on standby. The screen is easy on the eyes in sunlight.",
                    "6000 hours",
                )
            ]
        )
    ]
    store = tiny_store()
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=store, top_k=4), "Retriever", ["Query"])
    p.add_node(KeepFirst(), "First", ["Retriever"])
    p.add_node(Tagger(), "Tagger", ["First"])
    result = p.eval(labels)
    assert list(result) == ["Retriever", "First"]  # roles from outputs; Tagger outputs neither
    ranks = result["Retriever"]["rank"].tolist()
    assert ranks == [1, 2, 3, 4]  # every review shares a word with the query
    assert result.calculate_metrics(simulated_top_k_retriever=1)["Retriever"]["precision"] == 1.0
    assert result.calculate_metrics()["Retriever"]["precision"] == pytest.approx(1 / 4)
    assert result.calculate_metrics()["First"]["precision"] == 1.0


def test_label_filters_are_applied_to_every_node_that_takes_filters():
    base = tiny_labels()[0].labels[0]
    filtered = MultiLabel([base.model_copy(update={"filters": {"item_id": ["Speaker"]}})])
    result = qa_pipeline().eval([filtered])
    assert set(result["Retriever"]["document_id"]) == {
        tiny_store().get_all_documents(filters={"item_id": "Speaker"})[0].id
    }
    assert result.calculate_metrics()["Retriever"]["recall_single_hit"] == 0.0


def test_wrong_examples_are_the_worst_queries(result):
    examples = result.wrong_examples("Reader", n=2)
    assert [e["query"] for e in examples] == ["How long does the speaker battery last?", "What is the case made of?"]
    assert examples[0]["metrics"]["f1"] == 0.5 and examples[0]["gold_answers"] == ["ten hours"]
    assert examples[0]["answers"][0]["answer"] == "6000 hours"
    assert result.wrong_examples("Retriever") == []  # recall 1 everywhere
    wrong_docs = result.wrong_examples("Retriever", metric="precision", n=1)
    assert wrong_docs[0]["documents"][0]["gold_id_match"] == 1
    with pytest.raises(ValueError, match="Unknown metric"):
        result.wrong_examples("Reader", metric="recall")


def test_save_and_load_round_trip(result, tmp_path):
    folder = result.save(tmp_path / "eval")
    assert sorted(p.name for p in folder.iterdir()) == ["Reader.csv", "Retriever.csv", "eval_result.json"]
    loaded = EvaluationResult.load(folder)
    assert list(loaded) == list(result) and loaded == result
    for node in result:
        pd.testing.assert_frame_equal(loaded[node], result[node], check_dtype=False)
    for mode in ("integrated", "isolated"):
        assert loaded.calculate_metrics(eval_mode=mode) == result.calculate_metrics(eval_mode=mode)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="eval_result.json"):
        EvaluationResult.load(empty)


def test_report_and_print(result, capsys):
    result.print_eval_report(n_wrong_examples=1)
    out = capsys.readouterr().out
    assert "Retriever (retriever-type node, 6 queries)" in out and "Reader (reader-type node, 6 queries)" in out
    assert "isolated" in out and "worst 1 queries" in out
    assert "EvaluationResult(Retriever (document" in repr(result)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"simulated_top_k_retriever": 0}, "simulated_top_k_retriever"), ({"eval_mode": "both"}, "eval_mode"),
     ({"document_scope": "title"}, "document_scope"), ({"answer_scope": "all"}, "answer_scope")],
)  # fmt: skip
def test_invalid_metric_arguments(result, kwargs, match):
    with pytest.raises(ValueError, match=match):
        result.calculate_metrics(**kwargs)


def test_document_and_answer_scopes(result):
    by_id = result.calculate_metrics(document_scope="document_id")["Retriever"]
    # as Haystack 1.x, texts shorter than context_matching_min_length (100) never match a context:
    # only the no-answer query (nothing to find) scores
    assert result.calculate_metrics(document_scope="context")["Retriever"]["recall_single_hit"] == pytest.approx(1 / 6)
    short = qa_pipeline().eval(tiny_labels(), params={"Retriever": {"top_k": 3}}, context_matching_min_length=10)
    by_context = short.calculate_metrics(document_scope="context")["Retriever"]
    assert by_id == by_context  # the gold reviews are the store's reviews
    doc_scope = result.calculate_metrics(answer_scope="document_id")["Reader"]
    assert doc_scope["exact_match"] == pytest.approx(4 / 6)  # every right answer came from its gold review


def test_no_labels_is_an_error():
    with pytest.raises(ValueError, match="at least one label"):
        qa_pipeline().eval([])
