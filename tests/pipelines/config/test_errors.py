"""Every config mistake names the entry that is wrong and the fix (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hayrick import Pipeline
from hayrick.errors import PipelineConfigError, PipelineError
from hayrick.pipelines import validate_config
from tests.pipelines.config.helpers import (
    _config,
)


class TestErrors:
    def test_unknown_type_lists_valid_types_and_suggests(self):
        config = _config([{"name": "R", "type": "KeywordDocument"}], [{"name": "R", "inputs": ["Query"]}])
        with pytest.raises(PipelineConfigError) as info:
            Pipeline.load(config)
        message = str(info.value)
        assert message.startswith("components[0] 'R': Unknown component type 'KeywordDocument'")
        assert "Did you mean 'KeywordDocuments'" in message
        valid = message.split("Valid types: ", 1)[1]
        for name in ("AppendText", "KeywordDocuments", "QuestionRouter", "MergeDocuments", "CountFiles"):
            assert name in valid

    def test_unknown_component_in_pipeline_nodes(self):
        config = _config(
            [{"name": "Retriever", "type": "KeywordDocuments"}, {"name": "Suffix", "type": "AppendText"}],
            [{"name": "Retriever", "inputs": ["Query"]}, {"name": "Reader", "inputs": ["Retriever"]}],
        )
        with pytest.raises(
            PipelineConfigError,
            match=r"pipelines\[0\] 'query' nodes\[1\] 'Reader': no component named 'Reader'\. "
            r"Components defined: Retriever, Suffix\.",
        ):
            Pipeline.load(config)

    def test_unknown_input_node(self):
        config = _config(
            [{"name": "Retriever", "type": "KeywordDocuments"}, {"name": "Suffix", "type": "AppendText"}],
            [{"name": "Retriever", "inputs": ["Query"]}, {"name": "Suffix", "inputs": ["Retreiver"]}],
        )
        with pytest.raises(
            PipelineConfigError,
            match=r"nodes\[1\] 'Suffix'.*unknown input node 'Retreiver'.*use one of: Query, Retriever",
        ):
            Pipeline.load(config)

    def test_edge_beyond_outgoing_edges(self):
        config = _config(
            [{"name": "Router", "type": "QuestionRouter"}, {"name": "Suffix", "type": "AppendText"}],
            [{"name": "Router", "inputs": ["Query"]}, {"name": "Suffix", "inputs": ["Router.output_3"]}],
        )
        with pytest.raises(
            PipelineConfigError,
            match=r"nodes\[1\] 'Suffix'.*'Router\.output_3'.*Router has only 2 outgoing edges: Router\.output_1, Router\.output_2",
        ):
            Pipeline.load(config)

    def test_missing_edge_on_decision_node_shows_the_syntax(self):
        config = _config(
            [{"name": "Router", "type": "QuestionRouter"}, {"name": "Suffix", "type": "AppendText"}],
            [{"name": "Router", "inputs": ["Query"]}, {"name": "Suffix", "inputs": ["Router"]}],
        )
        with pytest.raises(
            PipelineConfigError,
            match=r"nodes\[1\] 'Suffix'.*decision node with 2 outgoing edges; specify the output edge explicitly, "
            r"like 'Router\.output_1'",
        ):
            Pipeline.load(config)

    CYCLE = _config(
        [{"name": n, "type": "AppendText"} for n in ("A", "B", "C")],
        [{"name": "A", "inputs": ["Query"]}, {"name": "B", "inputs": ["A", "C"]}, {"name": "C", "inputs": ["B"]}],
    )

    def test_cycle_in_pipeline_nodes_reports_the_path(self):
        with pytest.raises(PipelineError, match=r"pipelines\[0\] 'query': the nodes form a cycle \(B -> C -> B\)"):
            Pipeline.load(self.CYCLE)
        with pytest.raises(PipelineError, match=r"cycle \(B -> C -> B\)"):
            validate_config(self.CYCLE)

    def test_cycle_in_pipeline_nodes_is_a_config_error(self):
        with pytest.raises(PipelineConfigError, match=r"cycle \(B -> C -> B\)"):
            Pipeline.load(self.CYCLE)
        with pytest.raises(PipelineConfigError, match=r"cycle \(B -> C -> B\)"):
            validate_config(self.CYCLE)

    def test_bad_indentation_reports_line_and_column(self):
        text = textwrap.dedent(
            """\
            version: '1.0'
            components:
              - name: Suffix
                type: AppendText
               params: {text: x}
            pipelines:
              - name: query
                nodes: [{name: Suffix, inputs: [Query]}]
            """
        )
        with pytest.raises(PipelineConfigError, match=r"<text>: not valid YAML at line 5, column 4: .*indentation"):
            Pipeline.load(text)

    def test_bad_indentation_in_a_file_names_the_file(self, tmp_path: Path):
        path = tmp_path / "broken.yml"
        path.write_text(
            "components:\n  - name: A\n    type: AppendText\n  params: {}\n pipelines: []\n", encoding="utf-8"
        )
        with pytest.raises(PipelineConfigError, match=r"broken\.yml: not valid YAML at line \d+, column \d+"):
            Pipeline.load(path)

    def test_param_at_component_level_hints_to_indent_under_params(self):
        text = textwrap.dedent(
            """\
            components:
              - name: Suffix
                type: AppendText
                params:
                text: x
            pipelines:
              - name: query
                nodes: [{name: Suffix, inputs: [Query]}]
            """
        )
        with pytest.raises(
            PipelineConfigError,
            match=r"components\[0\] 'Suffix': unknown key 'text'; valid keys: name, type, params\. "
            r"If it is a parameter, indent it under `params:`",
        ):
            Pipeline.load(text)

    def test_invalid_init_param_lists_the_signature(self):
        config = _config(
            [{"name": "Suffix", "type": "AppendText", "params": {"txt": "x"}}],
            [{"name": "Suffix", "inputs": ["Query"]}],
        )
        with pytest.raises(PipelineConfigError) as info:
            Pipeline.load(config)
        message = str(info.value)
        assert message.startswith("components[0] 'Suffix':")
        assert "unexpected keyword argument 'txt'" in message
        assert "text: str = '+'" in message and "label" in message
        with pytest.raises(
            PipelineConfigError,
            match=r"components\[0\] 'Suffix': AppendText does not take these params.*text: str = '\+'",
        ):
            validate_config(config)

    def test_invalid_value_raised_by_init_points_at_the_entry(self):
        config = _config(
            [{"name": "R", "type": "KeywordDocuments", "params": {"top_k": 0}}], [{"name": "R", "inputs": ["Query"]}]
        )
        with pytest.raises(PipelineConfigError, match=r"components\[0\] 'R'.*top_k must be >= 1, got 0"):
            Pipeline.load(config)

    def test_params_for_a_class_without_init_are_rejected_by_validation(self):
        config = _config(
            [{"name": "Router", "type": "QuestionRouter", "params": {"bogus": 1}}],
            [{"name": "Router", "inputs": ["Query"]}],
        )
        with pytest.raises(PipelineConfigError, match="Router") as info:
            Pipeline.load(config)  # raises today, but lists object.__init__'s "*args, **kwargs" as the parameters
        assert "**kwargs" not in str(info.value)
        with pytest.raises(PipelineConfigError, match=r"components\[0\] 'Router'.*bogus"):
            validate_config(config)

    def test_duplicated_component_name(self):
        config = _config(
            [
                {"name": "Suffix", "type": "AppendText"},
                {"name": "Suffix", "type": "AppendText", "params": {"text": "?"}},
            ],
            [{"name": "Suffix", "inputs": ["Query"]}],
        )
        with pytest.raises(
            PipelineConfigError, match=r"components\[1\] 'Suffix': a component named 'Suffix' is defined twice"
        ):
            Pipeline.load(config)

    def test_duplicated_pipeline_name(self):
        config = _config([{"name": "Suffix", "type": "AppendText"}], [{"name": "Suffix", "inputs": ["Query"]}])
        config["pipelines"].append(dict(config["pipelines"][0]))
        with pytest.raises(
            PipelineConfigError, match=r"pipelines\[1\] 'query': a pipeline named 'query' is defined twice"
        ):
            Pipeline.load(config, pipeline_name="query")

    @pytest.mark.parametrize("name", ["Query", "File"])
    def test_root_names_are_reserved(self, name: str):
        config = _config([{"name": name, "type": "AppendText"}], [{"name": name, "inputs": ["Query"]}])
        with pytest.raises(PipelineConfigError, match=rf"components\[0\] '{name}': '{name}' is reserved"):
            Pipeline.load(config)

    def test_unknown_top_level_key(self):
        config = _config([{"name": "A", "type": "AppendText"}], [{"name": "A", "inputs": ["Query"]}])
        config["component"] = []
        with pytest.raises(
            PipelineConfigError, match=r"unknown key 'component'; valid keys: version, components, pipelines"
        ):
            Pipeline.load(config)

    def test_query_and_file_roots_in_one_pipeline(self):
        config = _config(
            [{"name": "A", "type": "AppendText"}, {"name": "C", "type": "CountFiles"}],
            [{"name": "A", "inputs": ["Query"]}, {"name": "C", "inputs": ["File"]}],
        )
        with pytest.raises(
            PipelineConfigError, match=r"nodes\[1\] 'C'.*input 'File', but this pipeline starts at 'Query'"
        ):
            Pipeline.load(config)

    def test_several_inputs_need_a_join_node(self):
        config = _config(
            [
                {"name": "A", "type": "AppendText"},
                {"name": "B", "type": "AppendText"},
                {"name": "C", "type": "AppendText"},
            ],
            [
                {"name": "A", "inputs": ["Query"]},
                {"name": "B", "inputs": ["Query"]},
                {"name": "C", "inputs": ["A", "B"]},
            ],
        )
        with pytest.raises(
            PipelineConfigError, match=r"nodes\[2\] 'C'.*2 inputs \(A, B\) but its run\(\) has no `inputs` parameter"
        ):
            Pipeline.load(config)

    @pytest.mark.parametrize(
        "text",
        [
            "components: !!python/object/apply:os.mkdir ['{marker}']\npipelines: []\n",
            "components:\n  - !!python/object:tests.sample_nodes.AppendText {{text: x}}\npipelines: []\n",
            "components: !!python/name:os.system\npipelines: []\n",
        ],
    )
    def test_only_safe_load(self, tmp_path: Path, text: str):
        marker = tmp_path / "created-by-yaml"
        path = tmp_path / "evil.yml"
        path.write_text(text.format(marker=marker), encoding="utf-8")
        for source in (path, text.format(marker=marker)):
            with pytest.raises(
                PipelineConfigError,
                match=r"refused at line \d+, column \d+: could not determine a constructor for the tag .*python/.*safe_load",
            ):
                Pipeline.load(source)
        assert not marker.exists()

    def test_config_that_is_not_a_mapping(self):
        with pytest.raises(
            PipelineConfigError,
            match=r"a pipeline config is a mapping with the keys version, components, pipelines; got list",
        ):
            Pipeline.load("- a\n- b\n")
