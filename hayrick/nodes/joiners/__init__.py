"""Joiners: one list from the outputs of several nodes (documents for hybrid search, answers of several readers)."""

from hayrick.nodes.joiners.join_answers import JoinAnswers
from hayrick.nodes.joiners.join_documents import JoinDocuments, JoinNode

__all__ = ["JoinAnswers", "JoinDocuments", "JoinNode"]
