"""Evaluators: nodes that score the documents or answers of their predecessor query by query, as in the book."""

from hayrick.nodes.evaluators.eval_answers import EvalAnswers
from hayrick.nodes.evaluators.eval_documents import EvalDocuments

__all__ = ["EvalAnswers", "EvalDocuments"]
