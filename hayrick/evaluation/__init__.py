"""Evaluation: metrics (pure functions), matching, EvaluationResult, reports, plots.

```python
from hayrick.evaluation import EvaluationResult

result = pipeline.eval(labels=store.get_all_labels_aggregated(drop_negative_labels=True))
result.calculate_metrics(simulated_top_k_retriever=5)
result.print_eval_report()
```

The eval nodes live with the nodes (`hayrick.nodes.evaluators`); `from hayrick.evaluation import
EvalDocuments, EvalAnswers` still works and imports them when first asked for, so this package does
not import `hayrick.nodes`. The SQuAD and SubjQA readers live in `hayrick.datasets`.
pandas (for `EvaluationResult`), matplotlib (for `plots`) and sentence-transformers (for semantic
answer similarity) are imported when first used, not when this package is imported.
"""

from typing import Any

from hayrick.evaluation.metrics import (
    average_precision,
    document_metrics,
    exact_match,
    f1_score,
    max_over_gold,
    ndcg,
    normalize_answer,
    precision,
    recall_multi_hit,
    recall_single_hit,
    reciprocal_rank,
    squad_em_f1,
)
from hayrick.evaluation.plots import plot_reader_scores, plot_recall_at_k
from hayrick.evaluation.report import format_metrics_table, print_eval_report
from hayrick.evaluation.result import EvaluationResult
from hayrick.evaluation.sas import semantic_answer_similarity

__all__ = [
    "EvalAnswers",
    "EvalDocuments",
    "EvaluationResult",
    "average_precision",
    "document_metrics",
    "exact_match",
    "f1_score",
    "format_metrics_table",
    "max_over_gold",
    "ndcg",
    "normalize_answer",
    "plot_reader_scores",
    "plot_recall_at_k",
    "precision",
    "print_eval_report",
    "recall_multi_hit",
    "recall_single_hit",
    "reciprocal_rank",
    "semantic_answer_similarity",
    "squad_em_f1",
]


def __getattr__(name: str) -> Any:
    """`EvalAnswers` and `EvalDocuments` (nodes, in `hayrick.nodes.evaluators`), imported when first asked for."""
    if name in ("EvalAnswers", "EvalDocuments"):
        from hayrick.nodes import evaluators

        return getattr(evaluators, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
