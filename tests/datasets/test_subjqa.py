"""SubjQA split CSVs (hayrick/datasets/subjqa.py): reviews as documents, subjqa_to_squad on the shared test split."""

from __future__ import annotations

import csv

import pytest

from hayrick.datasets.squad import load_squad, read_squad_examples, write_squad
from hayrick.datasets.subjqa import (
    load_subjqa_documents,
    strip_answer_not_found,
    subjqa_to_squad,
)


@pytest.fixture(scope="module")
def reviews(shared_dir):
    return load_subjqa_documents(shared_dir / "datasets" / "subjqa" / "electronics")


def test_reviews_load_as_the_book_indexes_them(reviews):
    assert len(reviews) == 1615
    assert not any(d.content.endswith("ANSWERNOTFOUND") for d in reviews)
    assert all(set(d.meta) == {"item_id", "question_id", "split"} for d in reviews)


def test_subjqa_to_squad_test_split(shared_dir, tmp_path):
    csv_path = shared_dir / "datasets/subjqa/electronics/test.csv"
    squad = subjqa_to_squad(csv_path)
    qas = [(p["context"], q) for a in squad["data"] for p in a["paragraphs"] for q in p["qas"]]
    assert len(qas) == 358 and len({q["id"] for _, q in qas}) == 358
    with csv_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {q["id"] for _, q in qas} == {r["q_review_id"] for r in rows}
    reviews = {strip_answer_not_found(r["review"]) for r in rows}
    for context, qa in qas:
        assert not context.endswith("ANSWERNOTFOUND") and context in reviews
        assert qa["is_impossible"] == (qa["answers"] == [])
        for answer in qa["answers"]:
            start = answer["answer_start"]
            assert context[start : start + len(answer["text"])] == answer["text"]
            assert "ANSWERNOTFOUND" not in answer["text"]
    # a question is unanswerable only when every annotation of it is ANSWERNOTFOUND (or runs into it)
    impossible = {q["id"] for _, q in qas if q["is_impossible"]}
    assert all(r["human_ans_spans"] == "ANSWERNOTFOUND" or r["human_ans_spans"].endswith(" ANSWERNOTFOUND")
               for r in rows if r["q_review_id"] in impossible)
    assert 100 <= len(impossible) < 358 - 200
    assert {a["title"] for a in squad["data"]} == {r["item_id"] for r in rows}

    # written out, it reads back as SQuAD with every answer_start right, and loads as labels
    path = write_squad(squad, tmp_path / "subjqa-test.json")
    assert len(read_squad_examples(path)) == 358
    docs, labels = load_squad(path)
    assert len(docs) == len({context for context, _ in qas})
    assert len({label.meta["question_id"] for label in labels}) == 358
    assert sum(label.no_answer for label in labels) == len(impossible)
    answerable_only = subjqa_to_squad(csv_path, include_no_answer=False)
    assert sum(len(p["qas"]) for a in answerable_only["data"] for p in a["paragraphs"]) == 358 - len(impossible)
