"""Components that refer to other components through their params (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hayrick import Pipeline
from hayrick.errors import PipelineConfigError
from tests.pipelines.config.helpers import (
    TEXTS,
    _config,
)
from tests.sample_nodes import (
    AppendText,
    Holder,
)


class TestComponentReferences:
    YAML = textwrap.dedent(
        """\
        version: '1.0'
        components:
        - name: Store
          type: AppendText
          params: {text: '#'}
        - name: First
          type: Holder
          params: {store: Store, factor: 2}
        - name: Second
          type: Holder
          params: {store: Store}
        pipelines:
        - name: query
          nodes:
          - {name: First, inputs: [Query]}
          - {name: Second, inputs: [First]}
        """
    )

    def test_reference_is_built_once_and_shared(self):
        p = Pipeline.load(self.YAML)
        first, second = p.get_node("First"), p.get_node("Second")
        assert isinstance(first.store, AppendText) and first.store.text == "#"
        assert first.store is second.store
        assert first.store.name == "Store"
        assert "Store" not in p.node_components and "Store" not in p.graph  # a referenced component is not a node
        assert p.components["Store"] is first.store  # but it is a component of the pipeline, as in Haystack 1.x
        result = p.run(query="q")
        assert (result["held"], result["factor"]) == ("AppendText", 1)

    def test_reference_is_saved_back_as_the_name(self, tmp_path: Path):
        p = Pipeline.load(self.YAML)
        config = p.get_config()
        assert config["components"] == [
            {"name": "Store", "type": "AppendText", "params": {"text": "#"}},
            {"name": "First", "type": "Holder", "params": {"store": "Store", "factor": 2}},
            {"name": "Second", "type": "Holder", "params": {"store": "Store"}},
        ]
        path = tmp_path / "refs.yml"
        p.save(path)
        again = Pipeline.load(path)
        assert again.get_node("First").store is again.get_node("Second").store

    def test_reference_built_in_python_gets_a_name(self):
        store = AppendText(text="#")
        p = Pipeline()
        p.add_node(Holder(store=store), "H1", ["Query"])
        p.add_node(Holder(store=store), "H2", ["H1"])
        config = p.get_config()
        # An unnamed component that is not a node is named after its class.
        assert [c["name"] for c in config["components"]] == ["AppendText", "H1", "H2"]
        assert config["components"][1]["params"] == {"store": "AppendText"}
        loaded = Pipeline.load(config)
        assert loaded.get_node("H1").store is loaded.get_node("H2").store
        assert loaded.get_config() == config

    def test_reference_to_a_node_of_the_pipeline_is_the_same_object(self):
        p = Pipeline.load(
            _config(
                [
                    {"name": "Holder", "type": "Holder", "params": {"store": "Retriever"}},
                    {"name": "Retriever", "type": "KeywordDocuments", "params": {"texts": TEXTS}},
                ],
                [{"name": "Retriever", "inputs": ["Query"]}, {"name": "Holder", "inputs": ["Retriever"]}],
            )
        )
        assert p.get_node("Holder").store is p.get_node("Retriever")

    def test_reference_cycle_is_an_error_naming_the_chain(self):
        config = _config(
            [
                {"name": "A", "type": "Holder", "params": {"store": "B"}},
                {"name": "B", "type": "Holder", "params": {"store": "C"}},
                {"name": "C", "type": "Holder", "params": {"store": "A"}},
            ],
            [{"name": "A", "inputs": ["Query"]}],
        )
        with pytest.raises(PipelineConfigError, match=r"components\[0\] 'A'.*cycle \(A -> B -> C -> A\)"):
            Pipeline.load(config)

    def test_own_name_in_params_is_text_not_a_self_reference(self):
        config = _config(
            [{"name": "A", "type": "AppendText", "params": {"text": "A"}}], [{"name": "A", "inputs": ["Query"]}]
        )
        assert Pipeline.load(config).run(query="q")["query"] == "qA"

    def test_string_param_equal_to_a_component_name_round_trips_or_is_refused(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(AppendText(text="A"), "A", ["Query"])
        path = tmp_path / "p.yml"
        try:
            p.save(path)
        except PipelineConfigError as exc:  # refusing the ambiguous save, naming it, is a fine fix too
            assert "'A'" in str(exc)
            return
        assert Pipeline.load(path).run(query="q")["query"] == "qA"
