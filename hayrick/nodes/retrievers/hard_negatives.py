"""DPR training data with hard negatives mined by BM25, from SQuAD-format data or a SubjQA split.

```python
from hayrick.datasets import write_dpr
from hayrick.nodes.retrievers.hard_negatives import subjqa_to_dpr

samples = subjqa_to_dpr("../shared/datasets/subjqa/electronics/train.csv", num_hard_negatives=8)
write_dpr(samples, "data/dpr/subjqa-train.json")      # DensePassageRetriever.train reads it
```

The samples are in the DPR format (`hayrick.datasets.dpr`). Hard negatives are the passages that
hayrick's BM25 (`InMemoryDocumentStore(use_bm25=True)`) scores highest for the question but
that contain none of its gold answers (case-insensitive, whitespace-normalised substring).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hayrick._checks import check_int
from hayrick.datasets.dpr import contains_answer, dpr_passage, dpr_sample
from hayrick.datasets.squad import read_squad_json, squad_examples_from_dict
from hayrick.datasets.subjqa import subjqa_to_squad
from hayrick.schema import Document


def squad_to_dpr(
    squad: Mapping[str, Any] | str | Path,
    num_hard_negatives: int = 30,
    documents: list[Document] | None = None,
    prefer_same_title: bool = False,
    search_depth: int | None = None,
) -> list[dict[str, Any]]:
    """DPR samples, one per answerable question of a SQuAD-format dict or file.

    Args:
        squad: a SQuAD v1.1/v2.0 dict (such as `subjqa_to_squad` returns) or the path of a file.
            No-answer questions are left out: a DPR sample needs a positive passage.
        num_hard_negatives: at most this many hard negatives per question (fewer where BM25 finds fewer).
        documents: the corpus to mine negatives from, `meta["title"]` as title; default: the paragraphs
            of `squad` (title: their article's title).
        prefer_same_title: take negatives with the question's title first (for SubjQA: other reviews
            of the same product, which is what a per-product filter leaves to tell apart), then fill up
            from the whole corpus.
        search_depth: how many BM25 hits to look through per search (default: 3 x num_hard_negatives + 10).

    Example:
        >>> samples = squad_to_dpr("../shared/datasets/squad/dev-v1.1.json", num_hard_negatives=2)
        >>> sorted(samples[0])
        ['answers', 'hard_negative_ctxs', 'id', 'negative_ctxs', 'positive_ctxs', 'question']
    """
    from hayrick.stores.memory import InMemoryDocumentStore

    check_int(num_hard_negatives, "num_hard_negatives", owner="squad_to_dpr", minimum=0)
    source = "<squad dict>" if isinstance(squad, Mapping) else str(squad)
    data = dict(squad) if isinstance(squad, Mapping) else read_squad_json(squad)
    examples = [e for e in squad_examples_from_dict(data, source=source, answer_mismatch="fix") if e.answers]
    store = InMemoryDocumentStore(use_bm25=True)
    if documents is None:  # every paragraph, those without (answerable) questions too
        documents = [
            Document(content=paragraph["context"], meta={"title": article.get("title") or ""})
            for article in data["data"] for paragraph in article["paragraphs"]
        ]
    store.write_documents(documents, duplicate_documents="skip")
    depth = search_depth or 3 * num_hard_negatives + 10
    samples = []
    for example in examples:
        answers = [a.text for a in example.answers]
        negatives: list[dict[str, Any]] = []
        searches = [{"title": example.title or ""}, None] if prefer_same_title else [None]
        for filters in searches if num_hard_negatives else []:
            for hit in store.query(example.question, filters=filters, top_k=depth):
                if len(negatives) >= num_hard_negatives:
                    break
                if hit.content == example.context or not isinstance(hit.content, str) or contains_answer(hit.content, answers):
                    continue
                if all(n["passage_id"] != hit.id for n in negatives):
                    negatives.append(dpr_passage(hit))
        samples.append(dpr_sample(example, negatives))
    return samples


def subjqa_to_dpr(
    csv_path: str | Path,
    num_hard_negatives: int = 8,
    documents: list[Document] | None = None,
    prefer_same_title: bool = True,
) -> list[dict[str, Any]]:
    """DPR samples from a SubjQA split CSV: its answerable questions (`subjqa_to_squad`), negatives by BM25.

    Titles are product ids (`item_id`); negatives come from other reviews of the same product
    first (`prefer_same_title`), then from all reviews of the split (or of `documents`, given with
    `meta["title"]`).

    Example:
        >>> samples = subjqa_to_dpr("../shared/datasets/subjqa/electronics/train.csv")
    """
    squad = subjqa_to_squad(csv_path, include_no_answer=False)
    return squad_to_dpr(squad, num_hard_negatives=num_hard_negatives, documents=documents,
                        prefer_same_title=prefer_same_title)
