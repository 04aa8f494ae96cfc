"""The book's evaluation plots, written to PNG files with matplotlib (Agg; no display needed).

```python
from hayrick.evaluation.plots import plot_recall_at_k, plot_reader_scores

plot_recall_at_k({"BM25": {1: 0.62, 3: 0.83, 5: 0.89, 10: 0.95, 20: 0.98}}, "recall_at_k.png")
plot_reader_scores({"MiniLM (SQuAD)": {"EM": 0.15, "F1": 0.49}}, "reader_scores.png")
```
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hayrick._checks import is_int, is_number


def _figure(width: float, height: float) -> tuple[Any, Any]:
    """A figure drawn by the Agg canvas directly: works headless and leaves pyplot's state alone."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot(1, 1, 1)


def _number(value: Any, what: str) -> float:
    if not is_number(value) or math.isnan(float(value)):
        raise ValueError(f"{what} must be a number, got {value!r}.")
    return float(value)


def _save(figure: Any, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"The plot is written as PNG; give a path ending in .png, got {str(path)!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, format="png")
    return path


def plot_recall_at_k(results: Mapping[str, Mapping[int, float]], path: str | Path, metric: str = "recall") -> Path:
    """Draw one recall@k curve per retriever (as the book's `plot_retriever_eval`) and write a PNG.

    Args:
        results: `{retriever name: {k: recall}}`, e.g. `{"BM25": {1: 0.6, 3: 0.8, 5: 0.9}}`.
        path: the PNG file to write (folders are created).
        metric: the y-axis label's metric name.

    Returns:
        The path written.

    Raises:
        ValueError: `results` is empty, a curve is empty, a k is not a positive int, or a value
            is not a number in [0, 1].
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("plot_recall_at_k needs {retriever name: {k: recall}} with at least one retriever.")
    curves = {}
    for name, by_k in results.items():
        if not isinstance(by_k, Mapping) or not by_k:
            raise ValueError(f"plot_recall_at_k: the results of {name!r} must be a non-empty dict {{k: recall}}.")
        points = []
        for k, value in by_k.items():
            if not is_int(k, 1):
                raise ValueError(f"plot_recall_at_k: k must be a positive int, got {k!r} for {name!r}.")
            value = _number(value, f"recall@{k} of {name!r}")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"plot_recall_at_k: recall@{k} of {name!r} must lie in [0, 1], got {value}.")
            points.append((k, value))
        curves[str(name)] = sorted(points)
    figure, ax = _figure(6.0, 4.0)
    ks: set[int] = set()
    for name, points in curves.items():
        ax.plot([k for k, _ in points], [v for _, v in points], marker="o", label=name)
        ks.update(k for k, _ in points)
    ax.set_xticks(sorted(ks))
    ax.set_xlabel("k")
    ax.set_ylabel(f"Top-k {metric.capitalize()}")
    ax.set_ylim(0.0, 1.02)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _save(figure, path)


def plot_reader_scores(scores: Mapping[str, Mapping[str, float]], path: str | Path) -> Path:
    """Draw grouped EM/F1 bars, one group per reader or setting (as the book's `plot_reader_eval`), to a PNG.

    Args:
        scores: `{name: {"EM": value, "F1": value}}`; values in [0, 1] (or in [0, 100], as percentages).
            Every entry must have the same metric names.
        path: the PNG file to write (folders are created).

    Returns:
        The path written.

    Raises:
        ValueError: `scores` is empty, entries have different or no metrics, or a value is not a number.
    """
    if not isinstance(scores, Mapping) or not scores:
        raise ValueError('plot_reader_scores needs {name: {"EM": ..., "F1": ...}} with at least one entry.')
    metrics: list[str] | None = None
    table: dict[str, list[float]] = {}
    for name, values in scores.items():
        if not isinstance(values, Mapping) or not values:
            raise ValueError(f'plot_reader_scores: the scores of {name!r} must be a non-empty dict like {{"EM": 0.5}}.')
        if metrics is None:
            metrics = [str(m) for m in values]
        elif set(map(str, values)) != set(metrics):
            raise ValueError(
                f"plot_reader_scores: {name!r} has metrics {sorted(map(str, values))}, "
                f"the first entry {sorted(metrics)}; "
                "give every entry the same metrics."
            )
        table[str(name)] = [_number(values[m], f"{m} of {name!r}") for m in metrics]
    assert metrics is not None
    figure, ax = _figure(max(5.0, 1.6 * len(table) + 2.0), 4.0)
    width = 0.8 / len(metrics)
    positions = range(len(table))
    for i, metric in enumerate(metrics):
        ax.bar([p + (i - (len(metrics) - 1) / 2) * width for p in positions],
               [row[i] for row in table.values()], width=width, label=metric)  # fmt: skip
    ax.set_xticks(list(positions))
    ax.set_xticklabels(list(table), rotation=0)
    ax.set_ylabel("Score")
    ax.legend(loc="upper left")
    ax.grid(True, axis="y", alpha=0.3)
    return _save(figure, path)
