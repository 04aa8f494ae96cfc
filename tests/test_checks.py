"""The one set of argument checks (`hayrick/_checks.py`)."""

from __future__ import annotations

import numpy as np
import pytest

from hayrick._checks import check_bool, check_choice, check_int, check_number, int_phrase, is_int, is_number
from hayrick.errors import ComponentError, DocumentStoreError


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_ints_pass(value):
    check_int(value, "top_k")
    assert is_int(value, 1)


@pytest.mark.parametrize("value", [0, -1, True, False, 1.0, "2", None, [1]])
def test_non_ints_and_small_ints_fail_naming_owner_argument_and_value(value):
    with pytest.raises(ComponentError, match=rf"^BM25Retriever: top_k must be a positive int, got {value!r}\.$".replace("[", r"\[")):
        check_int(value, "top_k", owner="BM25Retriever")


def test_minimum_none_and_error_class():
    check_int(0, "doc_stride", minimum=0)
    with pytest.raises(ComponentError, match=r"doc_stride must be an int >= 0, got -1"):
        check_int(-1, "doc_stride", minimum=0)
    check_int(None, "top_k_join", allow_none=True)
    with pytest.raises(ComponentError, match=r"top_k_join must be a positive int or None, got 0"):
        check_int(0, "top_k_join", allow_none=True)
    with pytest.raises(DocumentStoreError, match=r"^batch_size must be a positive int, got 'x'\.$"):
        check_int("x", "batch_size", error=DocumentStoreError)
    assert int_phrase(1) == "a positive int" and int_phrase(-1) == "an int >= -1"


def test_numbers_and_bools():
    check_number(0.5, "no_ans_boost")
    check_number(np.float32(1.5), "no_ans_boost")
    assert is_number(3) and not is_number(True) and not is_number("1")
    with pytest.raises(ComponentError, match=r"no_ans_boost must be a number, got str: 'high'"):
        check_number("high", "no_ans_boost")
    with pytest.raises(ComponentError, match=r"score must be a number, got float: nan"):
        check_number(float("nan"), "score", allow_nan=False)
    check_bool(False, "return_no_answer")
    with pytest.raises(ComponentError, match=r"return_no_answer must be True or False, got 'yes'"):
        check_bool("yes", "return_no_answer")


def test_choices():
    check_choice("cosine", "similarity", ("dot_product", "cosine"))
    with pytest.raises(ComponentError, match=r"similarity must be one of 'dot_product', 'cosine', got 'l1'"):
        check_choice("l1", "similarity", ("dot_product", "cosine"))
    with pytest.raises(ComponentError, match=r"got \['a'\]"):
        check_choice(["a"], "split_by", {"word", "passage"})
