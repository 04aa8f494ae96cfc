"""Labels in stores: get_all_labels_aggregated (Haystack 1.x semantics) and add_eval_data, on every store."""

from __future__ import annotations

import pytest

from hayrick import Pipeline
from hayrick.errors import DocumentStoreError
from hayrick.nodes import BM25Retriever, PreProcessor
from hayrick.stores import InMemoryDocumentStore, SQLDocumentStore
from tests.evaluation.helpers import PARAGRAPHS, make_label, write_squad_file

KINDLE, CASE, HEADPHONES, SPEAKER = (context for _, context, _ in PARAGRAPHS)


@pytest.fixture(params=["memory", "sql"])
def store(request):
    if request.param == "memory":
        return InMemoryDocumentStore(use_bm25=True)
    return SQLDocumentStore(url="sqlite://", use_bm25=True)


@pytest.fixture()
def squad_file(tmp_path):
    return write_squad_file(tmp_path)


# ----------------------------------------------------------------------- aggregation
def test_open_domain_groups_by_query_closed_domain_also_by_document(store):
    other_doc = "My old Kindle battery lasts 6000 hours as well."
    store.write_labels([
        make_label("How long does the battery last?", KINDLE, "about 6000 hours"),
        make_label("How long does the battery last?", KINDLE, "6000 hours"),
        make_label("How long does the battery last?", other_doc, "6000 hours"),
        make_label("How good is the bass?", HEADPHONES, "deep bass"),
    ])  # fmt: skip
    open_domain = store.get_all_labels_aggregated()
    assert [(m.query, len(m.labels)) for m in open_domain] == [("How long does the battery last?", 3),
                                                               ("How good is the bass?", 1)]  # fmt: skip
    assert open_domain[0].answers == ["about 6000 hours", "6000 hours", "6000 hours"]
    closed = store.get_all_labels_aggregated(open_domain=False)
    assert sorted(len(m.labels) for m in closed) == [1, 1, 2]


def test_aggregate_by_meta_and_multilabel_meta_as_the_book_reads_it(store):
    store.write_labels([
        make_label("Is it good?", KINDLE, "easy on the eyes", {"item_id": "B1", "question_id": "q1"}),
        make_label("Is it good?", HEADPHONES, "deep bass", {"item_id": "B2", "question_id": "q2"}),
        make_label("Is it good?", KINDLE, "about 6000 hours", {"item_id": "B1", "question_id": "q1"}),
    ])  # fmt: skip
    assert len(store.get_all_labels_aggregated()) == 1
    by_item = store.get_all_labels_aggregated(aggregate_by_meta=["item_id"])
    assert [(l.meta["item_id"], len(l.labels)) for l in by_item] == [("B1", 2), ("B2", 1)]
    assert by_item[0].meta == {"item_id": "B1", "question_id": "q1"}
    assert store.get_all_labels_aggregated(aggregate_by_meta="item_id", filters={"item_id": ["B2"]})[0].answers == [
        "deep bass"
    ]


def test_drop_negative_labels_keeps_only_positive_labels_as_haystack(store):
    q = "How long does the battery last?"
    store.write_labels([
        make_label(q, KINDLE, "6000 hours"),
        make_label(q, KINDLE, "standby", is_correct_answer=False),  # right review, wrong answer: negative
        make_label(q, SPEAKER, "ten hours", is_correct_document=False),  # wrong review: negative
    ])  # fmt: skip
    assert len(store.get_all_labels_aggregated()[0].labels) == 3
    kept = store.get_all_labels_aggregated(drop_negative_labels=True)
    assert [m.answers for m in kept] == [["6000 hours"]]


def test_drop_no_answers(store):
    store.write_labels([make_label("Warranty?", HEADPHONES, None), make_label("Bass?", HEADPHONES, "deep bass")])
    assert [m.query for m in store.get_all_labels_aggregated(drop_no_answers=True)] == ["Bass?"]
    no_answer = next(m for m in store.get_all_labels_aggregated() if m.query == "Warranty?")
    assert no_answer.no_answer and no_answer.answers == [""]


# --------------------------------------------------------------------- add_eval_data
def test_add_eval_data_writes_paragraphs_and_labels(store, squad_file):
    written, n_labels = store.add_eval_data(str(squad_file))
    assert (written, n_labels) == (4, 7)  # 4 paragraphs; 6 answers + 1 no-answer label
    assert store.get_document_count(index="eval_document") == 4 and store.get_document_count() == 0
    labels = store.get_all_labels_aggregated(index="label")
    assert len(labels) == 6
    battery = next(m for m in labels if m.query == "How long does the battery last?")
    assert battery.answers == ["about 6000 hours", "6000 hours"]
    doc = store.get_document_by_id(battery.document_ids[0], index="eval_document")
    for label in battery.labels:
        span = label.answer.offsets_in_document[0]
        assert doc.content[span.start : span.end] == label.answer.answer
    # as Haystack 1.x, max_docs is checked before each article: reading stops once more than max_docs are read
    assert store.add_eval_data(str(squad_file), max_docs=1, doc_index="small", label_index="small_labels") == (2, 4)


def test_add_eval_data_with_a_preprocessor_points_labels_at_the_split(store, squad_file):
    processor = PreProcessor(split_by="sentence", split_length=1, split_overlap=0, progress_bar=False)
    written, n_labels = store.add_eval_data(str(squad_file), preprocessor=processor)
    assert (written, n_labels) == (6, 8)  # the Kindle and headphones reviews have two sentences each
    labels = store.get_all_labels(index="label")
    answered = [l for l in labels if not l.no_answer]
    assert len(answered) == 6
    for label in answered:
        split = store.get_document_by_id(label.document.id, index="eval_document")
        assert split is not None and split.meta["_split_id"] in (0, 1)
        span = label.answer.offsets_in_document[0]
        assert split.content[span.start : span.end] == label.answer.answer
        assert label.answer.document_ids == [split.id]
    screen = next(l for l in answered if l.answer.answer == "easy on the eyes")
    assert screen.document.content == "The screen is easy on the eyes in sunlight."
    assert screen.answer.offsets_in_document[0].start == len("The screen is ")
    assert sum(l.no_answer for l in labels) == 2  # the warranty question, once per split of its review


def test_add_eval_data_extends_a_split_an_answer_runs_past(store, tmp_path):
    import json

    context = "One two three four five six seven eight."
    squad = {"data": [{"title": "t", "paragraphs": [{"context": context, "qas": [
        {"id": "a", "question": "Which?", "answers": [{"text": "four five", "answer_start": context.index("four")}]},
        {"id": "b", "question": "First?", "answers": [{"text": "One", "answer_start": 0}]}]}]}]}  # fmt: skip
    path = tmp_path / "s.json"
    path.write_text(json.dumps(squad))
    processor = PreProcessor(split_by="word", split_length=4, split_respect_sentence_boundary=False, progress_bar=False)
    written, n_labels = store.add_eval_data(str(path), preprocessor=processor)
    assert (written, n_labels) == (2, 2)
    label = next(lab for lab in store.get_all_labels() if lab.answer.answer == "four five")
    split = store.get_document_by_id(label.document.id, index="eval_document")
    assert split.content == "One two three four five"  # as Haystack 1.x: the split is extended to hold the answer
    span = label.answer.offsets_in_document[0]
    assert split.content[span.start : span.end] == "four five"


def test_add_eval_data_bad_arguments(store, squad_file):
    with pytest.raises(DocumentStoreError, match="batch_size"):
        store.add_eval_data(str(squad_file), batch_size=0)
    with pytest.raises(ValueError, match="max_docs"):
        store.add_eval_data(str(squad_file), max_docs=-1)
    with pytest.raises(ValueError, match="open_domain"):
        store.add_eval_data(str(squad_file), open_domain=True)
    with pytest.raises(DocumentStoreError, match="jsonl"):
        store.add_eval_data(str(squad_file) + "l")
    with pytest.raises(FileNotFoundError):
        store.add_eval_data(str(squad_file) + ".missing")


def test_add_eval_data_then_pipeline_eval(store, squad_file):
    store.add_eval_data(str(squad_file), doc_index="eval_document", label_index="label", batch_size=2)
    p = Pipeline()
    p.add_node(BM25Retriever(document_store=store, top_k=2), "Retriever", ["Query"])
    labels = store.get_all_labels_aggregated(drop_negative_labels=True)
    result = p.eval(labels, params={"Retriever": {"index": "eval_document"}})
    metrics = result.calculate_metrics()["Retriever"]
    assert metrics["recall_single_hit"] == 1.0 and metrics["recall_multi_hit"] == 1.0
    at_1 = result.calculate_metrics(simulated_top_k_retriever=1)["Retriever"]
    assert at_1["recall_single_hit"] == at_1["precision"] == 1.0  # each question's review comes first
    assert metrics["precision"] == pytest.approx((5 * 0.5 + 1) / 6)  # 2 documents each, the no-answer query 1
