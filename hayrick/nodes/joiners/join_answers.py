"""`JoinAnswers`: one ranked list from the answers of several readers or generators."""

from __future__ import annotations

from typing import Any

from hayrick.nodes.joiners.join_documents import JoinNode, _score_key
from hayrick.schema import Answer


def answer_key(answer: Answer) -> tuple[Any, ...]:
    """What makes two answers the same answer: text, type, documents and offsets in them."""
    offsets = tuple((s.start, s.end) for s in answer.offsets_in_document or ())
    return answer.answer, answer.type, tuple(answer.document_ids or ()), offsets


class JoinAnswers(JoinNode):
    """Joins the answers of several nodes (e.g. two readers) into one list, best first.

    Example:
        >>> p = Pipeline()
        >>> p.add_node(retriever, "Retriever", ["Query"])
        >>> p.add_node(FARMReader(model_a), "ReaderA", ["Retriever"])
        >>> p.add_node(FARMReader(model_b), "ReaderB", ["Retriever"])
        >>> p.add_node(JoinAnswers(join_mode="merge", weights=[2, 1], top_k_join=3), "Join", ["ReaderA", "ReaderB"])

    Two answers are the same answer when their text, type, document ids and offsets in the
    documents agree (`answer_key`).

    Join modes:
        - `concatenate`: every answer once, with the best score it got.
        - `merge`: an answer's score is the weighted sum of its scores (a missing score counts 0;
          an answer that comes from one input only gets that input's weight times its score, as in
          Haystack 1.x).

    Args:
        join_mode: `concatenate` or `merge`.
        weights: one per input (normalised to sum 1); default equal. Not with `concatenate`.
        top_k_join: keep at most this many answers (default: all).
        sort_by_score: sort by score, best first (answers without a score last); False keeps the order
            of first appearance.
    """

    join_modes = ("concatenate", "merge")
    key = "answers"

    def __init__(
        self,
        join_mode: str = "concatenate",
        weights: list[float] | None = None,
        top_k_join: int | None = None,
        sort_by_score: bool = True,
    ):
        super().__init__(join_mode=join_mode, weights=weights, top_k_join=top_k_join, sort_by_score=sort_by_score)

    def join(self, results: list[list[Answer]], top_k_join: int | None = None) -> list[Answer]:
        """One list of answers (copies, with the joined score) from several lists."""
        first: dict[tuple[Any, ...], Answer] = {}
        scores: dict[tuple[Any, ...], float | None] = {}
        if self.join_mode == "concatenate":
            for result in results:
                for answer in result:
                    key = answer_key(answer)
                    if key not in first or _score_key(answer.score) > _score_key(scores[key]):
                        first[key] = answer
                        scores[key] = answer.score
        else:
            for result, weight in zip(results, self._weights(len(results))):
                for answer in result:
                    key = answer_key(answer)
                    first.setdefault(key, answer)
                    if answer.score is None:
                        scores.setdefault(key, None)
                    else:
                        scores[key] = (scores.get(key) or 0.0) + answer.score * weight
        joined = [answer.model_copy(update={"score": scores[key]}) for key, answer in first.items()]
        return self._finish(joined, top_k_join, lambda a: a.score)
