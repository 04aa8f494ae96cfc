"""`JoinDocuments`: one ranked list from the documents of several retrievers (hybrid search), and the join base class."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

from hayrick._checks import check_int, is_number
from hayrick.core import BaseComponent
from hayrick.errors import ComponentError, NodeError
from hayrick.schema import Document

#: Haystack 1.x's constant: rank r (0-based) contributes 1 / (61 + r) = 1 / (60 + r + 1).
RRF_K = 61


def _score_key(score: float | None) -> float:
    return float("-inf") if score is None else score


class JoinNode(BaseComponent):
    """Base of the join nodes: checks `join_mode`, `weights` and `top_k_join`; runs one join per query.

    Subclasses set `join_modes` and `key` (the output to join: "documents", "answers") and implement `join`.
    """

    outgoing_edges = 1
    join_modes: tuple[str, ...] = ()
    key: str = ""

    def __init__(
        self,
        join_mode: str = "concatenate",
        weights: list[float] | None = None,
        top_k_join: int | None = None,
        sort_by_score: bool = True,
    ):
        owner = type(self).__name__
        if join_mode not in self.join_modes:
            raise ComponentError(f"{owner}: join_mode must be one of {', '.join(map(repr, self.join_modes))}, got {join_mode!r}.")
        if weights is not None:
            if join_mode == "concatenate":
                raise ComponentError(
                    f"{owner}: weights have no effect with join_mode='concatenate' (it keeps each item's best score); "
                    "leave weights out or use join_mode='merge'."
                )
            if (not isinstance(weights, (list, tuple)) or not weights
                    or not all(is_number(w) and w >= 0 for w in weights)
                    or sum(weights) <= 0):
                raise ComponentError(
                    f"{owner}: weights must be a list of non-negative numbers, one per input, with a positive sum; got {weights!r}."
                )
        check_int(top_k_join, "top_k_join", owner=owner, allow_none=True)
        self.join_mode = join_mode
        self.weights = [float(w) / sum(weights) for w in weights] if weights is not None else None
        self.top_k_join = top_k_join
        self.sort_by_score = sort_by_score

    def _weights(self, n: int) -> list[float]:
        if self.weights is None:
            return [1.0 / n] * n
        if len(self.weights) != n:
            raise NodeError(
                f"{type(self).__name__}: {len(self.weights)} weights for {n} inputs; give one weight per node "
                "in the join's inputs, in their order."
            )
        return self.weights

    def _lists(self, inputs: Sequence[dict[str, Any]]) -> list[Any]:
        if not isinstance(inputs, (list, tuple)) or not inputs:
            raise NodeError(f"{type(self).__name__}: inputs must be a non-empty list of predecessor outputs, got {inputs!r:.80}.")
        lists = []
        for i, item in enumerate(inputs):
            if not isinstance(item, dict) or (self.key not in item and len(inputs) > 1):
                found = sorted(item) if isinstance(item, dict) else type(item).__name__
                raise NodeError(
                    f"{type(self).__name__}: input {i} has no {self.key!r} (it has {found}); every node joined must "
                    f"output {self.key}."
                )
            lists.append(item.get(self.key) or [])  # one input without them: nothing to join, as in Haystack
        return lists

    @abstractmethod
    def join(self, results: list[list[Any]], top_k_join: int | None = None) -> list[Any]:
        """One list from several (one per input, in input order)."""

    def run(  # type: ignore[override]
        self,
        inputs: list[dict[str, Any]] | None = None,
        query: str | None = None,
        file_paths: list[str] | None = None,
        labels: Any = None,
        documents: list[Document] | None = None,
        meta: Any = None,
        answers: list[Any] | None = None,
        top_k_join: int | None = None,
    ) -> tuple[dict, str]:
        """Join the `inputs` (the outputs of the nodes feeding this one, in the order they ran).

        Returns `({key: joined, "labels": inputs[0]["labels"]}, "output_1")`, plus `root_node`
        when the first input has it (as Haystack 1.x). Without `inputs` (a join fed by the root
        alone) the `documents` or `answers` given are joined as the one input.
        """
        if not inputs:
            inputs = [{"query": query, "file_paths": file_paths, "labels": labels, "documents": documents,
                       "meta": meta, "answers": answers}]  # fmt: skip
        joined = self.join(self._lists(inputs), top_k_join)
        return self._output(inputs, joined), "output_1"

    def run_batch(  # type: ignore[override]
        self,
        inputs: list[dict[str, Any]] | None = None,
        queries: list[str] | None = None,
        file_paths: list[Any] | None = None,
        labels: Any = None,
        documents: list[Any] | None = None,
        meta: Any = None,
        params: dict | None = None,
        debug: bool | None = None,
        answers: list[Any] | None = None,
        top_k_join: int | None = None,
    ) -> tuple[dict, str]:
        """Join per query: each input holds one list per query (a flat list is joined as one query)."""
        if not inputs:
            inputs = [{"queries": queries, "file_paths": file_paths, "labels": labels, "documents": documents,
                       "meta": meta, "answers": answers}]  # fmt: skip
        lists = self._lists(inputs)
        nested = [all(isinstance(x, list) for x in result) and len(result) > 0 for result in lists]
        if not any(nested):
            return self._output(inputs, self.join(lists, top_k_join)), "output_1"
        sizes = {len(result) for result, is_nested in zip(lists, nested) if is_nested}
        if not all(nested) or len(sizes) != 1:
            raise NodeError(
                f"{type(self).__name__}.run_batch: the inputs hold different numbers of queries "
                f"({[len(r) for r in lists]}); join the outputs of nodes that ran the same batch."
            )
        n = sizes.pop()
        joined = [self.join([result[q] for result in lists], top_k_join) for q in range(n)]
        return self._output(inputs, joined), "output_1"

    def _output(self, inputs: list[dict[str, Any]], joined: Any) -> dict[str, Any]:
        output = {self.key: joined, "labels": inputs[0].get("labels")}
        if "root_node" in inputs[0]:
            output["root_node"] = inputs[0]["root_node"]
        return output

    def _finish(self, items: list[Any], top_k_join: int | None, score: Callable[[Any], float | None]) -> list[Any]:
        check_int(top_k_join, "top_k_join", owner=type(self).__name__, allow_none=True, error=NodeError)
        if self.sort_by_score:
            items = sorted(items, key=lambda item: _score_key(score(item)), reverse=True)  # stable: ties keep order
        k = top_k_join or self.top_k_join
        return items[:k] if k else items


class JoinDocuments(JoinNode):
    """Joins the documents of several nodes (hybrid search: BM25 and dense retrievers) into one list.

    Example:
        >>> p = Pipeline()
        >>> p.add_node(BM25Retriever(store), "BM25", ["Query"])
        >>> p.add_node(EmbeddingRetriever(store, embedding_model=model), "Dense", ["Query"])
        >>> p.add_node(JoinDocuments(join_mode="reciprocal_rank_fusion"), "Join", ["BM25", "Dense"])
        >>> p.run(query="Is it good for reading?", params={"top_k": 20, "Join": {"top_k_join": 5}})

    Join modes, as Haystack 1.x:
        - `concatenate`: every document once, with the best score it got.
        - `merge`: a document's score is the weighted sum of its scores (a missing score counts 0).
        - `reciprocal_rank_fusion`: a document's score is the sum over inputs of
          `weight * 61 / (61 + rank)` (rank 0-based), so a document ranked first by every input
          scores 1.0 (Haystack 1.x's normalisation).

    Args:
        join_mode: `concatenate`, `merge` or `reciprocal_rank_fusion`.
        weights: one per input (normalised to sum 1); default equal. Not with `concatenate`.
        top_k_join: keep at most this many documents (default: all).
        sort_by_score: sort by the joined score, best first; False keeps the order of first appearance.
    """

    join_modes = ("concatenate", "merge", "reciprocal_rank_fusion")
    key = "documents"

    def __init__(
        self,
        join_mode: str = "concatenate",
        weights: list[float] | None = None,
        top_k_join: int | None = None,
        sort_by_score: bool = True,
    ):
        super().__init__(join_mode=join_mode, weights=weights, top_k_join=top_k_join, sort_by_score=sort_by_score)

    def join(self, results: list[list[Document]], top_k_join: int | None = None) -> list[Document]:
        """One list of documents (copies, with the joined score) from several ranked lists."""
        first: dict[str, Document] = {}
        scores: dict[str, float | None] = {}
        if self.join_mode == "concatenate":
            for result in results:
                for doc in result:
                    if doc.id not in first or _score_key(doc.score) > _score_key(scores[doc.id]):
                        first[doc.id] = doc  # the copy with the best score (keeps its first position)
                        scores[doc.id] = doc.score
        else:
            weights = self._weights(len(results))
            for result, weight in zip(results, weights):
                for rank, doc in enumerate(result):
                    first.setdefault(doc.id, doc)
                    if self.join_mode == "merge":
                        gain = (doc.score or 0.0) * weight
                    else:
                        gain = weight * len(results) / (RRF_K + rank)
                    scores[doc.id] = (scores.get(doc.id) or 0.0) + gain
            if self.join_mode == "reciprocal_rank_fusion":  # first in every input scores 1.0
                scores = {doc_id: score / (len(results) / RRF_K) for doc_id, score in scores.items()}
        joined = [doc.model_copy(update={"score": scores[doc_id]}) for doc_id, doc in first.items()]
        return self._finish(joined, top_k_join, lambda d: d.score)
