"""JoinAnswers: init, errors, config round trip, concatenate and merge, batches, and two answer nodes in a pipeline."""

from __future__ import annotations

import pytest

from hayrick import Answer, Pipeline, Span
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes import BaseComponent
from hayrick.nodes.joiners import JoinAnswers
from hayrick.nodes.joiners.join_answers import answer_key


def answer(text: str, score: float | None, doc: str = "d1", start: int = 0) -> Answer:
    return Answer(answer=text, score=score, document_ids=[doc], offsets_in_document=[Span(start, start + len(text))])


A = [answer("a week", 0.9), answer("ten hours", 0.4, doc="d2")]
B = [answer("a week", 0.6), answer("a week", 0.5, doc="d3"), answer("unknown", None)]


class CannedAnswersForJoinTest(BaseComponent):
    """Answers the same list to every query (stands in for a reader)."""

    outgoing_edges = 1

    def __init__(self, texts: list[str], scores: list[float]):
        self.answers = [Answer(answer=t, score=s) for t, s in zip(texts, scores)]

    def run(self, query: str) -> tuple[dict, str]:
        return {"answers": list(self.answers)}, "output_1"


def test_default_init():
    join = JoinAnswers()
    assert (join.join_mode, join.weights, join.top_k_join, join.sort_by_score) == ("concatenate", None, None, True)
    assert join.init_parameters == {}


def test_invalid_init():
    with pytest.raises(ComponentError, match="join_mode must be one of 'concatenate', 'merge', got 'reciprocal_rank_fusion'"):
        JoinAnswers(join_mode="reciprocal_rank_fusion")
    with pytest.raises(ComponentError, match="weights have no effect with join_mode='concatenate'"):
        JoinAnswers(weights=[1])
    with pytest.raises(ComponentError, match="weights must be a list of non-negative numbers"):
        JoinAnswers(join_mode="merge", weights="1,2")  # type: ignore[arg-type]
    with pytest.raises(ComponentError, match="top_k_join must be a positive int or None"):
        JoinAnswers(top_k_join=1.5)  # type: ignore[arg-type]


def test_concatenate_keeps_each_answer_once_with_its_best_score():
    joined = JoinAnswers().run(inputs=[{"answers": A}, {"answers": B}])[0]["answers"]
    assert [(a.answer, a.document_ids, a.score) for a in joined] == [
        ("a week", ["d1"], 0.9), ("a week", ["d3"], 0.5), ("ten hours", ["d2"], 0.4), ("unknown", ["d1"], None)]
    assert answer_key(A[0]) == answer_key(B[0]) != answer_key(B[1])
    assert [a.answer for a in JoinAnswers(sort_by_score=False, top_k_join=3).join([A, B])] == ["a week", "ten hours", "a week"]
    assert A[0].score == 0.9 and B[0].score == 0.6  # inputs are not changed


def test_merge_is_the_weighted_sum_of_scores():
    joined = JoinAnswers(join_mode="merge", weights=[1, 3]).join([A, B])
    scores = {(a.answer, a.document_ids[0]): a.score for a in joined}
    assert scores == pytest.approx({("a week", "d1"): 0.25 * 0.9 + 0.75 * 0.6, ("a week", "d3"): 0.75 * 0.5,
                                    ("ten hours", "d2"): 0.25 * 0.4, ("unknown", "d1"): None})
    assert [a.answer for a in joined][:2] == ["a week", "a week"] and joined[-1].score is None
    assert len(JoinAnswers(join_mode="merge").join([A, B], top_k_join=2)) == 2
    with pytest.raises(NodeError, match="2 weights for 3 inputs"):
        JoinAnswers(join_mode="merge", weights=[1, 1]).join([A, B, []])


def test_run_batch_joins_per_query():
    out = JoinAnswers(top_k_join=1).run_batch(inputs=[{"answers": [A, []]}, {"answers": [B, B]}])[0]["answers"]
    assert [[a.score for a in answers] for answers in out] == [[0.9], [0.6]]


def pipeline(join: JoinAnswers) -> Pipeline:
    p = Pipeline()
    p.add_node(CannedAnswersForJoinTest(texts=["a week", "two days"], scores=[0.8, 0.3]), "ReaderA", ["Query"])
    p.add_node(CannedAnswersForJoinTest(texts=["a week", "ten hours"], scores=[0.6, 0.7]), "ReaderB", ["Query"])
    p.add_node(join, "Join", ["ReaderA", "ReaderB"])
    return p


def test_config_round_trip():
    config = pipeline(JoinAnswers(join_mode="merge", weights=[1, 1], top_k_join=2, sort_by_score=False)).get_config()
    entry = next(c for c in config["components"] if c["name"] == "Join")
    assert entry["params"] == {"join_mode": "merge", "weights": [1, 1], "top_k_join": 2, "sort_by_score": False}
    loaded = Pipeline.load(config)
    assert isinstance(loaded.get_node("Join"), JoinAnswers) and loaded.get_config() == config


def test_in_a_pipeline():
    p = pipeline(JoinAnswers(join_mode="merge"))
    result = p.run(query="How long does the battery last?", params={"Join": {"top_k_join": 2}})
    assert [(a.answer, a.score) for a in result["answers"]] == [("a week", pytest.approx(0.7)), ("ten hours", pytest.approx(0.35))]
    batch = p.run_batch(queries=["q1", "q2"])
    assert [[a.answer for a in answers] for answers in batch["answers"]] == [["a week", "ten hours", "two days"]] * 2
