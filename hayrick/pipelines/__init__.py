"""Pipelines: graph building and validation, execution, YAML config, standard pipelines."""

from hayrick.pipelines.base import Pipeline
from hayrick.pipelines.config import pipelines_to_config, save_pipelines, validate_config

__all__ = ["Pipeline", "pipelines_to_config", "save_pipelines", "validate_config"]
