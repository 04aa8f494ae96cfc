"""The old import path of `DocumentEmbedder`, which now lives in `hayrick.nodes.embedders.document_embedder`."""

from hayrick.nodes.embedders.document_embedder import DocumentEmbedder

__all__ = ["DocumentEmbedder"]
