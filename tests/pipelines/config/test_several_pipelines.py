"""Several pipelines in one file: picking one, sharing components, saving them together (`hayrick/pipelines/config.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hayrick import Pipeline
from hayrick.errors import PipelineConfigError
from hayrick.pipelines import save_pipelines
from tests.pipelines.config.helpers import (
    QUERY_YAML,
    TEXTS,
    TWO_PIPELINES_YAML,
    _contents,
)
from tests.sample_nodes import (
    AppendText,
    CountFiles,
    Holder,
    KeywordDocuments,
    MetaTagger,
)


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
