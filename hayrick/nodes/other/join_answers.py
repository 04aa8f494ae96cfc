"""The old import path of `JoinAnswers`, which now lives in `hayrick.nodes.joiners.join_answers`."""

from hayrick.nodes.joiners.join_answers import JoinAnswers, answer_key

__all__ = ["JoinAnswers", "answer_key"]
