"""The old import path of the DPR data helpers: the format is in `hayrick.datasets.dpr`, the BM25 hard-negative
mining in `hayrick.nodes.retrievers.hard_negatives`."""

from hayrick.datasets.dpr import contains_answer, read_dpr, write_dpr
from hayrick.nodes.retrievers.hard_negatives import squad_to_dpr, subjqa_to_dpr

__all__ = ["contains_answer", "read_dpr", "squad_to_dpr", "subjqa_to_dpr", "write_dpr"]
