"""Pipelines: graph building and validation, execution, YAML config, standard pipelines."""

from hayrick.core import RootNode
from hayrick.pipelines.base import Pipeline
from hayrick.pipelines.config import (
    pipelines_to_config,
    save_pipelines,
    validate_config,
)
from hayrick.pipelines.ray import RayPipeline
from hayrick.pipelines.standard import (
    BaseStandardPipeline,
    DocumentSearchPipeline,
    ExtractiveQAPipeline,
    GenerativeQAPipeline,
    SearchSummarizationPipeline,
    print_answers,
    print_documents,
)

__all__ = [
    "BaseStandardPipeline",
    "DocumentSearchPipeline",
    "ExtractiveQAPipeline",
    "GenerativeQAPipeline",
    "Pipeline",
    "RayPipeline",
    "RootNode",
    "SearchSummarizationPipeline",
    "pipelines_to_config",
    "print_answers",
    "print_documents",
    "save_pipelines",
    "validate_config",
]
