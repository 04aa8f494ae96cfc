"""SQuAD -> DPR conversion with BM25 hard negatives (hayrick/nodes/retrievers/hard_negatives.py); SubjQA train."""

from __future__ import annotations

import csv
import json

import pytest

from hayrick import Document
from hayrick.datasets import contains_answer
from hayrick.errors import ComponentError
from hayrick.nodes.retrievers.hard_negatives import squad_to_dpr, subjqa_to_dpr
from hayrick.stores.memory import InMemoryDocumentStore

READER_1 = "The battery of this reader lasts a week. Reading at night is easy."
READER_2 = "The reader battery died after two days. The screen is sharp."
READER_3 = "Reading in the sun works; the battery is fine but the case is cheap."
SPEAKER = "The speaker battery lasts ten hours and the bass is deep."
SQUAD = {
    "data": [
        {"title": "reader", "paragraphs": [
            {"context": READER_1, "qas": [
                {"id": "q1", "question": "How long does the battery last?", "answers": [{"text": "a week", "answer_start": READER_1.index("a week")}]},
                {"id": "q2", "question": "Is it waterproof?", "answers": [], "is_impossible": True},
            ]},
            {"context": READER_2, "qas": []},
            {"context": READER_3, "qas": [
                {"id": "q3", "question": "How is the case?", "answers": [{"text": "cheap", "answer_start": READER_3.index("cheap")}]},
            ]},
        ]},
        {"title": "speaker", "paragraphs": [
            {"context": SPEAKER, "qas": [
                {"id": "q4", "question": "How long does the battery last?", "answers": [{"text": "ten hours", "answer_start": SPEAKER.index("ten hours")}]},
            ]},
        ]},
    ]
}


def test_squad_to_dpr_mines_bm25_hard_negatives_without_answers():
    samples = squad_to_dpr(SQUAD, num_hard_negatives=2)
    assert [s["id"] for s in samples] == ["q1", "q3", "q4"]  # the no-answer question has no positive passage
    q1 = samples[0]
    assert q1["question"] == "How long does the battery last?" and q1["answers"] == ["a week"]
    assert q1["positive_ctxs"] == [{"title": "reader", "text": READER_1, "passage_id": Document(content=READER_1).id}]
    assert q1["negative_ctxs"] == []
    negatives = [n["text"] for n in q1["hard_negative_ctxs"]]
    assert len(negatives) == 2 and READER_1 not in negatives
    assert all(not contains_answer(text, ["a week"]) for text in negatives)
    # the best-scoring BM25 hits that are neither the positive nor contain the answer, in BM25 order
    store = InMemoryDocumentStore(use_bm25=True)
    store.write_documents([Document(content=c) for c in (READER_1, READER_2, READER_3, SPEAKER)])
    expected = [d.content for d in store.query(q1["question"], top_k=4) if d.content != READER_1][:2]
    assert negatives == expected
    assert {n["title"] for n in samples[2]["hard_negative_ctxs"]} <= {"reader", "speaker"}
    assert all(s["hard_negative_ctxs"] == [] for s in squad_to_dpr(SQUAD, num_hard_negatives=0))


def test_prefer_same_title_and_an_external_corpus(tmp_path):
    same = squad_to_dpr(SQUAD, num_hard_negatives=3, prefer_same_title=True)
    q4 = next(s for s in same if s["id"] == "q4")  # speaker: no other speaker paragraph, so it fills up from readers
    assert [n["title"] for n in q4["hard_negative_ctxs"]] == ["reader"] * 3
    q3 = next(s for s in same if s["id"] == "q3")
    assert [n["title"] for n in q3["hard_negative_ctxs"]][:2] == ["reader", "reader"]
    corpus = [Document(content="A battery that lasts a week.", meta={"title": "x"}),
              Document(content="Battery: how long does it last? Nobody knows.", meta={"title": "y"})]
    external = squad_to_dpr(SQUAD, num_hard_negatives=5, documents=corpus)
    assert [n["text"] for n in external[0]["hard_negative_ctxs"]] == [corpus[1].content]
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(SQUAD))
    assert squad_to_dpr(path, num_hard_negatives=2) == squad_to_dpr(SQUAD, num_hard_negatives=2)
    with pytest.raises(ComponentError, match="num_hard_negatives must be an int >= 0"):
        squad_to_dpr(SQUAD, num_hard_negatives=-1)


def test_subjqa_to_dpr_keeps_answerable_questions(tmp_path):
    rows = [
        # q_review_id, question, review, human_ans_spans, human_ans_indices, item_id
        ("r1", "How is the battery?", "The battery lasts a week. ANSWERNOTFOUND", "lasts a week", "(12, 24)", "P1"),
        ("r2", "Is the screen good?", "Screen is dim and the battery is weak. ANSWERNOTFOUND", "ANSWERNOTFOUND", "(38, 52)", "P1"),
        ("r3", "Is the battery good?", "Battery is weak, screen is dim. ANSWERNOTFOUND", "weak", "(11, 15)", "P1"),
        ("r4", "How is the battery life?", "Battery life of the speaker is great. ANSWERNOTFOUND", "great", "(32, 37)", "P2"),
    ]
    path = tmp_path / "train.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["q_review_id", "question", "review", "human_ans_spans", "human_ans_indices", "item_id"])
        writer.writerows(rows)
    samples = subjqa_to_dpr(path, num_hard_negatives=2)
    assert [s["id"] for s in samples] == ["r1", "r3", "r4"]
    assert samples[0]["positive_ctxs"][0] == {"title": "P1", "text": "The battery lasts a week.",
                                               "passage_id": Document(content="The battery lasts a week.").id}
    assert [n["title"] for n in samples[0]["hard_negative_ctxs"]] == ["P1", "P2"]  # the same product first


def test_subjqa_electronics_train(shared_dir):
    samples = subjqa_to_dpr(shared_dir / "datasets" / "subjqa" / "electronics" / "train.csv", num_hard_negatives=8)
    assert len(samples) == 693  # the answerable training questions
    assert sum(len(s["hard_negative_ctxs"]) == 8 for s in samples) >= 690
    for sample in samples:
        positive = sample["positive_ctxs"][0]
        assert all(n["text"] != positive["text"] and not contains_answer(n["text"], sample["answers"])
                   for n in sample["hard_negative_ctxs"])
        titles = [n["title"] == positive["title"] for n in sample["hard_negative_ctxs"]]
        assert titles == sorted(titles, reverse=True)  # same product first
