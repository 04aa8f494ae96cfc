"""Nodes that fit no other family: joins (hybrid search, several readers) and the indexing-time embedder."""

from hayrick.nodes.other.document_embedder import DocumentEmbedder
from hayrick.nodes.other.join_answers import JoinAnswers
from hayrick.nodes.other.join_documents import JoinDocuments, JoinNode

__all__ = ["DocumentEmbedder", "JoinAnswers", "JoinDocuments", "JoinNode"]
