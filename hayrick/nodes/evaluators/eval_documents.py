"""`EvalDocuments`: a node that scores the documents of a retriever (or ranker) query by query.

The book's workflow (Haystack 1.x `haystack.eval.EvalDocuments`):

```python
eval_retriever = EvalDocuments()
p = Pipeline()
p.add_node(component=retriever, name="ESRetriever", inputs=["Query"])
p.add_node(component=eval_retriever, name="EvalRetriever", inputs=["ESRetriever"])
for l in labels_agg:   # MultiLabels from store.get_all_labels_aggregated(aggregate_by_meta=["item_id"])
    p.run(query=l.query, labels=l,
          params={"ESRetriever": {"top_k": 3, "filters": {"item_id": [l.meta["item_id"]], "split": ["test"]}}})
print(f"Recall@3: {eval_retriever.recall:.2f}")
eval_retriever.print()
```

For whole-pipeline metrics at every k from one run, use `Pipeline.eval` instead.
"""

from __future__ import annotations

import logging
from typing import Any

from hayrick._checks import check_bool, check_int, is_int
from hayrick.core import BaseComponent
from hayrick.errors import ComponentError
from hayrick.evaluation.matching import GoldLabels, to_multilabel
from hayrick.evaluation.metrics import average_precision, reciprocal_rank
from hayrick.schema import Document

logger = logging.getLogger(__name__)


class EvalDocuments(BaseComponent):
    """Accumulates recall, MRR and mAP of the documents passing through it, over many `run` calls.

    Place it after a node that outputs `documents`; pass the query's gold labels as
    `pipeline.run(query=..., labels=multilabel)`. The documents and everything else flow on
    unchanged, so a reader may follow it; it adds `correct_retrieval` (bool) and
    `retrieved_reciprocal_rank` (float) to the outputs, which `EvalAnswers` reads.

    A document is relevant when a gold answer text occurs in it, ignoring case
    (`open_domain=True`), or when its id is a gold document id (`open_domain=False`). A query
    whose labels are all no-answers counts as correctly retrieved at rank 1 (there is nothing
    to find), as in Haystack 1.x; the `has_answer_*` figures leave such queries out.

    Attributes (updated after every query):
        query_count, has_answer_count, no_answer_count, correct_retrieval_count, has_answer_correct:
            query counts.
        recall: share of queries with a relevant document in the top k (recall@k, single hit).
        mrr (alias mean_reciprocal_rank): mean reciprocal rank of the first relevant document.
        map (alias mean_average_precision): mean average precision.
        has_answer_recall, has_answer_mrr, has_answer_map: the same over answerable queries only.
        top_k_used: the k of the last query.
        log: per query, a dict of what was judged (only with `debug=True`).

    Args:
        top_k: score only the first k documents; None scores all it receives. `run(top_k=...)`
            overrides it per query.
        open_domain: judge relevance by answer text (True) or by document id (False).
        debug: keep a record of each query in `log`.

    Example:
        >>> eval_retriever = EvalDocuments(top_k=3)
        >>> eval_retriever.run(documents=docs, labels=multilabel)
        >>> eval_retriever.recall, eval_retriever.mrr
    """

    outgoing_edges = 1

    def __init__(self, top_k: int | None = None, open_domain: bool = True, debug: bool = False):
        if top_k is not None and not is_int(top_k, 1):
            raise ComponentError(f"EvalDocuments: top_k must be a positive int or None (all documents), got {top_k!r}.")
        for name, value in (("open_domain", open_domain), ("debug", debug)):
            check_bool(value, name, owner="EvalDocuments")
        self.top_k = top_k
        self.open_domain = open_domain
        self.debug = debug
        self.log: list[dict[str, Any]] = []
        self._warned_no_answer = False
        self.init_counts()

    def init_counts(self) -> None:
        """Reset every count and metric (start a new evaluation with the same node)."""
        self.query_count = 0
        self.has_answer_count = 0
        self.no_answer_count = 0
        self.correct_retrieval_count = 0
        self.has_answer_correct = 0
        self.reciprocal_rank_sum = 0.0
        self.has_answer_reciprocal_rank_sum = 0.0
        self.average_precision_sum = 0.0
        self.has_answer_average_precision_sum = 0.0
        self.recall = 0.0
        self.mrr = 0.0
        self.map = 0.0
        self.has_answer_recall = 0.0
        self.has_answer_mrr = 0.0
        self.has_answer_map = 0.0
        self.top_k_used: int | None = None
        self.log = []

    reset = init_counts

    @property
    def mean_reciprocal_rank(self) -> float:
        return self.mrr

    @property
    def mean_average_precision(self) -> float:
        return self.map

    def evaluate(self, documents: list[Document], labels: Any, top_k: int | None = None) -> dict[str, Any]:
        """Judge one query's documents against its labels, update the counts, return the verdict."""
        check_int(top_k, "top_k", owner="EvalDocuments.run", allow_none=True, error=ValueError)
        multilabel = to_multilabel(labels, self.name)
        k = top_k if top_k is not None else self.top_k
        judged = list(documents or [])[:k] if k is not None else list(documents or [])
        self.query_count += 1
        self.top_k_used = k if k is not None else len(judged)
        gold = GoldLabels(multilabel)
        if len(gold) == 0:  # a no-answer question: nothing to retrieve
            self.no_answer_count += 1
            if not self._warned_no_answer:
                self._warned_no_answer = True
                logger.info("EvalDocuments: no-answer labels count as correctly retrieved at rank 1.")
            rr = ap = 1.0
            correct = True
        else:
            self.has_answer_count += 1
            relevant, matched = [], set()
            for doc in judged:
                by_id, by_answer, _ = gold.match_document(doc, with_context=False)
                hits = by_answer if self.open_domain else by_id
                relevant.append(bool(hits))
                matched.update(hits)
            num_relevant = sum(relevant) + len(gold) - len(matched)
            rr = reciprocal_rank(relevant)
            ap = average_precision(relevant, num_relevant)
            correct = any(relevant)
            self.has_answer_correct += int(correct)
            self.has_answer_reciprocal_rank_sum += rr
            self.has_answer_average_precision_sum += ap
            self.has_answer_recall = self.has_answer_correct / self.has_answer_count
            self.has_answer_mrr = self.has_answer_reciprocal_rank_sum / self.has_answer_count
            self.has_answer_map = self.has_answer_average_precision_sum / self.has_answer_count
        self.correct_retrieval_count += int(correct)
        self.reciprocal_rank_sum += rr
        self.average_precision_sum += ap
        self.recall = self.correct_retrieval_count / self.query_count
        self.mrr = self.reciprocal_rank_sum / self.query_count
        self.map = self.average_precision_sum / self.query_count
        verdict = {"correct_retrieval": correct, "retrieved_reciprocal_rank": rr}
        if self.debug:
            self.log.append({"query": multilabel.query, "documents": judged, "labels": multilabel, **verdict})
        return verdict

    def run(self, documents: list[Document], labels: Any, top_k: int | None = None) -> tuple[dict, str]:  # type: ignore[override]
        """Score `documents` against `labels` (a MultiLabel); outputs `correct_retrieval`."""
        return self.evaluate(documents, labels, top_k), "output_1"

    def report(self) -> str:
        """The current figures as readable text (what `print()` shows)."""
        k = self.top_k_used if self.top_k_used is not None else "all"
        lines = [self.name or type(self).__name__, "-----------------"]
        if self.no_answer_count:
            lines += [
                (
                    f"has_answer recall@{k}: {self.has_answer_recall:.4f} "
                    f"({self.has_answer_correct}/{self.has_answer_count})"
                ),
                (
                    f"no_answer recall@{k}:  1.0000 ({self.no_answer_count}/{self.no_answer_count}) "
                    "(no-answer queries always count as correctly retrieved)"
                ),
                f"has_answer mean_reciprocal_rank@{k}: {self.has_answer_mrr:.4f}",
                f"has_answer map@{k}: {self.has_answer_map:.4f}",
            ]
        lines += [
            f"recall@{k}: {self.recall:.4f} ({self.correct_retrieval_count}/{self.query_count})",
            f"mean_reciprocal_rank@{k}: {self.mrr:.4f}",
            f"map@{k}: {self.map:.4f}",
        ]
        return "\n".join(lines)

    def print(self) -> None:
        """Print the figures so far (recall, MRR, mAP and the query counts)."""
        print(self.report())
