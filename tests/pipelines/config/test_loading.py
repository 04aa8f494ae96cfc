"""Loading pipelines from files, text, streams and dicts (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from hayrick import Pipeline
from hayrick.errors import PipelineConfigError
from tests.pipelines.config.helpers import (
    QUERY_YAML,
    _contents,
)
from tests.sample_nodes import (
    KeywordDocuments,
)


class TestLoadSources:
    def _check(self, p: Pipeline) -> None:
        assert isinstance(p, Pipeline)
        assert list(p.components) == ["Suffix", "Retriever"]
        retriever = p.get_node("Retriever")
        assert isinstance(retriever, KeywordDocuments) and retriever.top_k == 2 and retriever.name == "Retriever"
        result = p.run(query="red")
        assert result["query"] == "red!"
        # "red!" shares no word with the texts: the suffix really ran before the retriever.
        assert result["documents"] == []
        result = p.run(query="red apple")
        assert result["query"] == "red apple!"
        # Only "red" matches ("apple!" does not): the two texts with "red", in text order.
        assert _contents(result["documents"]) == ["red apple pie", "a red car"]

    def test_from_file_path_str_and_pathlib(self, tmp_path: Path):
        path = tmp_path / "query.yml"
        path.write_text(QUERY_YAML, encoding="utf-8")
        self._check(Pipeline.load(str(path)))
        self._check(Pipeline.load(path))

    def test_from_yaml_text(self):
        self._check(Pipeline.load(QUERY_YAML))

    def test_from_open_stream(self, tmp_path: Path):
        path = tmp_path / "query.yaml"
        path.write_text(QUERY_YAML, encoding="utf-8")
        with path.open(encoding="utf-8") as stream:
            self._check(Pipeline.load(stream))
        self._check(Pipeline.load(io.StringIO(QUERY_YAML)))

    def test_from_dict(self):
        config = yaml.safe_load(QUERY_YAML)
        self._check(Pipeline.load(config))
        self._check(Pipeline.load_from_config(config))

    def test_missing_file_is_an_error_naming_the_path(self, tmp_path: Path):
        missing = tmp_path / "nope.yml"
        with pytest.raises(PipelineConfigError, match=r"not found: .*nope\.yml"):
            Pipeline.load(missing)
        with pytest.raises(PipelineConfigError, match=r"not found: .*nope\.yml"):
            Pipeline.load(str(missing))

    def test_node_order_in_yaml_does_not_matter(self):
        # Retriever is listed before its input Suffix: entries may come in any order.
        config = yaml.safe_load(QUERY_YAML)
        config["pipelines"][0]["nodes"].reverse()
        p = Pipeline.load(config)
        assert list(p.components) == ["Suffix", "Retriever"]
        assert p.run(query="red apple")["query"] == "red apple!"
