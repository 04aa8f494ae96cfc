"""Evaluation: metrics (pure functions), eval nodes, EvaluationResult, dataset loaders, plots."""

__all__: list[str] = []
