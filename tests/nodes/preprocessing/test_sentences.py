"""The rule-based sentence splitter: abbreviations, decimals, ellipses, quotes, blank lines; exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hayrick.nodes.preprocessing.sentences import split_passages, split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Smith paid $3.50 for it, i.e. too much. Then he left... He came back!",
            ["Dr. Smith paid $3.50 for it, i.e. too much.", "Then he left...", "He came back!"],
        ),
        (
            "Mr. and Mrs. Jones moved to the U.S. in 2010. They like it. See Fig. 3 for details.",
            ["Mr. and Mrs. Jones moved to the U.S. in 2010.", "They like it.", "See Fig. 3 for details."],
        ),
        (
            'He said "Stop." Then he ran. Is it? Yes! Wait... what? Really?! OK.',
            ['He said "Stop."', "Then he ran.", "Is it?", "Yes!", "Wait... what?", "Really?!", "OK."],
        ),
        (
            "Pi is 3.14159. Version 1.2.3 is out. We meet at 5 p.m. tomorrow. J. R. R. Tolkien wrote it.",
            ["Pi is 3.14159.", "Version 1.2.3 is out.", "We meet at 5 p.m. tomorrow.", "J. R. R. Tolkien wrote it."],
        ),
        (
            "Use tools, e.g. Hammers, etc. The end … Or not.",
            ["Use tools, e.g. Hammers, etc.", "The end …", "Or not."],
        ),
        ("Heading\n\nA paragraph without a dot\n\n\nLast one.", ["Heading", "A paragraph without a dot", "Last one."]),
        ("End of page.\fNext page starts.", ["End of page.", "Next page starts."]),
        (
            "I said no. Then he left. See No. 5 on p. 12, Jan. 3.",
            ["I said no.", "Then he left.", "See No. 5 on p. 12, Jan. 3."],
        ),
        ("", []),
        ("   \n ", []),
        ("no punctuation at all", ["no punctuation at all"]),
    ],
)
def test_examples(text, expected):
    assert sentences(text) == expected


def test_passages_are_blocks_between_blank_lines():
    text = "  First block\nstill first.\n\n \nSecond.\n\n\n\nThird  "
    assert [text[s:e] for s, e in split_passages(text)] == ["First block\nstill first.", "Second.", "Third"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .?!\n\fDr3e.g")), max_size=80))
def test_spans_are_ordered_stripped_and_only_whitespace_lies_between(text):
    spans = split_sentences(text)
    position = 0
    for start, end in spans:
        assert position <= start < end
        assert text[position:start].strip() == ""
        assert text[start:end] == text[start:end].strip()
        position = end
    assert text[position:].strip() == ""
