"""SQuAD-format files (hayrick/datasets/squad.py): malformed files, and load_squad on the shared data sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hayrick.datasets.squad import load_squad, read_squad_examples
from hayrick.errors import FileConversionError
from tests.datasets.synthetic import synthetic_squad, write_json

# ------------------------------------------------------------------------------------------------
# Malformed SQuAD files
# ------------------------------------------------------------------------------------------------


def test_missing_key_names_file_and_entry(tmp_path):
    data = synthetic_squad(3, seed=8)
    del data["data"][0]["paragraphs"][1]["qas"][0]["question"]
    path = write_json(tmp_path / "bad.json", data)
    with pytest.raises(FileConversionError, match=r"bad\.json: data\[0\]\.paragraphs\[1\]\.qas\[0\] has no 'question'"):
        read_squad_examples(path)
    data = {"data": [{"title": "x", "paragraphs": [{"qas": []}]}]}
    with pytest.raises(FileConversionError, match=r"data\[0\]\.paragraphs\[0\] has no 'context'"):
        read_squad_examples(write_json(tmp_path / "bad2.json", data))
    with pytest.raises(FileConversionError, match="has no 'data'"):
        read_squad_examples(write_json(tmp_path / "bad3.json", {"paragraphs": []}))


def test_not_json_and_missing_file(tmp_path):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FileConversionError, match=r"broken\.json: not valid JSON"):
        read_squad_examples(tmp_path / "broken.json")
    with pytest.raises(FileNotFoundError, match="nowhere.json"):
        read_squad_examples(tmp_path / "nowhere.json")


def test_answer_start_mismatch_is_counted_fixed_or_dropped(tmp_path):
    data = synthetic_squad(5, seed=9)
    paragraphs = data["data"][0]["paragraphs"]
    paragraphs[1]["qas"][0]["answers"][0]["answer_start"] += 3   # text occurs elsewhere: fixable
    paragraphs[3]["qas"][0]["answers"][0]["text"] = "purple"     # nowhere in the context
    path = write_json(tmp_path / "mismatch.json", data)
    with pytest.raises(FileConversionError, match=r"mismatch\.json: 2 answer\(s\) do not match") as info:
        read_squad_examples(path)
    assert "data[0].paragraphs[1].qas[0]" in str(info.value) and "answer_mismatch='fix'" in str(info.value)

    fixed = read_squad_examples(path, answer_mismatch="fix")
    assert len(fixed) == 4  # the question whose only answer is nowhere in its context is dropped
    answer = fixed[1].answers[0]
    assert fixed[1].context[answer.start : answer.end] == answer.text
    assert len(read_squad_examples(path, answer_mismatch="drop")) == 3


# ------------------------------------------------------------------------------------------------
# load_squad on the shared data sets
# ------------------------------------------------------------------------------------------------


def _slice_of(path: Path, n_articles: int, out: Path) -> tuple[Path, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["data"] = data["data"][:n_articles]
    return write_json(out, data), data


def test_load_squad_v1_slice(shared_dir, tmp_path):
    path, data = _slice_of(shared_dir / "datasets/squad/dev-v1.1.json", 2, tmp_path / "dev-slice.json")
    docs, labels = load_squad(path)
    paragraphs = [p for a in data["data"] for p in a["paragraphs"]]
    assert len(docs) == len({p["context"] for p in paragraphs})
    assert {d.meta["title"] for d in docs} == {a["title"] for a in data["data"]}
    assert len(labels) == sum(len(q["answers"]) for p in paragraphs for q in p["qas"])
    by_id = {d.id: d for d in docs}
    for label in labels:
        assert label.origin == "gold-label" and label.is_correct_answer and label.is_correct_document
        assert not label.no_answer and label.answer.document_ids == [label.document.id]
        span = label.answer.offsets_in_document[0]
        assert by_id[label.document.id].content[span.start : span.end] == label.answer.answer
    assert len({label.meta["question_id"] for label in labels}) == sum(len(p["qas"]) for p in paragraphs)


def test_load_squad_v2_slice_has_no_answer_labels(shared_dir, tmp_path):
    path, data = _slice_of(shared_dir / "datasets/squad/dev-v2.0-half.json", 1, tmp_path / "v2-slice.json")
    _, labels = load_squad(path)
    qas = [q for a in data["data"] for p in a["paragraphs"] for q in p["qas"]]
    impossible = {q["id"] for q in qas if q.get("is_impossible")}
    assert impossible
    no_answer = [label for label in labels if label.no_answer]
    assert {label.meta["question_id"] for label in no_answer} == impossible
    assert all(label.answer.answer == "" for label in no_answer)
