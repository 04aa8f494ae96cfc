"""Embedders: nodes that embed documents in an indexing pipeline, before the store writes them."""

from hayrick.nodes.embedders.document_embedder import DocumentEmbedder

__all__ = ["DocumentEmbedder"]
