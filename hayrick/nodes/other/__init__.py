"""The old import path of the joiners (now `hayrick.nodes.joiners`) and the embedder (now `hayrick.nodes.embedders`)."""

from hayrick.nodes.embedders import DocumentEmbedder
from hayrick.nodes.joiners import JoinAnswers, JoinDocuments, JoinNode

__all__ = ["DocumentEmbedder", "JoinAnswers", "JoinDocuments", "JoinNode"]
