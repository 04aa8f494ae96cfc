"""FilterRetriever: the documents that pass the filters, whatever the query.

Init and config round trip: test_base.py, with the other sparse retrievers.
"""

from __future__ import annotations

import pytest

from hayrick import Pipeline
from hayrick.nodes import FilterRetriever
from tests.nodes.retrievers.reviews import review_store


@pytest.fixture()
def store():
    return review_store()


def test_filter_retriever_ignores_the_query(store):
    retriever = FilterRetriever(document_store=store)
    assert len(retriever.retrieve("anything", filters={"item_id": ["B1"]})) == 2
    assert len(retriever.retrieve("anything", top_k=1)) == 1
    assert len(retriever.retrieve("anything")) == 4


def test_in_a_pipeline_filters_come_from_params(store):
    p = Pipeline()
    p.add_node(FilterRetriever(document_store=store), "Retriever", ["Query"])
    result = p.run(query="ignored", params={"filters": {"item_id": ["B1"]}})
    assert sorted(d.meta["split"] for d in result["documents"]) == ["test", "train"]
    assert len(p.run(query="ignored", params={"Retriever": {"top_k": 3}})["documents"]) == 3
