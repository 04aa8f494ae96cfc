"""Readers: extract answers to a query from documents (extractive QA models)."""

from hayrick.nodes.readers.base import BaseReader
from hayrick.nodes.readers.farm import FARMReader
from hayrick.nodes.readers.transformers_reader import TransformersReader

__all__ = ["BaseReader", "FARMReader", "TransformersReader"]
