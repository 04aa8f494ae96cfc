"""hayrick: composable pipelines for search and question answering over your own documents."""

from hayrick.core import BaseComponent
from hayrick.pipelines.base import Pipeline
from hayrick.schema import Answer, Document, Label, MultiLabel, Span

__version__ = "0.1.0"

__all__ = ["Pipeline", "BaseComponent", "Document", "Answer", "Span", "Label", "MultiLabel", "__version__"]
