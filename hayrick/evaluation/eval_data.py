"""The old import path of the store eval-data helpers, which now live in `hayrick.datasets.eval_data`."""

from hayrick.datasets.eval_data import split_eval_data, squad_eval_data

__all__ = ["split_eval_data", "squad_eval_data"]
