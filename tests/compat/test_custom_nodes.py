"""Custom nodes as Haystack 1.x users write them: parameter-only components, store-less retrievers, predict readers.

A class defined again under the same qualified name (a notebook cell run twice) and two modules with
one short name are covered in tests/pipelines/config/test_collisions.py.
"""

from __future__ import annotations

import textwrap

import pytest

from hayrick import BaseComponent, Document, Pipeline
from hayrick.errors import PipelineConfigError
from hayrick.nodes.readers.base import BaseReader
from hayrick.nodes.retrievers.base import BaseRetriever
from hayrick.schema import Answer


class Settings(BaseComponent):
    """Used only as a parameter of other components, as Haystack's `outgoing_edges = 0` components are."""

    outgoing_edges = 0

    def __init__(self, suffix: str = "!"):
        self.suffix = suffix

    def run(self):
        return {}, "output_1"


class UsesSettings(BaseComponent):
    def __init__(self, settings: Settings):
        self.settings = settings

    def run(self, query: str):
        return {"query": query + self.settings.suffix}, "output_1"


class ListRetriever(BaseRetriever):
    """A retriever without a document store: it searches its own list."""

    def __init__(self, texts: list[str], top_k: int = 2):
        super().__init__(top_k=top_k)
        self.texts = texts

    def retrieve(self, query, filters=None, top_k=None, index=None, scale_score=None):
        hits = [t for t in self.texts if any(w in t for w in query.lower().split())]
        return [Document(content=t) for t in hits[: top_k or self.top_k]]


class NoSuperRetriever(BaseRetriever):
    """Never calls super().__init__(), as some Haystack 1.x retrievers do."""

    def __init__(self):
        self.calls = 0

    def retrieve(self, query, filters=None, top_k=None, index=None, scale_score=None):
        self.calls += 1
        return [Document(content=f"about {query}")]


class FirstWordReader(BaseReader):
    """A Haystack 1.x style reader: predict and predict_batch of its own."""

    def __init__(self):
        self.batches = 0

    def predict(self, query, documents, top_k=None):
        answers = [Answer(answer=d.content.split()[0], score=1.0, document_ids=[d.id]) for d in documents]
        return {"query": query, "answers": answers[: top_k or 10]}

    def predict_batch(self, queries, documents, top_k=None, batch_size=None):
        self.batches += 1
        return {"queries": queries, "answers": [self.predict(q, d, top_k)["answers"] for q, d in zip(queries, documents)]}


class PredictOnlyReader(BaseReader):
    """Implements only predict: predict_batch calls it per query."""

    def predict(self, query, documents, top_k=None):
        return {"query": query, "answers": [Answer(answer=query.upper(), score=0.5)]}


def test_a_parameter_only_component_in_python_and_yaml():
    p = Pipeline()
    p.add_node(UsesSettings(settings=Settings(suffix="?")), "Uses", ["Query"])
    assert p.run(query="really")["query"] == "really?"
    config = p.get_config()
    assert config["components"] == [
        {"name": "Settings", "type": "Settings", "params": {"suffix": "?"}},
        {"name": "Uses", "type": "UsesSettings", "params": {"settings": "Settings"}},
    ]
    loaded = Pipeline.load_from_config(config)
    assert loaded.run(query="really")["query"] == "really?"
    assert isinstance(loaded.components["Settings"], Settings)


def test_a_parameter_only_component_as_a_node_is_a_dead_end():
    p = Pipeline()
    p.add_node(Settings(), "Settings", ["Query"])
    with pytest.raises(PipelineConfigError, match="Settings has only 0 outgoing edges"):
        p.add_node(UsesSettings(settings=Settings()), "After", ["Settings"])


def test_retrievers_without_a_document_store_run_in_pipelines():
    retriever = ListRetriever(texts=["long battery life", "great screen", "battery dies fast"])
    assert retriever.document_store is None and retriever.init_parameters == {
        "texts": ["long battery life", "great screen", "battery dies fast"]
    }
    p = Pipeline()
    p.add_node(retriever, "Retriever", ["Query"])
    assert [d.content for d in p.run(query="battery")["documents"]] == ["long battery life", "battery dies fast"]
    assert [len(docs) for docs in p.run_batch(queries=["battery", "screen"])["documents"]] == [2, 1]
    assert Pipeline.load_from_config(p.get_config()).run(query="screen")["documents"][0].content == "great screen"
    bare = NoSuperRetriever()
    assert (bare.document_store, bare.top_k) == (None, 10)
    q = Pipeline()
    q.add_node(bare, "Retriever", ["Query"])
    assert q.run(query="ink")["documents"][0].content == "about ink" and bare.calls == 1


def test_a_reader_with_its_own_predict_runs_in_pipelines():
    docs = [Document(content="Carla lives in Berlin"), Document(content="Paul lives in Rome")]
    reader = FirstWordReader()
    p = Pipeline()
    p.add_node(reader, "Reader", ["Query"])
    assert [a.answer for a in p.run(query="who?", documents=docs)["answers"]] == ["Carla", "Paul"]
    batch = p.run_batch(queries=["who?", "where?"], documents=[docs, docs[:1]])
    assert [[a.answer for a in answers] for answers in batch["answers"]] == [["Carla", "Paul"], ["Carla"]]
    assert reader.batches == 1  # its own predict_batch ran
    only = PredictOnlyReader()
    result = only.predict_batch(["a", "b"], docs)
    assert [[a.answer for a in answers] for answers in result["answers"]] == [["A"], ["B"]]


def test_a_reader_that_answers_nothing_says_what_to_implement():
    class Empty(BaseReader):
        pass

    with pytest.raises(NotImplementedError, match=r"implement _answer\(.*or predict\(query, documents, top_k\)"):
        Empty().predict("q", [Document(content="text")])


def test_yaml_with_a_parameter_only_component(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text(
        textwrap.dedent(
            f"""\
            version: '1.26.4'
            components:
              - {{name: Punctuation, type: {__name__}.Settings, params: {{suffix: '...'}}}}
              - {{name: Uses, type: {__name__}.UsesSettings, params: {{settings: Punctuation}}}}
            pipelines:
              - {{name: query, nodes: [{{name: Uses, inputs: [Query]}}]}}
            """
        )
    )
    p = Pipeline.load_from_yaml(path=path)
    assert p.run(query="well")["query"] == "well..." and list(p.components) == ["Uses", "Punctuation"]


def test_a_dead_end_node_runs_and_nothing_follows_it():
    p = Pipeline()
    p.add_node(Settings(), "Settings", ["Query"])
    assert p.run(query="q")["query"] == "q"  # it returned "output_1", which leads nowhere
    with pytest.raises(PipelineConfigError, match="used as a parameter of others, and nothing can follow it"):
        p.add_node(UsesSettings(settings=Settings()), "After", ["Settings.output_1"])


def test_hayricks_own_retrievers_still_need_a_store():
    from hayrick.errors import ComponentError
    from hayrick.nodes import FilterRetriever, TfidfRetriever

    for cls in (FilterRetriever, TfidfRetriever):
        with pytest.raises(ComponentError, match="document_store must be a document store"):
            cls(document_store=None)


def test_the_newest_class_of_a_module_takes_its_short_name():
    from hayrick import BaseComponent, Pipeline

    def define(tag: str) -> type:
        class SameNameNode(BaseComponent):  # a class defined in a function, as in Haystack's YAML tests
            def run(self, query: str):
                return {"tag": tag}, "output_1"

        return SameNameNode

    define("first")
    define("second")
    yaml = """
version: '1.0'
components:
- name: node
  type: SameNameNode
pipelines:
- name: query
  nodes:
  - name: node
    inputs: [Query]
"""
    assert Pipeline.load(yaml).run(query="q")["tag"] == "second"
