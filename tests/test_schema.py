"""Tests for hayrick/schema.py: ids, validation, JSON round trips and label aggregation."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import mmh3
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hayrick.schema import Answer, Document, Label, MultiLabel, Span, stable_hash

REPO_ROOT = Path(__file__).resolve().parents[1]
BERLIN = "Berlin is the capital of Germany."


def murmur_hex(text: str) -> str:
    """Haystack 1.x's document id of `text`: 128-bit murmur3, unsigned, lower-case hex (mmh3 as the reference)."""
    return f"{mmh3.hash128(text, signed=False):02x}"


def canonical_sha256(payload: Any) -> str:
    """The documented id form, computed independently of hayrick."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_label(
    query: str = "capital of Germany?",
    answer: str | None = "Berlin",
    correct: bool = True,
    content: str = BERLIN,
    **kwargs: Any,
) -> Label:
    return Label(
        query=query,
        document=Document(content),
        is_correct_answer=correct,
        is_correct_document=correct,
        origin="gold-label",
        answer=None if answer is None else Answer(answer, offsets_in_context=[Span(0, len(answer))]),
        **kwargs,
    )


# --- Document ids ---------------------------------------------------------------------------


def test_document_id_is_haystacks_murmur3_of_the_content() -> None:
    doc = Document(BERLIN)
    assert doc.id == murmur_hex(BERLIN)
    # frozen literals that Haystack 1.26.4 gives: changing the hashing changes every stored id
    assert Document("some text").id == "c216d056ab381f2f730e4b3639f4dbc5"
    assert Document("some text", id_hash_keys=["content"]).id == "79adfcf2c2f4fe3b747d88397c73650b"  # ":some text"
    assert Document("some text").id_hash_keys == ["content"]


def test_document_id_non_ascii_and_table_content() -> None:
    assert Document("Zürich, 東京").id == murmur_hex("Zürich, 東京")
    rows: list[list[Any]] = [["col1", "col2"], ["text_1", 1], ["text_2", 2]]
    assert Document(rows, content_type="table").id == "fe5cb68f8226776914781f6bd40ad718"  # Haystack's, of str(df)


def test_document_id_is_the_same_in_another_process() -> None:
    code = "from hayrick.schema import Document; print(Document('Berlin is the capital of Germany.').id)"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == Document(BERLIN).id


def test_same_content_same_id_and_meta_ignored_by_default() -> None:
    assert Document(BERLIN, meta={"a": 1}).id == Document(BERLIN, meta={"a": 2}).id
    assert Document(BERLIN).id != Document(BERLIN + " ").id


def test_id_hash_keys_as_haystack_hashes_them() -> None:
    meta = {"url": "u", "name": "doc1"}
    assert Document(BERLIN, meta=meta, id_hash_keys=["content", "meta"]).id == murmur_hex(f":{BERLIN}:{meta}")
    assert Document("x", meta={"url": "u"}, id_hash_keys=["meta.url"]).id == "ee52201842e26605f11157ab372c8"  # not padded
    assert Document("y", meta={"url": "u"}, id_hash_keys=["meta.url"]).id == Document("x", meta={"url": "u"}, id_hash_keys=["meta.url"]).id
    assert Document("x", meta={"url": "u"}, id_hash_keys=["meta.url", "meta.name"]).id == murmur_hex(":u")  # missing key skipped
    assert Document(BERLIN, id_hash_keys=["content", "content_type", "score"]).id == murmur_hex(f":{BERLIN}:text:None")
    with pytest.raises(ValueError, match="nothing to hash"):
        Document("x", id_hash_keys=["meta.url"])


def test_a_bare_meta_key_means_the_content_plus_that_key() -> None:
    doc = Document(BERLIN, meta={"item_id": "B1", "other": 1}, id_hash_keys=["item_id"])
    assert doc.id == murmur_hex(f":{BERLIN}:B1")
    assert doc.id == Document(BERLIN, meta={"item_id": "B1"}, id_hash_keys=["content", "meta.item_id"]).id
    assert Document(BERLIN, meta={"item_id": "B2"}, id_hash_keys=["item_id"]).id != doc.id
    assert Document(BERLIN + "!", meta={"item_id": "B1"}, id_hash_keys=["item_id"]).id != doc.id


def test_id_hash_keys_with_whole_meta_and_content_type() -> None:
    meta = {"b": [1, 2], "a": "x"}
    doc = Document(BERLIN, meta=meta, id_hash_keys=["meta", "content_type"])
    assert doc.id == murmur_hex(f":{meta}:text")
    assert Document(BERLIN, meta={"a": "y", "b": [1, 2]}, id_hash_keys=["meta"]).id != doc.id


def test_unknown_id_hash_key_names_key_and_choices() -> None:
    with pytest.raises(ValueError, match=r"id_hash_keys has 'colour'.*Valid choices: 'content'.*'item_id'"):
        Document(BERLIN, meta={"item_id": "B1"}, id_hash_keys=["colour"])


def test_explicit_id_is_kept() -> None:
    assert Document(BERLIN, id="my-id").id == "my-id"
    assert Document(BERLIN, id=None).id == Document(BERLIN).id


def test_stable_hash_normalises_numpy_values() -> None:
    assert stable_hash({"x": np.float32(0.5), "y": np.arange(2)}) == canonical_sha256({"x": 0.5, "y": [0, 1]})


# --- Document validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"content": 42}, r"content must be a str \(the text\) when content_type='text', got int"),
        ({"content": [["a"]]}, r"content must be a str .* got list"),
        ({"content": "a|b", "content_type": "table"}, r"list of rows .* content_type='table', got str"),
        ({"content": ["a", "b"], "content_type": "table"}, r"list of rows"),
        ({"content": 3, "content_type": "image"}, r"path of the image file"),
        ({"content": "x", "content_type": "video"}, r"content_type"),
        ({"content": "x", "embedding": [[1.0, 2.0]]}, r"must be one non-empty 1-D vector, got shape \(1, 2\)"),
        ({"content": "x", "embedding": ["a", "b"]}, r"embedding must be a 1-D sequence of numbers"),
        ({"content": "x", "score": "high"}, r"score must be a number"),
    ],
)
def test_invalid_documents_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Document(**kwargs)


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Document("x", colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="colour"):
        Answer.from_dict({"answer": "x", "colour": "red"})


def test_content_types_normalised() -> None:
    table = Document([("a", "b"), (1, 2)], content_type="table")
    assert table.content.equals(pd.DataFrame(columns=["a", "b"], data=[[1, 2]]))  # a DataFrame, as in Haystack 1.x
    assert table.to_dict()["content"] == [["a", "b"], [1, 2]]
    assert Document(pd.DataFrame({"a": [1]}), content_type="table") == Document([["a"], [1]], content_type="table")
    image = Document(Path("/data/cat.png"), content_type="image")
    assert image.content == "/data/cat.png"


def test_embedding_is_float32_vector_and_assignment_converts() -> None:
    doc = Document("x", embedding=[1, 2, 3])
    assert isinstance(doc.embedding, np.ndarray)
    assert doc.embedding.dtype == np.float32 and doc.embedding.shape == (3,)
    doc.embedding = np.ones(4, dtype=np.float64)
    assert doc.embedding.dtype == np.float32 and doc.embedding.shape == (4,)
    doc.score = np.float32(0.25)  # type: ignore[assignment]
    assert type(doc.score) is float and doc.score == 0.25


def test_failed_assignment_keeps_old_value() -> None:
    doc = Document("x")
    with pytest.raises(ValidationError, match="content must be a str"):
        doc.content = 3  # type: ignore[assignment]
    assert doc.content == "x"


def test_equality_compares_embeddings_by_value() -> None:
    a = Document("x", embedding=[0.1, 0.2])
    assert a == Document("x", embedding=np.array([0.1, 0.2]))
    assert a != Document("x", embedding=[0.1, 0.3])
    assert a != Document("x")
    assert a != Document("x", embedding=[0.1, 0.2], score=1.0)
    assert a != "x"


def test_repr_is_short() -> None:
    doc = Document("word " * 1000, embedding=np.zeros(768))
    assert len(repr(doc)) < 150
    assert "..." in repr(doc) and "768" in repr(doc)


def test_positional_arguments_follow_field_order() -> None:
    assert Document("x", "text", "id1").id == "id1"
    with pytest.raises(TypeError, match="multiple values for argument 'content'"):
        Document("x", content="y")  # type: ignore[misc]


# --- Document dicts and JSON ----------------------------------------------------------------


def test_from_dict_accepts_legacy_text_key_and_puts_unknown_keys_into_meta() -> None:
    doc = Document.from_dict({"text": BERLIN, "item_id": "B1", "meta": {"split": "train"}})
    assert doc.content == BERLIN
    assert doc.meta == {"split": "train", "item_id": "B1"}
    assert doc.id == Document(BERLIN).id


def test_nested_legacy_document_dict_in_label() -> None:
    label = Label.from_dict(
        {"query": "q", "document": {"text": BERLIN}, "is_correct_answer": True,
         "is_correct_document": True, "origin": "gold-label"}
    )
    assert label.document.content == BERLIN


def test_field_map_renames_keys_both_ways() -> None:
    field_map = {"body": "content", "vector": "embedding"}
    doc = Document.from_dict({"body": BERLIN, "vector": [1.0, 2.0]}, field_map=field_map)
    assert doc.content == BERLIN
    assert doc.embedding is not None and doc.embedding.tolist() == [1.0, 2.0]
    data = doc.to_dict(field_map=field_map)
    assert data["body"] == BERLIN and data["vector"] == [1.0, 2.0]
    assert "content" not in data and "embedding" not in data
    assert Document.from_dict(data, field_map=field_map) == doc


def test_to_dict_is_json_safe() -> None:
    doc = Document("x", embedding=[0.5, 1.5], meta={"n": np.int64(3), "v": np.array([1, 2])})
    data = doc.to_dict()
    assert data["embedding"] == [0.5, 1.5] and data["meta"] == {"n": 3, "v": [1, 2]}
    json.dumps(data)  # must not raise


def test_to_dict_rejects_objects_without_json_form() -> None:
    with pytest.raises(TypeError, match="Cannot convert a value of type object to JSON"):
        Document("x", meta={"bad": object()}).to_dict()


def test_document_json_round_trip_with_embedding() -> None:
    doc = Document(
        BERLIN, meta={"item_id": "B1", "n": 2}, score=0.75, embedding=np.random.default_rng(0).random(8),
        id_hash_keys=["item_id"],
    )
    again = Document.from_json(doc.to_json())
    assert again == doc
    assert again.embedding is not None and again.embedding.dtype == np.float32
    table = Document([["a", 1], ["b", None]], content_type="table")
    assert Document.from_json(table.to_json()) == table


# --- Span and Answer ------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (5, 3)])
def test_invalid_span(start: int, end: int) -> None:
    with pytest.raises(ValidationError, match=rf"0 <= start <= end, got start={start}, end={end}"):
        Span(start, end)


def test_span_and_answer_round_trip() -> None:
    span = Span(0, 6)
    assert Span.from_json(span.to_json()) == span
    answer = Answer(
        "Berlin", type="extractive", score=0.9, context=BERLIN, offsets_in_document=[Span(0, 6)],
        offsets_in_context=[Span(0, 6)], document_ids=["d1"], meta={"k": "v"},
    )
    assert Answer.from_json(answer.to_json()) == answer
    assert answer.to_dict()["offsets_in_context"] == [{"start": 0, "end": 6}]


def test_invalid_answer_type() -> None:
    with pytest.raises(ValidationError, match="type"):
        Answer("x", type="guess")  # type: ignore[arg-type]


def test_answers_sort_by_score_with_none_lowest() -> None:
    answers = [Answer("mid", score=0.5), Answer("none"), Answer("high", score=2.0), Answer("neg", score=-1.0)]
    assert [a.answer for a in sorted(answers)] == ["none", "neg", "mid", "high"]
    assert sorted(answers, reverse=True)[0].answer == "high"
    assert max(answers).answer == "high"


# --- Label ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "expected"), [(None, True), ("", True), ("Berlin", False)])
def test_label_no_answer_derived(answer: str | None, expected: bool) -> None:
    assert make_label(answer=answer).no_answer is expected


def test_label_without_answer_may_say_it_is_not_a_no_answer() -> None:
    assert make_label(answer=None, no_answer=False).no_answer is False


def test_label_no_answer_conflicts() -> None:
    with pytest.raises(ValidationError, match="no_answer=True but also the answer 'Berlin'"):
        make_label(answer="Berlin", no_answer=True)
    with pytest.raises(ValidationError, match="no_answer=False but its answer is"):
        make_label(answer="", no_answer=False)


def test_label_id_is_stable_and_dedups() -> None:
    label = make_label(filters={"split": "dev"})
    expected = canonical_sha256({
        "query": "capital of Germany?", "answer": "Berlin", "offsets_in_document": None,
        "offsets_in_context": [{"start": 0, "end": 6}], "document_id": Document(BERLIN).id,
        "is_correct_answer": True, "is_correct_document": True, "origin": "gold-label",
        "filters": {"split": "dev"},
    })
    assert label.id == expected
    assert make_label(filters={"split": "dev"}).id == label.id
    assert make_label(filters={"split": "dev"}, meta={"annotator": "x"}).id == label.id
    assert make_label(filters={"split": "dev"}, correct=False).id != label.id
    assert make_label(filters={"split": "test"}).id != label.id
    assert make_label(id="mine").id == "mine"


def test_label_json_round_trip_with_nested_embedding() -> None:
    label = make_label(filters={"item_id": ["B1"]}, pipeline_id="p1", created_at="2024-01-01", meta={"m": 1})
    label.document.embedding = [0.25, -1.0, 3.5]  # type: ignore[assignment]  # validation converts
    again = Label.from_json(label.to_json())
    assert again == label
    assert isinstance(again.document.embedding, np.ndarray)
    assert again.document.embedding.dtype == np.float32


def test_label_invalid_origin() -> None:
    with pytest.raises(ValidationError, match="origin"):
        Label(query="q", document=Document("x"), is_correct_answer=True, is_correct_document=True, origin="guess")


# --- MultiLabel -----------------------------------------------------------------------------


def test_multilabel_aggregates() -> None:
    labels = [
        make_label(answer="Berlin", content="Doc one about Berlin."),
        make_label(answer="the city of Berlin", content="Doc two."),
        make_label(answer=None, content="Doc three, unrelated."),
    ]
    multi = MultiLabel(labels)
    assert multi.query == "capital of Germany?"
    assert multi.answers == ["Berlin", "the city of Berlin"]
    assert multi.no_answer is False
    assert multi.document_ids == [labels[0].document.id, labels[1].document.id]
    assert multi.contexts == ["Doc one about Berlin.", "Doc two."]
    assert multi.offsets_in_contexts == [Span(0, 6), Span(0, 18)]
    assert multi.offsets_in_documents == []
    assert multi.filters is None


def test_multilabel_all_no_answers() -> None:
    multi = MultiLabel([make_label(answer=None), make_label(answer="", content="other")])
    assert multi.no_answer is True
    assert multi.answers == [""]
    assert multi.document_ids == [] and multi.contexts == []


def test_multilabel_query_mismatch_names_queries() -> None:
    with pytest.raises(ValidationError, match=r"share one query, got 2: \['capital\?', 'river\?'\]"):
        MultiLabel([make_label(query="capital?"), make_label(query="river?")])


def test_multilabel_filters_shared_or_error() -> None:
    multi = MultiLabel([make_label(filters={"s": "a"}), make_label(filters={"s": "a"}, content="o")])
    assert multi.filters == {"s": "a"}
    with pytest.raises(ValidationError, match="different filters"):
        MultiLabel([make_label(filters={"s": "a"}), make_label(filters={"s": "b"}, content="o")])
    # labels that differ only in their filters are duplicates, as in Haystack 1.x: the first is kept
    assert MultiLabel([make_label(filters={"s": "a"}), make_label(filters={"s": "b"})]).filters == {"s": "a"}


def test_multilabel_empty_is_error() -> None:
    with pytest.raises(ValidationError, match="at least one Label"):
        MultiLabel([])


def test_multilabel_drop_flags() -> None:
    good, bad, none = make_label(), make_label(answer="Bonn", correct=False), make_label(answer=None, content="o")
    assert MultiLabel([good, bad, none]).answers == ["Berlin", "Bonn"]
    assert MultiLabel([good, bad, none], drop_negative_labels=True).labels == [good, none]
    assert MultiLabel([good, bad, none], drop_no_answers=True).labels == [good, bad]
    assert MultiLabel([good, bad, none], drop_negative_labels=True, drop_no_answers=True).labels == [good]
    with pytest.raises(ValidationError, match="drop_no_answers dropped all 1 labels"):
        MultiLabel([none], drop_no_answers=True)
    with pytest.raises(ValidationError, match="drop_negative_labels dropped all"):
        MultiLabel([bad], drop_negative_labels=True)


def test_multilabel_id_stable_and_order_independent() -> None:
    import hashlib

    a, b = make_label(), make_label(answer="Bonn")
    # Haystack 1.x's id: md5 of the query and the filters
    expected = hashlib.md5((a.query + "null").encode()).hexdigest()
    assert MultiLabel([a, b]).id == MultiLabel([b, a]).id == expected
    assert MultiLabel([a]).id == MultiLabel([a, b]).id  # the same query and filters
    assert MultiLabel([a.model_copy(update={"filters": {"item_id": ["B1"]}})]).id != MultiLabel([a]).id


def test_multilabel_id_query_filters_follow_assigned_labels() -> None:
    a, b = make_label(), make_label(answer="Bonn", filters={"s": "x"})
    multi = MultiLabel([a])
    assert (multi.id, multi.query, multi.filters) == (MultiLabel([a]).id, "capital of Germany?", None)
    multi.labels = [b]  # validated on assignment: the aggregates are computed again
    assert (multi.id, multi.filters) == (MultiLabel([b]).id, {"s": "x"})
    with pytest.raises(ValidationError, match="share one query"):
        multi.labels = [b, make_label(query="river?")]
    assert multi.labels == [b] and multi.id == MultiLabel([b]).id  # the rejected labels left nothing behind
    assert copy.deepcopy(multi).id == multi.id and multi.model_copy().id == multi.id


def test_multilabel_json_round_trip() -> None:
    first = make_label(filters={"split": "dev"})
    first.document.embedding = np.linspace(0, 1, 5)
    second = make_label(answer=None, content="o", filters={"split": "dev"})
    multi = MultiLabel([first, second], drop_negative_labels=True)
    again = MultiLabel.from_json(multi.to_json())
    assert again == multi
    assert again.labels[0].document.embedding is not None
    assert np.array_equal(again.labels[0].document.embedding, np.linspace(0, 1, 5).astype(np.float32))
    assert again.answers == multi.answers and again.id == multi.id


# --- properties and import cost --------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=75, deadline=None)
@given(
    content=st.text(),
    meta=st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    embedding=st.none() | st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=1, max_size=16),
    score=st.none() | st.floats(allow_nan=False, allow_infinity=False),
)
def test_random_documents_survive_json(
    content: str, meta: dict[str, Any], embedding: list[float] | None, score: float | None
) -> None:
    doc = Document(content, meta=meta, embedding=embedding, score=score)
    again = Document.from_json(doc.to_json())
    assert again == doc
    assert again.id == doc.id == Document(content).id


def test_import_does_not_pull_in_torch() -> None:
    code = "import sys, hayrick.schema; assert 'torch' not in sys.modules, 'torch was imported'"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
