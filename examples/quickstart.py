"""A first tour of hayrick: build a pipeline with your own nodes, run it, save it to YAML, load it back.

Run: python examples/quickstart.py

The pipeline answers questions about a few product reviews: a decision node sends
questions to a tiny keyword retriever and everything else to a node that lists the
matching product ids. Retrievers, readers and document stores plug into the same
kind of pipeline (see README.md for what is built in).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hayrick import BaseComponent, Document, Pipeline

REVIEWS = [
    Document(content="The battery lasts a week of reading, and the screen is easy on the eyes.",
             meta={"item_id": "B0074BW614"}),
    Document(content="Great for reading books in bed; the backlight is even.", meta={"item_id": "B0074BW614"}),
    Document(content="The bass is weak but the headphones are comfortable.", meta={"item_id": "B00001P4ZH"}),
]


class KeywordRetriever(BaseComponent):
    """Ranks documents by how many query words they contain."""

    def __init__(self, top_k: int = 2):
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        self.top_k = top_k

    def retrieve(self, query: str, documents: list[Document], top_k: int | None = None) -> list[Document]:
        words = {w.strip("?.,!").lower() for w in query.split()}
        scored = []
        for doc in documents:
            hits = sum(w in doc.content.lower() for w in words if len(w) > 3)
            if hits:
                scored.append(Document(content=doc.content, meta=doc.meta, score=float(hits)))
        return sorted(scored, key=lambda d: -d.score)[: top_k or self.top_k]

    def run(self, query: str, documents: list[Document], top_k: int | None = None):
        return {"documents": self.retrieve(query, documents, top_k)}, "output_1"


class IsQuestion(BaseComponent):
    """Decision node: questions to output_1, anything else to output_2."""

    outgoing_edges = 2

    def run(self, query: str):
        return {}, "output_1" if query.strip().endswith("?") else "output_2"


class Products(BaseComponent):
    """Lists the products whose reviews mention the query."""

    def run(self, query: str, documents: list[Document]):
        ids = sorted({d.meta["item_id"] for d in documents if query.lower() in d.content.lower()})
        return {"item_ids": ids}, "output_1"


def main() -> None:
    pipeline = Pipeline()
    pipeline.add_node(component=IsQuestion(), name="Router", inputs=["Query"])
    pipeline.add_node(component=KeywordRetriever(top_k=2), name="Retriever", inputs=["Router.output_1"])
    pipeline.add_node(component=Products(), name="Products", inputs=["Router.output_2"])

    result = pipeline.run(query="Is it good for reading?", documents=REVIEWS, params={"Retriever": {"top_k": 1}})
    print("Q:", result["query"])
    for doc in result["documents"]:
        print(f"   {doc.score:.0f} hit(s)  [{doc.meta['item_id']}] {doc.content}")
    result = pipeline.run(query="bass", documents=REVIEWS)
    print("Products mentioning 'bass':", result["item_ids"])

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reviews.yml"
        pipeline.save(path)
        print(f"\nSaved as YAML ({path.name}):\n{path.read_text()}")
        again = Pipeline.load(path)
        assert again.run(query="bass", documents=REVIEWS)["item_ids"] == ["B00001P4ZH"]
        print("Loaded it back; it gives the same results. Next: docs/custom_nodes.md")


if __name__ == "__main__":
    main()
