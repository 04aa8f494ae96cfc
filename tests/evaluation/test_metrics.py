"""Metrics: SQuAD answer metrics (the book's cases) and document metrics, checked by hand."""

from __future__ import annotations

import math

import pytest

from hayrick.evaluation.metrics import (
    answer_in_text,
    average_precision,
    document_metrics,
    exact_match,
    f1_score,
    max_over_gold,
    ndcg,
    normalize_answer,
    precision,
    recall_multi_hit,
    recall_single_hit,
    reciprocal_rank,
    squad_em_f1,
)


# ------------------------------------------------------------------------------------ answers
def test_the_books_cases():
    # The book: gold "6000 hours"; the prediction "about 6000 hours" gets EM 0 and F1 0.8 (P=2/3, R=1),
    # "about 6000 dollars" gets F1 0.4 (P=1/3, R=1/2). EM and F1 are symmetric in their arguments.
    assert exact_match("6000 hours", "about 6000 hours") == 0.0
    assert exact_match("about 6000 hours", "6000 hours") == 0.0
    assert f1_score("about 6000 hours", "6000 hours") == pytest.approx(0.8)
    assert f1_score("6000 hours", "about 6000 hours") == pytest.approx(0.8)
    assert f1_score("about 6000 dollars", "6000 hours") == pytest.approx(0.4)


def test_normalisation_lower_case_punctuation_articles_whitespace():
    assert normalize_answer("  The  Quick, brown FOX!  ") == "quick brown fox"
    assert normalize_answer("an apple a day") == "apple day"
    assert normalize_answer("theatre") == "theatre"  # only whole-word articles go
    assert exact_match("The Denver Broncos.", "denver   broncos") == 1.0


def test_empty_gold_answer_is_squad_2_no_answer():
    assert exact_match("", "") == 1.0 and f1_score("", "") == 1.0
    assert exact_match("something", "") == 0.0 and f1_score("something", "") == 0.0
    assert f1_score("", "an answer") == 0.0
    assert f1_score("the", "") == 1.0  # normalises to empty


def test_best_over_several_gold_answers():
    golds = ["Denver Broncos", "the Broncos", "Broncos team"]
    assert max_over_gold(exact_match, "Broncos", golds) == 1.0
    assert max_over_gold(f1_score, "Denver", golds) == pytest.approx(2 / 3)
    assert max_over_gold(f1_score, "x", []) == 0.0
    em, f1 = squad_em_f1(["Broncos", "", "cats"], [golds, [], ["dogs"]])
    assert em == pytest.approx(2 / 3) and f1 == pytest.approx(2 / 3)


def test_f1_counts_repeated_tokens_once_per_occurrence():
    # common tokens: one "go", one "stop" -> P = R = 2/3
    assert f1_score("go go stop", "go stop stop") == pytest.approx(2 / 3)


# ---------------------------------------------------------------------------------- documents
def test_rank_metrics_by_hand():
    relevant = [False, True, False, True]  # relevant at ranks 2 and 4, 3 relevant exist
    assert recall_single_hit(relevant) == 1.0
    assert recall_single_hit([False, False]) == 0.0
    assert precision(relevant) == 0.5
    assert reciprocal_rank(relevant) == 0.5
    assert average_precision(relevant, num_relevant=3) == pytest.approx((1 / 2 + 2 / 4) / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg(relevant, num_relevant=3) == pytest.approx(dcg / idcg)
    assert ndcg([True, False]) == 1.0
    assert recall_multi_hit(1, 2) == 0.5


def test_nothing_to_find_scores_one_and_nothing_found_scores_zero():
    assert document_metrics([False, False], matched_gold=0, num_gold=0) == dict.fromkeys(
        ("recall_single_hit", "recall_multi_hit", "precision", "map", "mrr", "ndcg"), 1.0
    )
    assert set(document_metrics([], matched_gold=0, num_gold=2).values()) == {0.0}
    assert reciprocal_rank([], num_relevant=0) == 1.0 and precision([], num_relevant=0) == 1.0


def test_document_metrics_count_unmatched_gold_as_relevant_missing():
    # 2 gold labels; one retrieved relevant document (rank 2) matches one of them.
    m = document_metrics([False, True, False], matched_gold=1, num_gold=2)
    assert m["recall_single_hit"] == 1.0
    assert m["recall_multi_hit"] == 0.5
    assert m["precision"] == pytest.approx(1 / 3)
    assert m["mrr"] == 0.5
    assert m["map"] == pytest.approx((1 / 2) / 2)  # num_relevant = 1 retrieved + 1 missing
    assert m["ndcg"] == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_invalid_inputs_are_errors():
    with pytest.raises(ValueError, match="num_relevant"):
        average_precision([True, True], num_relevant=1)
    with pytest.raises(ValueError, match="matched_gold"):
        recall_multi_hit(3, 2)


def test_answer_in_text_ignores_case_and_empty_answers():
    assert answer_in_text(["Deep Bass"], "These have deep bass.")
    assert not answer_in_text(["", "treble"], "deep bass")


def test_importing_the_evaluation_package_stays_light():
    import subprocess
    import sys

    heavy = ("torch", "transformers", "sentence_transformers", "pandas", "matplotlib", "sqlalchemy", "scipy")
    code = f"import sys, hayrick.evaluation; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
