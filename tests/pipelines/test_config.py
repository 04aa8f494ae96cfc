"""YAML pipeline configs: loading, saving, several pipelines, references, env overrides, errors.

Tests `hayrick/pipelines/config.py` (and the parts of `Pipeline` and the component
registry it relies on). The random-DAG round-trip property lives in
`test_config_property.py`.
"""

from __future__ import annotations

import io
import textwrap
import types
from pathlib import Path

import pytest
import yaml

from hayrick import BaseComponent, Pipeline
from hayrick.errors import PipelineConfigError, PipelineError
from hayrick.nodes import get_component_class
from hayrick.pipelines import save_pipelines, validate_config
from hayrick.pipelines.config import dump_config
from tests.sample_nodes import (
    AppendText,
    CountFiles,
    EchoParams,
    Holder,
    KeywordDocuments,
    MergeDocuments,
    MetaTagger,
    QuestionRouter,
)

TEXTS = ["red apple pie", "green apple", "a red car", "blue sky"]

QUERY_YAML = textwrap.dedent(
    """\
    version: '1.0'
    components:
    - name: Retriever
      type: KeywordDocuments
      params:
        texts: [red apple pie, green apple, a red car, blue sky]
        top_k: 2
    - name: Suffix
      type: AppendText
      params:
        text: '!'
    pipelines:
    - name: query
      nodes:
      - name: Suffix
        inputs: [Query]
      - name: Retriever
        inputs: [Suffix]
    """
)

TWO_PIPELINES_YAML = textwrap.dedent(
    """\
    version: '1.0'
    components:
    - name: Retriever
      type: KeywordDocuments
      params: {texts: [red apple pie, green apple, a red car, blue sky], top_k: 3}
    - name: Counter
      type: CountFiles
    - name: NeverBuilt
      type: ExplodesOnInit
    pipelines:
    - name: query
      nodes:
      - {name: Retriever, inputs: [Query]}
    - name: indexing
      nodes:
      - {name: Counter, inputs: [File]}
    - name: broken
      nodes:
      - {name: NeverBuilt, inputs: [Query]}
    """
)


def _config(components: list[dict], nodes: list[dict], pipeline_name: str = "query") -> dict:
    return {"version": "1.0", "components": components, "pipelines": [{"name": pipeline_name, "nodes": nodes}]}


def _contents(documents: list) -> list[str]:
    return [d.content for d in documents]


def _diamond() -> Pipeline:
    """Query -> Router -> (questions) Suffix -> Retriever A; (keywords) Retriever B; both -> Merge."""
    p = Pipeline()
    p.add_node(QuestionRouter(), "Router", ["Query"])
    p.add_node(AppendText(text=" red", label="suffix"), "Suffix", ["Router.output_1"])
    p.add_node(KeywordDocuments(texts=TEXTS, top_k=2), "RetrieverA", ["Suffix"])
    p.add_node(KeywordDocuments(texts=["blue sky", "red apple pie"], top_k=1), "RetrieverB", ["Router.output_2"])
    p.add_node(MergeDocuments(), "Merge", ["RetrieverA", "RetrieverB"])
    return p


# ----------------------------------------------------------------------------- 1. loading and saving
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
        # A component built with no arguments has no params key; defaults are not written.
        assert by_name["Router"] == {"name": "Router", "type": "QuestionRouter"}
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


# ----------------------------------------------------------------------------- 2. several pipelines in one file
class TestSeveralPipelines:
    def test_load_and_run_each_by_name(self, tmp_path: Path):
        path = tmp_path / "both.yml"
        path.write_text(TWO_PIPELINES_YAML, encoding="utf-8")
        query = Pipeline.load(path, pipeline_name="query")
        assert query.root_node == "Query"
        assert _contents(query.run(query="red apple")["documents"]) == ["red apple pie", "green apple", "a red car"]
        indexing = Pipeline.load(path, pipeline_name="indexing")
        assert indexing.root_node == "File"
        result = indexing.run(file_paths=["a.txt", "b.txt", "c.pdf"], meta={"source": "test"})
        assert result["file_count"] == 3
        assert result["meta"] == {"source": "test"}
        # Only the components a pipeline uses are built: ExplodesOnInit belongs to 'broken' only.
        assert list(query.components) == ["Retriever"]
        assert list(indexing.components) == ["Counter"]

    def test_the_other_pipeline_does_build_its_components(self):
        with pytest.raises(
            PipelineConfigError, match=r"components\[2\] 'NeverBuilt'.*ExplodesOnInit.__init__ was called"
        ):
            Pipeline.load(TWO_PIPELINES_YAML, pipeline_name="broken")

    def test_without_pipeline_name_lists_the_names(self):
        with pytest.raises(PipelineConfigError, match=r"3 pipelines \(query, indexing, broken\).*pipeline_name="):
            Pipeline.load(TWO_PIPELINES_YAML)

    def test_single_pipeline_needs_no_name(self):
        assert list(Pipeline.load(QUERY_YAML).components) == ["Suffix", "Retriever"]

    def test_unknown_pipeline_name_lists_valid_names(self):
        with pytest.raises(
            PipelineConfigError, match=r"No pipeline named 'serach'.*valid pipeline names: query, indexing, broken"
        ):
            Pipeline.load(TWO_PIPELINES_YAML, pipeline_name="serach")

    def test_save_pipelines_writes_one_file_that_loads_into_both(self, tmp_path: Path):
        store = AppendText(text="~")
        tagger = MetaTagger(tag="shared", store=store)
        q = Pipeline()
        q.add_node(KeywordDocuments(texts=TEXTS, top_k=1), "Retriever", ["Query"])
        q.add_node(Holder(store=store, factor=3), "Holder", ["Retriever"])
        q.add_node(tagger, "Tagger", ["Holder"])
        i = Pipeline()
        i.add_node(CountFiles(), "Counter", ["File"])
        i.add_node(tagger, "Tagger", ["Counter"])
        path = tmp_path / "both.yml"
        save_pipelines({"query": q, "indexing": i}, path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [p["name"] for p in raw["pipelines"]] == ["query", "indexing"]
        # Components shared by both pipelines (a node and a referenced store) are written once.
        names = [c["name"] for c in raw["components"]]
        assert sorted(names) == ["AppendText", "Counter", "Holder", "Retriever", "Tagger"]
        assert [n["name"] for n in raw["pipelines"][1]["nodes"]] == ["Counter", "Tagger"]

        q2 = Pipeline.load(path, pipeline_name="query")
        i2 = Pipeline.load(path, pipeline_name="indexing")
        assert q2.get_config() == q.get_config()
        assert i2.get_config(pipeline_name="indexing") == i.get_config(pipeline_name="indexing")
        assert q2.get_node("Holder").store is q2.get_node("Tagger").store
        result = q2.run(query="red apple")
        assert _contents(result["documents"]) == ["red apple pie"]
        assert (result["held"], result["factor"]) == ("AppendText", 3)
        assert result["meta"] == {"tag": "shared", "held": "AppendText"}
        result = i2.run(file_paths=["x", "y"], meta={"source": "disk"})
        assert result["file_count"] == 2
        assert result["meta"] == {"source": "disk", "tag": "shared", "held": "AppendText"}

    def test_loading_both_pipelines_and_saving_them_again_gives_the_same_file(self, tmp_path: Path):
        store = AppendText(text="~")
        tagger = MetaTagger(tag="shared", store=store)
        q = Pipeline()
        q.add_node(Holder(store=store), "Holder", ["Query"])
        q.add_node(tagger, "Tagger", ["Holder"])
        i = Pipeline()
        i.add_node(CountFiles(), "Counter", ["File"])
        i.add_node(tagger, "Tagger", ["Counter"])
        path, again = tmp_path / "both.yml", tmp_path / "again.yml"
        save_pipelines({"query": q, "indexing": i}, path)
        q2 = Pipeline.load(path, pipeline_name="query")
        i2 = Pipeline.load(path, pipeline_name="indexing")
        save_pipelines({"query": q2, "indexing": i2}, again)
        assert Pipeline.load(again, pipeline_name="indexing").run(file_paths=["x"])["meta"]["tag"] == "shared"
        assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")

    def test_same_node_name_in_two_pipelines_does_not_write_an_unloadable_file(self, tmp_path: Path):
        q = Pipeline()
        q.add_node(AppendText(text="x"), "Step", ["Query"])
        i = Pipeline()
        i.add_node(CountFiles(), "Step", ["File"])
        path = tmp_path / "both.yml"
        try:
            save_pipelines({"query": q, "indexing": i}, path)
        except PipelineConfigError as exc:  # refusing to save, naming the clash, is a fine fix too
            assert "Step" in str(exc)
            return
        assert Pipeline.load(path, pipeline_name="query").run(query="q")["query"] == "qx"
        assert Pipeline.load(path, pipeline_name="indexing").run(file_paths=["a"])["file_count"] == 1


# ----------------------------------------------------------------------------- 3. component references
class TestComponentReferences:
    YAML = textwrap.dedent(
        """\
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
        assert "Store" not in p.components  # a referenced component is not a node
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


# ----------------------------------------------------------------------------- 4. environment overrides
class TestEnvOverrides:
    YAML = textwrap.dedent(
        """\
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


# ----------------------------------------------------------------------------- 5. errors
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
            match=r"nodes\[1\] 'Suffix'.*'Router\.output_3'.*'Router' has 2 outgoing edges: Router\.output_1, Router\.output_2",
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


# ----------------------------------------------------------------------------- 6. short-name collisions
def _module_with(module_name: str, source: str, module: types.ModuleType | None = None) -> types.ModuleType:
    """Run `source` as module `module_name` (as a notebook cell or an imported file would)."""
    module = module or types.ModuleType(module_name)
    module.__dict__.setdefault("BaseComponent", BaseComponent)
    # Trusted literal source from this file, run the way a notebook runs a cell.
    exec(compile(textwrap.dedent(source), f"<{module_name}>", "exec"), module.__dict__)  # noqa: S102
    return module


COLLIDING = """\
    class CfgTestCollidingShout(BaseComponent):
        def __init__(self, suffix: str = "!"):
            self.suffix = suffix

        def run(self, query: str):
            return {{"query": query + self.suffix, "impl": "{impl}"}}, "output_1"
    """


class TestShortNameCollision:
    @pytest.fixture(scope="class")
    def classes(self) -> tuple[type, type]:
        mod_a = _module_with("cfgtest_plugins_a.nodes", COLLIDING.format(impl="a"))
        mod_b = _module_with("cfgtest_plugins_b.nodes", COLLIDING.format(impl="b"))
        return mod_a.CfgTestCollidingShout, mod_b.CfgTestCollidingShout

    def test_short_name_names_both_classes(self, classes):
        config = _config([{"name": "Shout", "type": "CfgTestCollidingShout"}], [{"name": "Shout", "inputs": ["Query"]}])
        with pytest.raises(PipelineConfigError) as info:
            Pipeline.load(config)
        message = str(info.value)
        assert message.startswith("components[0] 'Shout':")
        assert "ambiguous" in message
        assert "cfgtest_plugins_a.nodes.CfgTestCollidingShout" in message
        assert "cfgtest_plugins_b.nodes.CfgTestCollidingShout" in message
        with pytest.raises(PipelineConfigError, match=r"cfgtest_plugins_a\.nodes\.CfgTestCollidingShout"):
            validate_config(config)

    @pytest.mark.parametrize("which", ["a", "b"])
    def test_qualified_name_picks_one(self, classes, which: str):
        cls = classes["ab".index(which)]
        config = _config(
            [
                {
                    "name": "Shout",
                    "type": f"cfgtest_plugins_{which}.nodes.CfgTestCollidingShout",
                    "params": {"suffix": "?"},
                }
            ],
            [{"name": "Shout", "inputs": ["Query"]}],
        )
        validate_config(config)
        p = Pipeline.load(config)
        assert type(p.get_node("Shout")) is cls
        result = p.run(query="hi")
        assert (result["query"], result["impl"]) == ("hi?", which)

    def test_saving_writes_the_qualified_name(self, classes, tmp_path: Path):
        cls_a, cls_b = classes
        p = Pipeline()
        p.add_node(cls_a(suffix="1"), "ShoutA", ["Query"])
        p.add_node(cls_b(suffix="2"), "ShoutB", ["ShoutA"])
        types_written = [c["type"] for c in p.get_config()["components"]]
        assert types_written == [
            "cfgtest_plugins_a.nodes.CfgTestCollidingShout",
            "cfgtest_plugins_b.nodes.CfgTestCollidingShout",
        ]
        path = tmp_path / "p.yml"
        p.save(path)
        loaded = Pipeline.load(path)
        assert [type(c) for c in loaded.components.values()] == [cls_a, cls_b]
        assert loaded.run(query="x")["query"] == "x12"

    def test_same_class_redefined_in_the_same_module_does_not_collide(self):
        cell = """\
            class CfgTestNotebookCell(BaseComponent):
                def run(self, query: str):
                    return {"version": VERSION}, "output_1"
            """
        notebook = types.ModuleType("cfgtest_notebook_main")
        notebook.VERSION = 1
        first = _module_with("cfgtest_notebook_main", cell, notebook).CfgTestNotebookCell
        notebook.VERSION = 2
        second = _module_with("cfgtest_notebook_main", cell, notebook).CfgTestNotebookCell
        assert first is not second
        # The short name still resolves, to the latest definition.
        assert get_component_class("CfgTestNotebookCell") is second
        config = _config([{"name": "Cell", "type": "CfgTestNotebookCell"}], [{"name": "Cell", "inputs": ["Query"]}])
        p = Pipeline.load(config)
        assert type(p.get_node("Cell")) is second
        assert p.run(query="q")["version"] == 2
        p2 = Pipeline()
        p2.add_node(second(), "Cell", ["Query"])
        assert p2.get_config()["components"][0]["type"] == "CfgTestNotebookCell"


# ----------------------------------------------------------------------------- 7. validate_config
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
            PipelineConfigError, match=r"nodes\[1\] 'Tail'.*'Fan' has 2 outgoing edges: Fan\.output_1, Fan\.output_2"
        ):
            validate_config(config)
        with pytest.raises(PipelineConfigError, match=r"'Fan' has 2 outgoing edges"):
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
        with pytest.raises(PipelineConfigError, match=r"unknown input node 'Y'"):
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


# ----------------------------------------------------------------------------- 8. params without a YAML form
class TestUnsavableParams:
    def test_object_param_names_component_and_param(self, tmp_path: Path):
        p = Pipeline()
        p.add_node(AppendText(text="ok"), "Fine", ["Query"])
        p.add_node(EchoParams(good=1, handle=object()), "Echo", ["Fine"])
        with pytest.raises(
            PipelineConfigError, match=r"component 'Echo' \(EchoParams\) param 'handle': a object has no YAML form"
        ):
            p.get_config()
        path = tmp_path / "p.yml"
        with pytest.raises(PipelineConfigError, match=r"'Echo'.*'handle'"):
            p.save(path)
        assert not path.exists()  # nothing half-written

    def test_nested_unsavable_value_is_found(self):
        p = Pipeline()
        p.add_node(EchoParams(options={"inner": [1, {1, 2}]}), "Echo", ["Query"])
        with pytest.raises(PipelineConfigError, match=r"'Echo' \(EchoParams\) param 'options': a set has no YAML form"):
            p.get_config()

    def test_unsavable_param_of_a_referenced_component(self):
        p = Pipeline()
        p.add_node(Holder(store=EchoParams(fn=len)), "Holder", ["Query"])
        with pytest.raises(PipelineConfigError, match=r"component 'EchoParams' \(EchoParams\) param 'fn'"):
            p.get_config()


def test_dump_config_keeps_config_order():
    config = _diamond().get_config()
    text = dump_config(config)
    assert text.startswith("version: '1.0'\ncomponents:\n- name: Router\n")
    assert yaml.safe_load(text) == config
