"""Cleaning functions: whitespace, empty lines, substrings, headers and footers of pages."""

from __future__ import annotations

from hayrick.nodes.preprocessing.cleaning import (
    clean_empty_lines,
    clean_whitespace,
    find_longest_common_ngram,
    relocate_headlines,
    remove_header_footer,
    remove_substrings,
)

HEADER = "ACME Corp Annual Report 2023"
FOOTER = "Confidential - do not distribute"


def page(body: str) -> str:
    return f"{HEADER}\n{body}\n{FOOTER}"


def test_whitespace_and_empty_lines_work_page_by_page():
    assert clean_whitespace("  a  \n\t b \f  c ") == "a\nb\fc"
    assert clean_empty_lines("a\n\n\n\nb\f\n\n\nc") == "a\n\nb\f\n\nc"
    assert remove_substrings("a-b-c", ["-", ""]) == "abc"


def test_header_and_footer_are_removed_from_every_page_but_not_from_the_body():
    bodies = [
        "Title page.",
        "Sales rose. The ACME Corp Annual Report 2023 says so.",
        "Costs fell.",
        "We hired staff.",
        "The end.",
    ]
    text = "\f".join(page(b) for b in bodies)
    cleaned = remove_header_footer(text).split("\f")
    assert cleaned == bodies  # the header quoted in the body of page 2 stays


def test_too_few_pages_or_nothing_shared_leaves_the_text_alone():
    text = "\f".join([page("one"), page("two"), page("three")])  # one page left after ignoring first and last
    assert remove_header_footer(text) == text
    assert find_longest_common_ngram(["only one sequence here"]) is None
    assert find_longest_common_ngram(["alpha beta gamma", "delta epsilon zeta"]) is None
    assert find_longest_common_ngram(["x a b c y", "z a b c w"]) == "a b c"


def test_relocate_headlines_after_the_text_changed():
    headlines = [{"headline": "Intro", "start_idx": 4, "level": 0}, {"headline": "Gone", "start_idx": 20, "level": 1}]
    assert relocate_headlines(headlines, "Intro\ntext") == [{"headline": "Intro", "start_idx": 0, "level": 0}]
