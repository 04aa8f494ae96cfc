"""Haystack 1.26's PreProcessor tests, with Haystack's inputs and the outputs Haystack gives on them."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from hayrick import Document
from hayrick.nodes.file_converter import PDFToTextConverter
from hayrick.nodes.preprocessing import PreProcessor

SAMPLES = Path(__file__).parent / "haystack_samples"

TEXT = """
This is a sample sentence in paragraph_1. This is a sample sentence in paragraph_1. This is a sample sentence in
paragraph_1. This is a sample sentence in paragraph_1. This is a sample sentence in paragraph_1.\f

This is a sample sentence in paragraph_2. This is a sample sentence in paragraph_2. This is a sample sentence in
paragraph_2. This is a sample sentence in paragraph_2. This is a sample sentence in paragraph_2.

This is a sample sentence in paragraph_3. This is a sample sentence in paragraph_3. This is a sample sentence in
paragraph_3. This is a sample sentence in paragraph_3. This is to trick the test with using an abbreviation\f like Dr.
in the sentence.
"""

HEADLINES = [
    {"headline": "sample sentence in paragraph_1", "start_idx": 11, "level": 0},
    {"headline": "paragraph_1", "start_idx": 198, "level": 1},
    {"headline": "sample sentence in paragraph_2", "start_idx": 223, "level": 0},
    {"headline": "in paragraph_2", "start_idx": 365, "level": 1},
    {"headline": "sample sentence in paragraph_3", "start_idx": 434, "level": 0},
    {"headline": "trick the test", "start_idx": 603, "level": 1},
]
P1, P2, P3 = (f"sample sentence in paragraph_{i}" for i in (1, 2, 3))


def H(headline: str, start_idx: int | None, level: int) -> dict:
    return {"headline": headline, "start_idx": start_idx, "level": level}


def process(document: Document, **settings) -> list[Document]:
    return PreProcessor(**settings).process([document])


@pytest.mark.parametrize(("split_length", "expected"), [(1, 15), (10, 2)])
@pytest.mark.parametrize("extra", [{}, {"language": "ca"}, {"tokenizer_model_folder": "nltk_models/wrong"}])
def test_sentence_split(split_length, expected, extra):
    with pytest.warns(UserWarning) if "tokenizer_model_folder" in extra else _no_warning():
        processor = PreProcessor(
            split_length=split_length, split_overlap=0, split_by="sentence", split_respect_sentence_boundary=False, **extra
        )
    docs = processor.process([Document(content=TEXT)])
    assert len(docs) == expected and [d.meta["_split_id"] for d in docs] == list(range(expected))
    if split_length == 10:
        assert docs[0].content.endswith("paragraph_2.\n\n")


def test_word_split():
    docs = process(Document(TEXT), split_length=10, split_overlap=0, split_by="word", split_respect_sentence_boundary=False)
    assert len(docs) == 11
    assert docs[0].content == "\nThis is a sample sentence in paragraph_1. This is a"
    assert docs[3].content == "sample sentence in paragraph_1.\f\n\nThis is a sample sentence in paragraph_2."
    assert docs[-1].content == "using an abbreviation\flike Dr.\nin the sentence."
    docs = process(Document(TEXT), split_length=15, split_overlap=0, split_by="word", split_respect_sentence_boundary=True)
    assert len(docs) == 8 and len(docs[0].content.split()) == 14
    assert all(len(d.content.split()) <= 15 or d.content.startswith("This is to trick") for d in docs)
    assert len(process(Document(TEXT), split_length=40, split_overlap=10, split_by="word")) == 5
    assert len(process(Document(TEXT), split_length=5, split_overlap=0, split_by="word")) == 15


PAGES = "This is a document on page 1.\fThis is a document on page 2.\fThis is a document on page 3."


def test_page_split():
    settings = {"split_by": "page", "split_respect_sentence_boundary": False, "add_page_number": True}
    docs = PreProcessor(split_length=1, split_overlap=0, **settings).run([Document(PAGES)])[0]["documents"]
    assert docs == [
        Document(content=f"This is a document on page {i + 1}.", meta={"_split_id": i, "page": i + 1}) for i in range(3)
    ]
    docs = PreProcessor(split_length=2, split_overlap=0, **settings).run([Document(PAGES)])[0]["documents"]
    assert docs == [
        Document(content="This is a document on page 1.\fThis is a document on page 2.", meta={"_split_id": 0, "page": 1}),
        Document(content="This is a document on page 3.", meta={"_split_id": 1, "page": 3}),
    ]
    docs = PreProcessor(split_length=2, split_overlap=1, **settings).run([Document(PAGES)])[0]["documents"]
    assert [d.content for d in docs] == [
        "This is a document on page 1.\fThis is a document on page 2.",
        "This is a document on page 2.\fThis is a document on page 3.",
    ]
    assert [(d.meta["_split_id"], d.meta["page"]) for d in docs] == [(0, 1), (1, 2)]
    assert docs[0].meta["_split_overlap"] == [{"doc_id": docs[1].id, "range": (30, 58)}]
    assert docs[1].meta["_split_overlap"] == [{"doc_id": docs[0].id, "range": (0, 28)}]
    empty = "This is a document on page 1.\f\fThis is a document on page 3.\f\fThis is a document on page 5."
    docs = PreProcessor(split_length=1, split_overlap=0, **settings).run([Document(empty)])[0]["documents"]
    assert [(d.content[-2], d.meta) for d in docs] == [("1", {"_split_id": 0, "page": 1}),
                                                       ("3", {"_split_id": 1, "page": 3}),
                                                       ("5", {"_split_id": 2, "page": 5})]  # fmt: skip


class TwoCharTokenizer:
    """A stand-in for a Hugging Face fast tokenizer whose tokens are 2 characters (Haystack's test mock)."""

    def __call__(self, text, return_offsets_mapping=False, add_special_tokens=True):
        return {"offset_mapping": [(i, min(len(text), i + 2)) for i in range(0, len(text), 2)]}

    def convert_ids_to_tokens(self, ids):
        return ids

    def tokenize(self, text):
        return [text[i : i + 2] for i in range(0, len(text), 2)]


RAW = [
    "This is a document. It has two sentences and eleven words.",
    "This is a document with a long sentence (longer than my split length), it has seventeen words.",
]


def test_token_split_with_a_hugging_face_tokenizer():
    tokenizer = TwoCharTokenizer()
    settings = {"split_length": 10, "split_overlap": 0, "split_by": "token", "tokenizer": tokenizer}
    docs = PreProcessor(split_respect_sentence_boundary=False, **settings).process([Document(t) for t in RAW])
    assert [d.content for d in docs] == [
        "This is a document. ", "It has two sentences", " and eleven words.", "This is a document w",
        "ith a long sentence ", "(longer than my spli", "t length), it has se", "venteen words.",
    ]  # fmt: skip
    assert all(len(tokenizer.tokenize(d.content)) <= 10 for d in docs)
    docs = PreProcessor(split_respect_sentence_boundary=True, **settings).process([Document(t) for t in RAW])
    assert [d.content for d in docs] == ["This is a document. ", "It has two sentences and eleven words.", RAW[1]]


def test_token_split_with_a_real_tokenizer(tmp_path):
    transformers = pytest.importorskip("transformers")
    tokenizers = pytest.importorskip("tokenizers")
    words = sorted({w for t in RAW for w in t.replace(".", " .").replace(",", " ,").split()})
    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", *words, "(", ")"])}
    model = tokenizers.models.WordLevel(vocab=vocab, unk_token="[UNK]")
    backend = tokenizers.Tokenizer(model)
    backend.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]")
    tokenizer.save_pretrained(tmp_path)
    by_object = PreProcessor(split_by="token", split_length=5, split_respect_sentence_boundary=False, tokenizer=tokenizer)
    by_name = PreProcessor(split_by="token", split_length=5, split_respect_sentence_boundary=False, tokenizer=str(tmp_path))
    docs = by_object.process([Document(RAW[0])])
    assert [d.content for d in docs] == ["This is a document. ", "It has two sentences and ", "eleven words."]
    assert by_name.process([Document(RAW[0])]) == docs
    missing = str(tmp_path / "no-such-tokenizer")  # a folder that is not there: no hub lookup
    with pytest.raises(ValueError, match=r"Could not load tokenizer '.*no-such-tokenizer'"):
        PreProcessor(split_by="token", split_respect_sentence_boundary=False, tokenizer=missing).process(
            [Document(RAW[0])]
        )
    with pytest.raises(ValueError, match=r"Unsupported tokenizer specification"):
        PreProcessor(split_by="token", tokenizer=42).process([Document(RAW[0])])


@pytest.mark.parametrize(("split_length", "expected"), [(1, 3), (2, 2)])
def test_passage_split(split_length, expected):
    docs = process(Document(TEXT), split_length=split_length, split_overlap=0, split_by="passage",
                   split_respect_sentence_boundary=False)  # fmt: skip
    assert len(docs) == expected
    if split_length == 1:
        assert docs[0].content.endswith("paragraph_1.\f") and docs[2].content.endswith("in the sentence.")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_clean_header_footer():
    document = PDFToTextConverter().convert(file_path=SAMPLES / "pdf" / "sample_pdf_2.pdf")
    docs = PreProcessor(clean_header_footer=True, split_by=None).process(document)
    assert len(docs) == 1 and "This is a header." not in docs[0].content and "footer" not in docs[0].content


def test_remove_substrings():
    document = Document("This is a header. Some additional text. wiki. Some emoji ✨ 🪲 Weird whitespace\b\b\b.")
    docs = PreProcessor(remove_substrings=["This is a header.", "wiki", "🪲"]).process([document])
    assert docs[0].content == " Some additional text. . Some emoji ✨  Weird whitespace\b\b\b."  # removed after cleaning


def test_id_hash_keys_from_pipeline_params():
    d1 = Document("This is a document.", meta={"key": "a"})
    d2 = Document("This is a document.", meta={"key": "b"})
    assert d1.id == d2.id == "cb2ceaab85db9f1bb99b7f466f947370"
    result, _ = PreProcessor(split_length=2, split_respect_sentence_boundary=False).run(
        documents=[d1, d2], id_hash_keys=["content", "meta"]
    )
    documents = result["documents"]
    assert len(documents) == 4 and len({d.id for d in documents}) == 4
    assert [d.content for d in documents] == ["This is", "a document.", "This is", "a document."]
    assert documents[0].id == "ec1bc98cf71c333fd19f61ebebd033f3"  # the hash of ":This is:{'key': 'a'}", as Haystack's


@pytest.mark.parametrize(
    ("split_length", "overlap", "respect", "first_on_page_2", "count"),
    [(10, 0, True, 5, 15), (10, 0, False, 4, 11), (10, 5, True, 5, 15), (10, 5, False, 7, 21)],
)
def test_page_number_extraction(split_length, overlap, respect, first_on_page_2, count):
    docs = process(Document(TEXT), add_page_number=True, split_by="word", split_length=split_length,
                   split_overlap=overlap, split_respect_sentence_boundary=respect)  # fmt: skip
    assert len(docs) == count
    assert [d.meta["page"] for d in docs] == [1] * first_on_page_2 + [2] * (count - first_on_page_2)
    if (overlap, respect) == (5, False):
        assert docs[0].meta["_split_overlap"] == [{"doc_id": docs[1].id, "range": (27, 51)}]
        assert docs[1].content == "in paragraph_1. This is a sample sentence in paragraph_1. This"


def test_page_number_extraction_on_empty_pages():
    docs = process(Document("This is a text on page one.\f\fThis is a text on page three."),
                   add_page_number=True, split_by="word", split_length=7, split_overlap=0)  # fmt: skip
    assert [d.meta["page"] for d in docs] == [1, 3]
    assert docs[0].content == "This is a text on page one.\f\f"
    assert docs[1].content.strip() == "This is a text on page three."


HEADLINE_CASES = {
    "word": ({"split_length": 30, "split_overlap": 0, "split_by": "word"}, [
        [H(P1, 11, 0)],
        [H(P1, None, 0), H("paragraph_1", 19, 1), H(P2, 44, 0), H("in paragraph_2", 186, 1)],
        [H(P2, None, 0), H("in paragraph_2", None, 1), H(P3, 53, 0)],
        [H(P3, None, 0), H("trick the test", 36, 1)],
    ]),
    "word_overlap": ({"split_length": 30, "split_overlap": 10, "split_by": "word"}, [
        [H(P1, 11, 0)],
        [H(P1, None, 0), H("paragraph_1", 71, 1), H(P2, 96, 0)],
        [H(P2, None, 0), H("in paragraph_2", 110, 1), H(P3, 179, 0)],
        [H(P2, None, 0), H("in paragraph_2", None, 1), H(P3, 53, 0)],
        [H(P3, None, 0), H("trick the test", 95, 1)],
    ]),
    "word_sentence_boundary": ({"split_length": 30, "split_overlap": 5, "split_by": "word",
                                "split_respect_sentence_boundary": True}, [
        [H(P1, 11, 0)],
        [H(P1, None, 0), H("paragraph_1", 71, 1), H(P2, 96, 0)],
        [H(P2, None, 0), H("in paragraph_2", 110, 1)],
        [H(P2, None, 0), H("in paragraph_2", None, 1), H(P3, 53, 0)],
        [H(P3, None, 0), H("trick the test", 95, 1)],
    ]),
    "sentence": ({"split_length": 5, "split_overlap": 0, "split_by": "sentence"}, [
        [H(P1, 11, 0), H("paragraph_1", 198, 1)],
        [H(P1, None, 0), H("paragraph_1", None, 1), H(P2, 10, 0), H("in paragraph_2", 152, 1)],
        [H(P2, None, 0), H("in paragraph_2", None, 1), H(P3, 10, 0), H("trick the test", 179, 1)],
    ]),
    "sentence_overlap": ({"split_length": 5, "split_overlap": 1, "split_by": "sentence"}, [
        [H(P1, 11, 0), H("paragraph_1", 198, 1)],
        [H(P1, None, 0), H("paragraph_1", 29, 1), H(P2, 54, 0), H("in paragraph_2", 196, 1)],
        [H(P2, None, 0), H("in paragraph_2", 26, 1), H(P3, 95, 0)],
        [H(P3, None, 0), H("trick the test", 95, 1)],
    ]),
    "passage": ({"split_length": 1, "split_overlap": 0, "split_by": "passage"}, [
        [H(P1, 11, 0), H("paragraph_1", 198, 1)],
        [H(P1, None, 0), H("paragraph_1", None, 1), H(P2, 10, 0), H("in paragraph_2", 152, 1)],
        [H(P2, None, 0), H("in paragraph_2", None, 1), H(P3, 10, 0), H("trick the test", 179, 1)],
    ]),
    "passage_overlap": ({"split_length": 2, "split_overlap": 1, "split_by": "passage"}, [
        [H(P1, 11, 0), H("paragraph_1", 198, 1), H(P2, 223, 0), H("in paragraph_2", 365, 1)],
        [H(P1, None, 0), H("paragraph_1", None, 1), H(P2, 10, 0), H("in paragraph_2", 152, 1), H(P3, 221, 0),
         H("trick the test", 390, 1)],
    ]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(HEADLINE_CASES))
def test_headline_processing(case):
    settings, expected = HEADLINE_CASES[case]
    settings = {"split_respect_sentence_boundary": False, **settings}
    docs = PreProcessor(**settings).process([Document(content=TEXT, meta={"headlines": HEADLINES})])
    assert [d.meta["headlines"] for d in docs] == expected
    for doc in docs:
        for headline in doc.meta["headlines"]:
            if headline["start_idx"] is not None:
                start = headline["start_idx"]
                assert headline["headline"].startswith(doc.content[start : start + len(headline["headline"])])


def test_very_long_document(caplog):
    processor = PreProcessor(clean_empty_lines=False, clean_header_footer=False, clean_whitespace=False, split_by=None,
                             max_chars_check=10)  # fmt: skip
    with caplog.at_level(logging.WARNING):
        results = processor.process([Document(content=str(i) + "." * i) for i in range(0, 30, 3)])
    assert [d.content for d in results] == [
        "0", "3...", "6......", "9.........", "12........", "....", "15........", ".......", "18........",
        "..........", "21........", "..........", "...", "24........", "..........", "......", "27........",
        "..........", ".........",
    ]  # fmt: skip
    assert "characters long after preprocessing, where the maximum length should be 10." in caplog.text


def test_sentence_overlap_is_not_repeated_and_recorded():
    text = ("This is a test sentence with many many words that exceeds the split length and should not be repeated. "
            "This is another test sentence. (This is a third test sentence.) This is the last test sentence.")  # fmt: skip
    processor = PreProcessor(split_length=13, split_overlap=3, split_by="word", split_respect_sentence_boundary=True)
    docs = processor.process([Document(text)])
    assert len(docs) == 3
    assert docs[0].content == (
        "This is a test sentence with many many words that exceeds the split length and should not be repeated. "
    )
    assert all("This is a test sentence with many many words" not in d.content for d in docs[1:])
    four = text.replace("This is the last", "This is the fourth sentence. This is the last")
    docs = processor.process([Document(four)])
    assert len(docs) == 4
    overlaps = [d.meta["_split_overlap"] for d in docs]
    assert [len(o) for o in overlaps] == [0, 1, 2, 1]
    assert overlaps[1][0]["doc_id"] == docs[2].id and overlaps[2][0]["doc_id"] == docs[1].id
    assert overlaps[2][1]["doc_id"] == docs[3].id and overlaps[3][0]["doc_id"] == docs[2].id
    assert [o["range"] for o in overlaps[1] + overlaps[2] + overlaps[3]] == [(31, 63), (0, 32), (33, 61), (0, 28)]
    for a, b in ((1, 2), (2, 3)):
        ra = next(o["range"] for o in overlaps[a] if o["doc_id"] == docs[b].id)
        rb = next(o["range"] for o in overlaps[b] if o["doc_id"] == docs[a].id)
        assert docs[a].content[ra[0] : ra[1]] == docs[b].content[rb[0] : rb[1]]
    assert [d.id for d in docs] == ["c3ab3596358f680538fc3118bb309a85", "f92b00b6c3de69b850559a61115a40b6",
                                    "6fad6a890a58ef78bc052c760d4cace2", "a6709309740901089079a424fb3ae408"]  # fmt: skip


def test_one_document_is_deprecated_but_processed():
    with pytest.warns(DeprecationWarning, match=r"list of documents"):
        docs = PreProcessor(split_length=2, split_respect_sentence_boundary=False).process(Document("a b c"))
    assert [d.content for d in docs] == ["a b", "c"]


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
