"""Haystack 1.26's schema behaviours (test/others/test_schema.py there): dicts and JSON, Span, tables, labels."""

from __future__ import annotations

import pandas as pd
import pytest

from hayrick.schema import Answer, Document, Label, MultiLabel, Span, TableCell


def label(answer: str, doc_id: str = "123", content: str = "some", label_id: str = "0", **kwargs) -> Label:
    return Label(
        id=label_id, query="question", document=Document(content=content, id=doc_id), is_correct_answer=True,
        is_correct_document=True, origin="gold-label",
        answer=Answer(answer=answer, offsets_in_document=[Span(0, 4)], offsets_in_context=[Span(0, 4)]), **kwargs,
    )


def test_to_dict_has_haystacks_keys_and_round_trips():
    doc = Document(content="text", meta={"name": "doc1"}, score=0.5, embedding=[0.1, 0.2])
    data = doc.to_dict()
    assert set(data) == {"content", "content_type", "score", "meta", "id_hash_keys", "embedding", "id"}
    assert data["id_hash_keys"] == ["content"]
    assert Document.from_dict(data) == doc and Document.from_json(doc.to_json()) == doc
    assert Document.from_json(data) == doc  # from_json takes a dict too, as in Haystack
    assert Document.from_dict({"content": "a", "foo": 1, "bar": 2}).meta == {"foo": 1, "bar": 2}
    answer = Answer(answer="x", score=0.1, offsets_in_document=[Span(0, 1)], document_ids=["d"])
    assert Answer.from_json(answer.to_dict()) == answer and Answer.from_dict(answer.to_dict()) == answer


def test_span_in():
    assert 10 in Span(5, 15) and 20 not in Span(1, 15)
    assert 5 in Span(5, 15) and 15 not in Span(5, 15)
    assert 10.0 in Span(5, 15) and "10" in Span(5, 15)
    with pytest.raises(ValueError, match="Cannot use 'in'"):
        "hello" in Span(5, 15)  # noqa: B015
    assert Span(5, 14) in Span(5, 15) and Span(6, 10) in Span(5, 15)
    for outside in (Span(5, 15), Span(10, 20), Span(0, 10), Span(10, 15)):
        assert outside not in Span(5, 15)


def test_table_documents_hold_dataframes_and_answers_point_at_cells():
    frame = pd.DataFrame({"col1": ["text_1", "text_2"], "col2": [1, 2]})
    doc = Document(content=frame, content_type="table")
    assert isinstance(doc.content, pd.DataFrame) and doc.content.equals(frame)
    assert doc.id == "fe5cb68f8226776914781f6bd40ad718"  # what Haystack 1.26 gives this table
    assert doc.to_dict()["content"] == [["col1", "col2"], ["text_1", 1], ["text_2", 2]]
    assert Document.from_dict(doc.to_dict()) == doc and Document.from_json(doc.to_json()) == doc
    answer = Answer.from_dict({"answer": "text_2", "offsets_in_document": [{"row": 1, "col": 0}]})
    assert answer.offsets_in_document == [TableCell(row=1, col=0)]
    assert answer.to_dict()["offsets_in_document"] == [{"row": 1, "col": 0}]
    assert doc.content.iloc[answer.offsets_in_document[0].row, answer.offsets_in_document[0].col] == "text_2"


def test_legacy_answer_document_id():
    assert Answer.from_dict({"answer": "a", "document_id": "fc18"}).document_ids == ["fc18"]
    assert Answer.from_dict({"answer": "a", "document_id": None}).document_ids is None
    assert Answer(answer="a", document_id="fc18").document_ids == ["fc18"]  # Haystack drops it silently here
    assert Answer.from_dict({"answer": "a", "document_id": "d", "document_ids": ["z"]}).document_ids == ["d"]
    legacy = label("answer1").to_dict()
    legacy["answer"] = {"answer": "answer1", "document_id": "123"}
    assert Label.from_dict(legacy).answer.document_ids == ["123"]


def test_documents_sort_by_score():
    docs = [Document(content=t, score=s) for t, s in [("b", 0.5), ("a", 0.9), ("c", 0.1)]]
    assert [d.content for d in sorted(docs)] == ["c", "b", "a"]
    assert [d.content for d in sorted(docs, reverse=True)] == ["a", "b", "c"]


def test_multilabel_drops_duplicates_and_keeps_order():
    labels = [
        label("answer1", label_id="0"),
        label("answer2", label_id="1"),
        label("answer1", label_id="2"),  # a repeat of the first (another id)
        label("answer3", doc_id="333", content="some other", label_id="3"),
        label("answer2", label_id="4", meta={"x": 1}),  # a repeat of the second (other meta)
    ]
    multi = MultiLabel(labels=labels)
    assert [lab.id for lab in multi.labels] == ["0", "1", "3"]
    assert multi.answers == ["answer1", "answer2", "answer3"]
    assert multi.document_ids == ["123", "123", "333"]
    assert multi.contexts == ["some", "some", "some other"]
    assert MultiLabel.from_json(multi.to_json()) == multi


def test_label_to_dict_has_haystack_s_keys_and_multilabel_id_is_haystack_s():
    import hashlib

    from hayrick.schema import MultiLabel

    label = Label(query="q", document=Document("text"), answer=Answer("text"), is_correct_answer=True,
                  is_correct_document=True, origin="gold-label", filters={"name": ["name 1"]})  # fmt: skip
    data = label.to_dict()
    assert "no_answer" not in data and Label.from_dict(data) == label
    assert MultiLabel(labels=[label]).id == hashlib.md5(b'q{"name": ["name 1"]}').hexdigest()
    for query, filters, expected in (
        ("question 1", {"name": ["name 1"]}, "33a3e58e13b16e9d6ec682ffe59ccc89"),
        ("question 2", {"name": ["name 1"], "author": ["author 1"]}, "1b3ad38b629db7b0e869373b01bc32b1"),
        ("question 1", {"name": ["name 1"], "author": ["author 1"]}, "531445fa3bdf98b8598a3bea032bd605"),
    ):  # Haystack 1.26's test_multilabel_id
        one = label.model_copy(update={"query": query, "filters": filters})
        assert MultiLabel(labels=[one]).id == expected
