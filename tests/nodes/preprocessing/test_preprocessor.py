"""PreProcessor: init checks, cleaning, every split mode, split meta and offsets, joins, batches, YAML."""

from __future__ import annotations

import itertools
import logging
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError
from hayrick.nodes.preprocessing import PreProcessor
from tests.sample_nodes import KeywordDocuments

TEXT = (
    "Berlin is the capital of Germany. It has 3.7 million inhabitants, e.g. more than Hamburg. "
    "Dr. Müller lives there.\n\n"
    "Paris is the capital of France. The Seine flows through it.\n\n"
    "Rome is the capital of Italy. It is old... Very old!"
)


def words(text: str) -> int:
    return len(text.split())


def assert_in_order(source: str, splits: list[Document]) -> None:
    """Each split is a piece of `source`, and they come in the order of the text."""
    cursor = 0
    for split in splits:
        found = source.find(split.content, cursor)
        assert found >= 0, split.content
        cursor = found


def test_default_init():
    processor = PreProcessor()
    assert (processor.split_by, processor.split_length, processor.split_overlap) == ("word", 200, 0)
    assert processor.clean_whitespace and processor.clean_empty_lines and not processor.clean_header_footer
    assert processor.split_respect_sentence_boundary and processor.max_chars_check == 10_000
    assert processor.remove_substrings == [] and not processor.add_page_number
    assert processor.tokenizer == "tiktoken" and processor.language == "en"
    assert processor.init_parameters == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"split_overlap": 10, "split_length": 10}, r"split_overlap \(10\) must be smaller than split_length \(10\)"),
        ({"split_by": "paragraph"}, r"split_by must be one of 'token', 'word', 'sentence', 'passage', 'page' or None.*'paragraph'"),
        ({"split_length": 0}, r"split_length must be a positive int, got 0"),
        ({"split_length": True}, r"split_length must be a positive int, got True"),
        ({"split_overlap": -1}, r"split_overlap must be an int >= 0"),
        ({"remove_substrings": "footer"}, r"remove_substrings must be a list of strings.*\['footer'\]"),
        ({"max_chars_check": 0}, r"max_chars_check must be a positive int"),
        ({"split_lenght": 10}, r"unexpected keyword argument 'split_lenght'"),
        ({"language": 7}, r"language must be an ISO 639-1 code"),
    ],
)
def test_invalid_init(kwargs, message):
    with pytest.raises(ComponentError, match=message):
        PreProcessor(**kwargs)


def test_invalid_run_time_settings_are_value_errors():
    with pytest.raises(ValueError, match=r"split_overlap \(5\) must be smaller than split_length \(3\)"):
        PreProcessor(split_overlap=5).process([Document("a b c")], split_length=3)


def test_clean_whitespace_empty_lines_and_substrings():
    doc = Document("  Hello   world  \n\n\n\n  second line \fpage two  \n", meta={"k": 1})
    cleaned = PreProcessor(remove_substrings=["world"]).clean(doc)
    assert cleaned.content == "Hello   \n\nsecond line\fpage two"  # the substring goes last, as in Haystack 1.x
    assert cleaned.id == doc.id and cleaned.meta == {"k": 1}
    assert doc.content.startswith("  Hello")  # the input is not changed
    untouched = PreProcessor(clean_whitespace=False, clean_empty_lines=False).clean(doc)
    assert untouched is doc


def test_clean_header_footer_on_pages():
    bodies = [
        "Sales rose in spring.",
        "Costs fell a little.",
        "We hired ten people.",
        "Rain hurt sales.",
        "Outlook: good.",
    ]
    pages = [f"ACME Corp Annual Report 2023\n{body}\nConfidential - do not distribute further" for body in bodies]
    doc = Document("\f".join(pages))
    cleaned = PreProcessor(clean_header_footer=True, split_by=None).process([doc])[0]
    assert "ACME Corp" not in cleaned.content and "Confidential" not in cleaned.content
    assert cleaned.content.split("\f") == bodies
    # two pages only: no header search (one page shares everything with itself)
    short = Document("\f".join(pages[:2]))
    assert "ACME Corp" in PreProcessor(clean_header_footer=True, split_by=None).process([short])[0].content


def test_split_by_word_respects_sentences_and_length():
    splits = PreProcessor(split_length=20).process([Document(TEXT)])
    assert len(splits) > 1
    assert all(words(s.content) <= 20 for s in splits)
    assert all(re.search(r"[.!]\s*$", s.content) for s in splits)  # each split ends at a sentence end
    assert "".join(s.content for s in splits) == TEXT  # nothing lost, nothing repeated, whitespace kept
    assert [s.meta["_split_id"] for s in splits] == list(range(len(splits)))


def test_split_by_word_with_sentence_overlap():
    splits = PreProcessor(split_length=20, split_overlap=8).process([Document(TEXT)])
    assert_in_order(TEXT, splits)
    for left, right in itertools.pairwise(splits):
        shared = [o for o in left.meta["_split_overlap"] if o["doc_id"] == right.id]
        back = [o for o in right.meta["_split_overlap"] if o["doc_id"] == left.id]
        assert len(shared) == len(back) == 1  # whole sentences are shared with each neighbour
        (a, b), (c, d) = shared[0]["range"], back[0]["range"]
        assert left.content[a:b] == right.content[c:d] and c == 0


def test_split_by_word_without_sentence_boundary():
    doc = Document("one two three four five six seven eight nine ten")
    splits = PreProcessor(split_length=4, split_overlap=1, split_respect_sentence_boundary=False).process([doc])
    assert [s.content for s in splits] == ["one two three four", "four five six seven", "seven eight nine ten"]
    assert splits[1].meta["_split_overlap"] == [
        {"doc_id": splits[0].id, "range": (0, 3)},  # Haystack's ranges leave out the last character
        {"doc_id": splits[2].id, "range": (14, 18)},
    ]


def test_split_by_sentence_and_passage():
    sentences = PreProcessor(split_by="sentence", split_length=2, split_overlap=1).process([Document(TEXT)])
    assert (
        sentences[0].content
        == "Berlin is the capital of Germany. It has 3.7 million inhabitants, e.g. more than Hamburg. "
    )
    assert sentences[1].content.startswith("It has 3.7 million")
    passages = PreProcessor(split_by="passage", split_length=1).process([Document(TEXT)])
    assert [p.content.split()[0] for p in passages] == ["Berlin", "Paris", "Rome"]
    assert "\n\n".join(p.content for p in passages) == TEXT
    for splits in (sentences, passages):
        assert_in_order(TEXT, splits)


def test_split_meta_copies_source_meta_and_names_the_source():
    source = Document(TEXT, meta={"name": "capitals.txt", "tags": ["geo"]})
    splits = PreProcessor(split_by="passage", split_length=1).process([source])
    for index, split in enumerate(splits):
        assert split.meta == {"name": "capitals.txt", "tags": ["geo"], "_split_id": index}
    splits[0].meta["tags"].append("changed")
    assert source.meta["tags"] == ["geo"]


def test_split_by_none_only_cleans():
    docs = PreProcessor(split_by=None).process([Document(" a \n\n\n b ")])
    assert [d.content for d in docs] == ["a\n\nb"] and "_split_id" not in docs[0].meta


def test_page_numbers():
    doc = Document("Page one text.\fPage two text.\fPage three text.")
    splits = PreProcessor(split_by="sentence", split_length=1, add_page_number=True).process([doc])
    assert [s.meta["page"] for s in splits] == [1, 2, 3]
    pages = PreProcessor(split_by="page", split_length=1, add_page_number=True).process([doc])
    assert [(s.content, s.meta["page"]) for s in pages] == [
        ("Page one text.", 1), ("Page two text.", 2), ("Page three text.", 3)
    ]  # fmt: skip


def test_max_chars_check_cuts_long_splits_with_a_warning(caplog):
    doc = Document("x" * 25)
    with caplog.at_level(logging.WARNING):
        splits = PreProcessor(max_chars_check=10).process([doc])
    assert [s.content for s in splits] == ["x" * 10, "x" * 10, "x" * 5]
    assert splits[0].id == Document("x" * 25).id and splits[1].id == Document("x" * 10, id_hash_keys=["content"]).id  # as Haystack
    assert "where the maximum length should be 10" in caplog.text


def test_headlines_follow_the_splits():
    text = "Intro\n\nFirst part. More text here.\n\nDetails\n\nDeep text."
    headlines = [
        {"headline": "Intro", "start_idx": 0, "level": 0},
        {"headline": "Details", "start_idx": text.index("Details"), "level": 1},
    ]
    splits = PreProcessor(split_by="passage", split_length=2).process([Document(text, meta={"headlines": headlines})])
    assert splits[0].meta["headlines"] == [{"headline": "Intro", "start_idx": 0, "level": 0}]
    assert splits[1].meta["headlines"] == [
        {"headline": "Intro", "start_idx": None, "level": 0},
        {"headline": "Details", "start_idx": 0, "level": 1},
    ]


def test_dicts_and_non_text_documents():
    splits = PreProcessor(split_length=3, split_respect_sentence_boundary=False).process(
        [{"content": "a b c d", "meta": {"k": 1}}, Document([["h"], ["1"]], content_type="table")]
    )
    assert [s.content for s in splits[:2]] == ["a b c", "d"] and splits[0].meta["k"] == 1
    assert splits[2].content_type == "table"
    with pytest.raises(TypeError, match=r"must be a Document or a dict"):
        PreProcessor().process(["just a string"])


def test_run_run_batch_and_inputs():
    processor = PreProcessor(split_by="passage", split_length=1)
    out, edge = processor.run(documents=[Document(TEXT)])
    assert edge == "output_1" and len(out["documents"]) == 3
    a, b = Document("A one.\n\nA two."), Document("B one.")
    out, _ = processor.run(documents=[Document("ignored")], inputs=[{"documents": [a]}, {"documents": [b, a]}, {}])
    assert [d.content for d in out["documents"]] == ["A one.", "A two.", "B one."]
    batch, _ = processor.run_batch(documents=[[a], [b]])
    assert [[d.content for d in group] for group in batch["documents"]] == [["A one.", "A two."], ["B one."]]
    with pytest.raises(ValueError, match=r"none of its 1 input\(s\) has 'documents' \(they have: query\)"):
        processor.run(inputs=[{"query": "q"}])
    with pytest.raises(ValueError, match=r"needs documents"):
        processor.run()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Dr.", "Smith", "went", "home.", "It", "rained!", "3.5", "e.g.", "U.S.", "Why?"]),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(["word", "sentence", "passage"]),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=11),
    st.booleans(),
)
def test_splits_cover_the_text_in_order_and_overlaps_agree(tokens, split_by, length, overlap, respect):
    overlap = min(overlap, length - 1)
    text = " ".join(tokens).replace("home. It", "home.\n\nIt")
    source = Document(text)
    processor = PreProcessor(
        split_by=split_by,
        split_length=length,
        split_overlap=overlap,
        split_respect_sentence_boundary=respect,
        progress_bar=False,
    )
    assert processor.clean(source).content == text  # cleaning changes nothing here
    splits = processor.process([source])
    assert splits and all(s.content for s in splits)
    assert_in_order(text, splits)
    for i, split in enumerate(splits):  # each recorded overlap names text that a neighbour holds too
        neighbours = splits[max(i - 1, 0) : i] + splits[i + 1 : i + 2]
        for record in split.meta.get("_split_overlap", []):
            a, b = record["range"]
            assert any(
                other.id == record["doc_id"] and split.content[a:b] == other.content[c:d]
                for other in neighbours
                for c, d in (o["range"] for o in other.meta["_split_overlap"] if o["doc_id"] == split.id)
            )


def test_save_load_round_trip():
    processor = PreProcessor(
        split_by="sentence",
        split_length=2,
        split_overlap=1,
        remove_substrings=["Very"],
        add_page_number=True,
        progress_bar=False,
    )
    p = Pipeline()
    p.add_node(processor, "PreProcessor", ["Query"])
    config = p.get_config()
    assert config["components"][0]["params"] == {
        "split_by": "sentence", "split_length": 2, "split_overlap": 1, "remove_substrings": ["Very"],
        "add_page_number": True, "progress_bar": False,
    }  # fmt: skip
    rebuilt = Pipeline.load(config)
    node = rebuilt.get_node("PreProcessor")
    assert isinstance(node, PreProcessor)
    assert (node.split_by, node.split_length, node.split_overlap, node.remove_substrings) == (
        "sentence",
        2,
        1,
        ["Very"],
    )
    docs = [Document(TEXT)]
    assert rebuilt.run(documents=docs)["documents"] == p.run(documents=docs)["documents"]


def test_in_a_pipeline_after_a_retriever_with_params():
    p = Pipeline()
    p.add_node(KeywordDocuments([TEXT, "Madrid is the capital of Spain."]), "Retriever", ["Query"])
    p.add_node(PreProcessor(split_by="passage", split_length=1), "PreProcessor", ["Retriever"])
    result = p.run(query="capital of Italy")
    assert [d.content.split()[0] for d in result["documents"]] == ["Berlin", "Paris", "Rome", "Madrid"]
    result = p.run(query="capital of Italy", params={"PreProcessor": {"split_by": "sentence", "split_length": 1}})
    assert result["documents"][0].content == "Berlin is the capital of Germany. "
