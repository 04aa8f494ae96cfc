"""YAML texts, configs and pipelines that the config tests share."""

from __future__ import annotations

import textwrap

from hayrick import Pipeline
from tests.sample_nodes import (
    AppendText,
    KeywordDocuments,
    MergeDocuments,
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
