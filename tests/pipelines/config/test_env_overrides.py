"""`{COMPONENT}_PARAMS_{PARAM}` environment variables override params (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

import textwrap

import pytest

from hayrick import Pipeline
from hayrick.errors import PipelineConfigError


class TestEnvOverrides:
    YAML = textwrap.dedent(
        """\
        version: '1.0'
        components:
        - name: Retriever
          type: KeywordDocuments
          params: {texts: [a b, a c, a d, a e, a f, a g, a h, a i, a j, a k, a l, a m], top_k: 2}
        - name: my-suffix
          type: AppendText
          params: {text: '!'}
        pipelines:
        - name: query
          nodes:
          - {name: my-suffix, inputs: [Query]}
          - {name: Retriever, inputs: [my-suffix]}
        """
    )

    def test_int_is_parsed_as_json(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("RETRIEVER_PARAMS_TOP_K", "10")
        p = Pipeline.load(self.YAML)
        top_k = p.get_node("Retriever").top_k
        assert top_k == 10 and type(top_k) is int
        assert len(p.run(query="a x")["documents"]) == 10  # 12 texts match "a"
        saved = {c["name"]: c for c in p.get_config()["components"]}
        assert saved["Retriever"]["params"]["top_k"] == 10  # the override is what a save writes

    def test_string_value_and_name_with_punctuation(self, monkeypatch: pytest.MonkeyPatch):
        # Characters other than letters and digits in the component name become '_'.
        monkeypatch.setenv("MY_SUFFIX_PARAMS_TEXT", "hello there")
        monkeypatch.setenv("MY_SUFFIX_PARAMS_LABEL", "from-env")
        p = Pipeline.load(self.YAML)
        assert p.get_node("my-suffix").text == "hello there"
        assert p.get_node("my-suffix").label == "from-env"
        assert p.run(query="x")["query"] == "xhello there"

    def test_json_list_value(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("RETRIEVER_PARAMS_TEXTS", '["zz top", "zz"]')
        p = Pipeline.load(self.YAML)
        assert p.get_node("Retriever").texts == ["zz top", "zz"]

    def test_disabled_overrides_are_ignored(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("RETRIEVER_PARAMS_TOP_K", "10")
        monkeypatch.setenv("MY_SUFFIX_PARAMS_TEXT", "hello")
        p = Pipeline.load(self.YAML, overwrite_with_env_variables=False)
        assert p.get_node("Retriever").top_k == 2
        assert p.get_node("my-suffix").text == "!"

    def test_override_of_another_component_does_not_leak(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("OTHER_PARAMS_TOP_K", "7")
        monkeypatch.setenv("RETRIEVER_PARAMS_", "7")  # no param name: ignored
        p = Pipeline.load(self.YAML)
        assert p.get_node("Retriever").top_k == 2
        assert p.get_node("Retriever").init_parameters.keys() == {"texts", "top_k"}

    def test_invalid_override_value_points_at_the_component(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("RETRIEVER_PARAMS_TOP_K", "0")
        with pytest.raises(PipelineConfigError, match=r"components\[0\] 'Retriever'.*top_k must be >= 1"):
            Pipeline.load(self.YAML)
