"""`validate_config`: checking a config without building its components (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

import pytest
import yaml

from hayrick import Pipeline
from hayrick.errors import PipelineConfigError
from hayrick.pipelines import validate_config
from tests.pipelines.config.helpers import (
    TWO_PIPELINES_YAML,
    _config,
)


class TestValidateConfig:
    def test_validates_without_building_components(self):
        config = _config(
            [
                {"name": "Boom", "type": "ExplodesOnInit", "params": {"setting": 3}},
                {"name": "Suffix", "type": "AppendText", "params": {"text": "!"}},
            ],
            [{"name": "Boom", "inputs": ["Query"]}, {"name": "Suffix", "inputs": ["Boom"]}],
        )
        graphs = validate_config(config)
        assert set(graphs) == {"query"}
        graph = graphs["query"]
        assert set(graph.nodes) == {"Query", "Boom", "Suffix"}
        assert graph.edges["Boom", "Suffix"]["label"] == "output_1"
        with pytest.raises(
            PipelineConfigError, match=r"components\[0\] 'Boom'.*ExplodesOnInit.__init__ was called \(setting=3\)"
        ):
            Pipeline.load(config)

    def test_checks_every_pipeline_or_the_named_one(self):
        config = yaml.safe_load(TWO_PIPELINES_YAML)
        assert set(validate_config(config)) == {"query", "indexing", "broken"}
        assert set(validate_config(config, pipeline_name="indexing")) == {"indexing"}
        with pytest.raises(PipelineConfigError, match="valid pipeline names: query, indexing, broken"):
            validate_config(config, pipeline_name="nope")

    @staticmethod
    def _broadcast_config(branches: int, edge: str) -> dict:
        return _config(
            [
                {"name": "Fan", "type": "Broadcast", "params": {"branches": branches}},
                {"name": "Tail", "type": "AppendText", "params": {"text": "3"}},
            ],
            [{"name": "Fan", "inputs": ["Query"]}, {"name": "Tail", "inputs": [f"Fan.{edge}"]}],
        )

    def test_decision_edges_from_calculate_outgoing_edges(self):
        graph = validate_config(self._broadcast_config(3, "output_3"))["query"]
        assert graph.nodes["Fan"]["outgoing_edges"] == 3
        assert graph.edges["Fan", "Tail"]["label"] == "output_3"
        # Loading agrees, and the branch runs (Broadcast takes output_all).
        assert Pipeline.load(self._broadcast_config(3, "output_3")).run(query="q")["query"] == "q3"

    def test_decision_edges_beyond_calculated_count_are_rejected(self):
        config = self._broadcast_config(2, "output_3")
        with pytest.raises(
            PipelineConfigError, match=r"nodes\[1\] 'Tail'.*Fan has only 2 outgoing edges: Fan\.output_1, Fan\.output_2"
        ):
            validate_config(config)
        with pytest.raises(PipelineConfigError, match=r"Fan has only 2 outgoing edges"):
            Pipeline.load(config)

    def test_default_branches_require_an_explicit_edge(self):
        config = _config(
            [{"name": "Fan", "type": "Broadcast"}, {"name": "Tail", "type": "AppendText"}],
            [{"name": "Fan", "inputs": ["Query"]}, {"name": "Tail", "inputs": ["Fan"]}],
        )
        with pytest.raises(PipelineConfigError, match=r"like 'Fan\.output_1'"):
            validate_config(config)

    def test_reports_unknown_types_and_structure_errors(self):
        with pytest.raises(PipelineConfigError, match=r"components\[0\] 'X'.*Unknown component type 'Nope'"):
            validate_config(_config([{"name": "X", "type": "Nope"}], [{"name": "X", "inputs": ["Query"]}]))
        two = [{"name": "X", "type": "AppendText"}, {"name": "Z", "type": "AppendText"}]
        with pytest.raises(PipelineConfigError, match=r"unknown input node 'Y'"):
            validate_config(_config(two, [{"name": "X", "inputs": ["Query"]}, {"name": "Z", "inputs": ["Y"]}]))
        with pytest.raises(PipelineConfigError, match=r"first node of a pipeline must have one single root node"):
            validate_config(_config([{"name": "X", "type": "AppendText"}], [{"name": "X", "inputs": ["Y"]}]))

    def test_does_not_apply_or_need_environment(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("FAN_PARAMS_BRANCHES", "2")
        # The file says 3 branches; validation checks the file as written.
        validate_config(self._broadcast_config(3, "output_3"))

    def test_reference_cycle_is_found_by_validation(self):
        config = _config(
            [
                {"name": "A", "type": "Holder", "params": {"store": "B"}},
                {"name": "B", "type": "Holder", "params": {"store": "A"}},
            ],
            [{"name": "A", "inputs": ["Query"]}],
        )
        with pytest.raises(PipelineConfigError, match=r"cycle \(A -> B -> A\)"):
            validate_config(config)
