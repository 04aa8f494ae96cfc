"""Saving: round trips, params without a YAML form, the order of the written config (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hayrick import Pipeline
from hayrick.errors import PipelineConfigError
from hayrick.pipelines.config import dump_config
from tests.pipelines.config.helpers import (
    _diamond,
)
from tests.sample_nodes import (
    AppendText,
    EchoParams,
    Holder,
)


class TestSaveRoundTrip:
    def test_save_then_load_gives_equal_config(self, tmp_path: Path):
        p = _diamond()
        path = tmp_path / "diamond.yml"
        p.save(path)
        loaded = Pipeline.load(path)
        assert loaded.get_config() == p.get_config()
        for query in ("red apple?", "blue sky"):
            assert loaded.run(query=query) == p.run(query=query)

    def test_save_load_save_is_byte_identical(self, tmp_path: Path):
        first, second = tmp_path / "first.yml", tmp_path / "second.yml"
        _diamond().save(first)
        Pipeline.load(first).save(second)
        assert second.read_bytes() == first.read_bytes()

    def test_saved_file_is_the_documented_format(self, tmp_path: Path):
        path = tmp_path / "p.yml"
        _diamond().save(path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert raw["version"] == "1.0"
        assert [c["name"] for c in raw["components"]] == ["Router", "Suffix", "RetrieverA", "RetrieverB", "Merge"]
        by_name = {c["name"]: c for c in raw["components"]}
        assert by_name["Suffix"] == {
            "name": "Suffix",
            "type": "AppendText",
            "params": {"text": " red", "label": "suffix"},
        }
        # A component built with no arguments has empty params (as Haystack 1.x writes); defaults are not written.
        assert by_name["Router"] == {"name": "Router", "type": "QuestionRouter", "params": {}}
        nodes = raw["pipelines"][0]["nodes"]
        assert raw["pipelines"][0]["name"] == "query"
        assert {n["name"]: n["inputs"] for n in nodes} == {
            "Router": ["Query"],
            "Suffix": ["Router.output_1"],
            "RetrieverA": ["Suffix"],
            "RetrieverB": ["Router.output_2"],
            "Merge": ["RetrieverA", "RetrieverB"],
        }

    def test_pipeline_name_is_written(self, tmp_path: Path):
        path = tmp_path / "p.yml"
        _diamond().save(path, pipeline_name="search")
        assert [p["name"] for p in yaml.safe_load(path.read_text())["pipelines"]] == ["search"]
        assert (
            Pipeline.load(path, pipeline_name="search").get_config(pipeline_name="search")["pipelines"][0]["name"]
            == "search"
        )

    def test_kwargs_component_round_trips(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(
            EchoParams(ratio=0.25, flag=True, tags=["a", "b"], nested={"k": [1, {"x": None}]}), "Echo", ["Query"]
        )
        path = tmp_path / "echo.yml"
        p.save(path)
        loaded = Pipeline.load(path)
        assert loaded.get_node("Echo").params == {
            "ratio": 0.25,
            "flag": True,
            "tags": ["a", "b"],
            "nested": {"k": [1, {"x": None}]},
        }
        assert loaded.run(query="q")["echo"] == p.run(query="q")["echo"]

    def test_unicode_text_is_written_readably_and_round_trips(self, tmp_path: Path):
        text = "héllo wörld – 東京 \u2028 tab\there\nnew line: 'quoted' \"double\" #hash"
        p = Pipeline()
        p.add_node(AppendText(text=text), "A", ["Query"])
        path = tmp_path / "p.yml"
        p.save(path)
        assert "héllo wörld – 東京" in path.read_text(encoding="utf-8")
        assert Pipeline.load(path).get_node("A").text == text

    def test_next_line_character_round_trips(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(AppendText(text="a\x85b"), "A", ["Query"])
        path = tmp_path / "p.yml"
        p.save(path)
        assert Pipeline.load(path).get_node("A").text == "a\x85b"

    def test_tuple_and_path_params_are_saved_as_lists_and_text(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(EchoParams(pair=(1, 2), where=tmp_path / "data"), "Echo", ["Query"])
        params = p.get_config()["components"][0]["params"]
        assert params == {"pair": [1, 2], "where": str(tmp_path / "data")}


class TestUnsavableParams:
    def test_object_param_names_component_and_param(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(AppendText(text="ok"), "Fine", ["Query"])
        p.add_node(EchoParams(good=1, handle=object()), "Echo", ["Fine"])
        handle = p.get_node("Echo").init_parameters["handle"]
        assert p.get_config()["components"][1]["params"]["handle"] is handle  # kept, as Haystack 1.x does
        path = tmp_path / "p.yml"
        with pytest.raises(
            PipelineConfigError, match=r"component 'Echo' \(EchoParams\) param 'handle': a object has no YAML form"
        ):
            p.save(path)
        assert not path.exists()  # nothing half-written

    def test_nested_unsavable_value_is_found(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(EchoParams(options={"inner": [1, {1, 2}]}), "Echo", ["Query"])
        with pytest.raises(PipelineConfigError, match=r"'Echo' \(EchoParams\) param 'options': a set has no YAML form"):
            p.save(tmp_path / "p.yml")

    def test_unsavable_param_of_a_referenced_component(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(Holder(store=EchoParams(fn=len)), "Holder", ["Query"])
        with pytest.raises(PipelineConfigError, match=r"component 'EchoParams' \(EchoParams\) param 'fn'"):
            p.save(tmp_path / "p.yml")


def test_dump_config_keeps_config_order():
    config = _diamond().get_config()
    text = dump_config(config)
    assert text.startswith("version: '1.0'\ncomponents:\n- name: Router\n")
    assert yaml.safe_load(text) == config
