"""The book's plots: recall@k curves and EM/F1 bars written to PNG files."""

from __future__ import annotations

import pytest

from hayrick.evaluation.plots import plot_reader_scores, plot_recall_at_k

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _is_png(path) -> bool:
    data = path.read_bytes()
    return data[:8] == PNG_MAGIC and len(data) > 5_000


def test_recall_at_k_curves_are_written_as_png(tmp_path):
    results = {"BM25": {1: 0.62, 3: 0.83, 5: 0.89, 10: 0.95, 20: 0.98}, "DPR": {20: 0.9, 1: 0.4, 5: 0.75}}
    path = plot_recall_at_k(results, tmp_path / "plots" / "recall.png")
    assert path == tmp_path / "plots" / "recall.png" and _is_png(path)


def test_reader_score_bars_are_written_as_png(tmp_path):
    scores = {"Fine-tune on SQuAD": {"EM": 0.15, "F1": 0.49}, "QA pipeline (top-1)": {"EM": 0.1, "F1": 0.35}}
    assert _is_png(plot_reader_scores(scores, tmp_path / "reader.png"))


@pytest.mark.parametrize(
    "results, match",
    [({}, "at least one"), ({"BM25": {}}, "non-empty"), ({"BM25": {0: 0.5}}, "positive int"),
     ({"BM25": {1: 1.5}}, r"\[0, 1\]"), ({"BM25": {1: "high"}}, "number"), ({"BM25": [0.5]}, "non-empty dict")],
)  # fmt: skip
def test_recall_at_k_bad_input(tmp_path, results, match):
    with pytest.raises(ValueError, match=match):
        plot_recall_at_k(results, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    "scores, match",
    [({}, "at least one"), ({"r": {}}, "non-empty"), ({"a": {"EM": 1}, "b": {"F1": 1}}, "same metrics"),
     ({"r": {"EM": None}}, "number"), ({"r": {"EM": float("nan")}}, "number")],
)  # fmt: skip
def test_reader_scores_bad_input(tmp_path, scores, match):
    with pytest.raises(ValueError, match=match):
        plot_reader_scores(scores, tmp_path / "x.png")


def test_the_path_must_be_a_png(tmp_path):
    with pytest.raises(ValueError, match=".png"):
        plot_recall_at_k({"BM25": {1: 0.5}}, tmp_path / "recall.jpg")
