"""The DPR format (hayrick/datasets/dpr.py): answer matching, reading and writing DPR files."""

from __future__ import annotations

import json

import pytest

from hayrick.datasets.dpr import contains_answer, read_dpr, write_dpr
from hayrick.errors import FileConversionError
from hayrick.nodes.retrievers.hard_negatives import squad_to_dpr
from tests.nodes.retrievers.test_hard_negatives import SQUAD


def test_contains_answer_ignores_case_and_spacing():
    assert contains_answer("Lasts  A\nWeek or so", ["a week"])
    assert not contains_answer("a weekend", ["two days"]) and not contains_answer("anything", ["  "])


def test_write_and_read_round_trip_and_errors(tmp_path):
    samples = squad_to_dpr(SQUAD, num_hard_negatives=1)
    path = write_dpr(samples, tmp_path / "sub" / "dpr.json")
    assert read_dpr(path) == samples
    with pytest.raises(FileNotFoundError, match="DPR file not found"):
        read_dpr(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(FileConversionError, match="not valid JSON"):
        read_dpr(bad)
    bad.write_text(json.dumps([{"question": "q", "positive_ctxs": [{"title": "no text"}]}]))
    with pytest.raises(FileConversionError, match=r"sample 0\['positive_ctxs'\]\[0\] must be an object with a 'text' string"):
        read_dpr(bad)
    bad.write_text(json.dumps([{"positive_ctxs": []}]))
    with pytest.raises(FileConversionError, match="sample 0 must be an object with a 'question' string"):
        read_dpr(bad)
    bad.write_text(json.dumps([{"question": "q", "positive_ctxs": [], "hard_negative_ctxs": None}]))
    assert read_dpr(bad)[0]["hard_negative_ctxs"] == [] and read_dpr(bad)[0]["negative_ctxs"] == []
