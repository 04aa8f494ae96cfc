"""Haystack 1.26's FileTypeClassifier, join nodes and converters, on the inputs of Haystack's own tests."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from hayrick import BaseComponent, Pipeline
from hayrick.nodes import FileTypeClassifier, JoinAnswers, JoinDocuments
from hayrick.nodes.file_converter import (
    MarkdownConverter,
    PDFToTextConverter,
    TextConverter,
)
from hayrick.nodes.routing.file_type_classifier import (
    DEFAULT_MEDIA_TYPES,
    DEFAULT_TYPES,
)
from hayrick.schema import Answer, Document

SAMPLES = Path(__file__).parent / "haystack_samples"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


# --------------------------------------------------------------------------- FileTypeClassifier
def test_classifier_defaults_route_each_type_to_its_edge(tmp_path):
    classifier = FileTypeClassifier()
    assert classifier.outgoing_edges == 6 and DEFAULT_TYPES[-1] == "media"
    for i, extension in enumerate(DEFAULT_TYPES[:-1]):
        files = [tmp_path / f"test_{n}.{extension}" for n in range(10)]  # not created: the extension says it
        assert classifier.run(files) == ({"file_paths": files}, f"output_{i + 1}")
    with pytest.raises(ValueError):
        classifier.run([tmp_path / f"test.{e}" for e in DEFAULT_TYPES[:-1]])
    with pytest.raises(ValueError, match=r"really_weird_extension"):
        classifier.run(tmp_path / "test.really_weird_extension")


def test_classifier_custom_and_duplicate_types(tmp_path):
    assert FileTypeClassifier(supported_types=["my_extension"]).run(tmp_path / "test.my_extension")[1] == "output_1"
    with pytest.raises(ValueError, match=r"duplicates"):
        FileTypeClassifier(supported_types=["my_extension", "my_extension"])


@pytest.mark.parametrize(
    "types", [["docx", "html", "odt", "pdf", "pptx", "txt"], ["gif", "jpg", "mp3", "png", "wav", "zip"]]
)
def test_classifier_types_files_without_extension_by_content(types):
    classifier = FileTypeClassifier(supported_types=types)
    for i, file_type in enumerate(types):
        path = SAMPLES / "extensionless_files" / f"{file_type}_file"
        assert classifier.run(path) == ({"file_paths": [path]}, f"output_{i + 1}")


def test_classifier_media_with_default_and_media_types(tmp_path):
    default = FileTypeClassifier()
    for name in ("mp3_file", "wav_file"):  # audio without an extension takes the media edge
        assert default.run(SAMPLES / "extensionless_files" / name)[1] == "output_6"
    media = FileTypeClassifier(supported_types=DEFAULT_MEDIA_TYPES)
    for i, extension in enumerate(DEFAULT_MEDIA_TYPES):
        assert media.run(tmp_path / f"test.{extension}")[1] == f"output_{i + 1}"
    with pytest.raises(ValueError, match=r"type 'txt'"):
        media.run(tmp_path / "test.txt")
    wav = tmp_path / "test_wav_no_extension"
    shutil.copy(SAMPLES / "extensionless_files" / "wav_file", wav)
    assert media.run(str(wav)) == ({"file_paths": [wav]}, "output_5")
    with pytest.raises(ValueError, match=r"2 types in one run"):
        media.run_batch([tmp_path / "test.mp3", tmp_path / "test.mp4"])
    same = [tmp_path / f"test-{i}.mp3" for i in range(5)]
    assert media.run_batch(same) == ({"file_paths": same}, "output_1")


@pytest.mark.parametrize("file_type", ["csv", "json", "xml", "pptx", "xlsx"])
def test_classifier_unsupported_types_take_the_dead_end_edge(file_type, tmp_path, caplog):
    path = tmp_path / f"test.{file_type}"
    with caplog.at_level(logging.WARNING):
        assert FileTypeClassifier(raise_on_error=False).run(path) == ({"file_paths": [path]}, "output_dead_end")
    assert f"Unsupported files of type '{file_type}' ({path!s}) found. Unsupported file types will be ignored" in caplog.text


@pytest.mark.parametrize("file_type", ["csv", "xml"])
def test_pipeline_ends_at_the_dead_end_edge(file_type):
    class Converter(BaseComponent):
        def run(self, file_paths):
            return {"documents": [Document("converted")]}, "output_1"

    p = Pipeline()
    p.add_node(FileTypeClassifier(raise_on_error=False), "FileTypeClassifier", ["File"])
    p.add_node(Converter(), "Text", ["FileTypeClassifier.output_1"])
    result = p.run_batch(file_paths=[f"./test.{file_type}"])
    assert result["file_paths"] == [Path(f"./test.{file_type}")] and "documents" not in result
    assert p.run(file_paths=["./test.txt"])["documents"][0].content == "converted"


# --------------------------------------------------------------------------- join nodes
@pytest.mark.parametrize("join_mode", ["concatenate", "merge", "reciprocal_rank_fusion"])
def test_join_documents_as_haystack(join_mode):
    inputs = [{"documents": [Document("text document 1", score=0.2)]}, {"documents": [Document("text document 2", score=0.7)]}]
    docs = JoinDocuments(join_mode=join_mode).run(inputs)[0]["documents"]
    assert len(docs) == 2 and docs == sorted(docs, reverse=True)
    top = JoinDocuments(join_mode=join_mode).run(inputs, top_k_join=1)[0]["documents"]
    assert [d.content for d in top] == ["text document 1" if join_mode == "reciprocal_rank_fusion" else "text document 2"]
    scores = {d.content: d.score for d in docs}
    expected = {"concatenate": (0.2, 0.7), "merge": (0.1, 0.35), "reciprocal_rank_fusion": (0.5, 0.5)}[join_mode]
    assert (scores["text document 1"], scores["text document 2"]) == pytest.approx(expected)


def test_join_documents_rrf_weights_and_duplicates():
    results = [[Document("t1", score=0.2), Document("t2", score=0.3)], [Document("t3", score=0.7), Document("t4")]]
    inputs = [{"documents": r} for r in results]
    even = JoinDocuments(join_mode="reciprocal_rank_fusion").run(inputs)[0]["documents"]
    assert [d.content for d in even] == ["t1", "t3", "t2", "t4"]
    assert [d.score for d in even] == pytest.approx([0.5, 0.5, 61 / 124, 61 / 124])
    uneven = JoinDocuments(join_mode="reciprocal_rank_fusion", weights=[0.7, 0.3]).run(inputs)[0]["documents"]
    assert [d.content for d in uneven] == ["t1", "t2", "t3", "t4"] and uneven[0].score == pytest.approx(0.7)
    merged = JoinDocuments(join_mode="merge").run(inputs)[0]["documents"]
    assert [d.content for d in merged] == ["t3", "t2", "t1", "t4"]
    assert [d.score for d in merged] == pytest.approx([0.35, 0.15, 0.1, 0.0])
    dup = [{"documents": [Document("d1", score=0.2), Document("d2", score=0.3), Document("d3")]},
           {"documents": [Document("d2", score=0.7), Document("d1")]}]  # fmt: skip
    joined = JoinDocuments().run(dup)[0]["documents"]
    assert joined == [Document("d2", score=0.7), Document("d1", score=0.2), Document("d3")]


def test_join_nodes_pass_root_node_and_labels():
    docs = [{"documents": [Document("a", score=0.2)], "root_node": "File"}, {"documents": [Document("b")], "root_node": "File"}]
    output, edge = JoinDocuments().run(docs)
    assert edge == "output_1" and output["root_node"] == "File" and output["labels"] is None
    answers = [{"answers": [Answer("answer 1", score=0.7)], "root_node": "Query"}, {"answers": [Answer("answer 2", score=0.8)], "root_node": "Query"}]
    output, _ = JoinAnswers().run(answers)
    assert output["root_node"] == "Query" and [a.answer for a in output["answers"]] == ["answer 2", "answer 1"]
    assert [a.answer for a in JoinAnswers(join_mode="merge").run(answers, top_k_join=1)[0]["answers"]] == ["answer 2"]


@pytest.mark.parametrize("documents", [[], None])
def test_join_fed_by_the_root_alone(documents):
    p = Pipeline()
    p.add_node(JoinDocuments(join_mode="concatenate"), "Join", ["Query"])
    assert p.run(query="test", documents=documents)["documents"] == []


class Shaper(BaseComponent):
    """Puts the query under another key (Haystack's `Shaper(func="rename")` in its join tests)."""

    def __init__(self, key: str, query: str | None = None):
        self.key, self.query = key, query

    def run(self, query: str):
        return {self.key: query, **({"query": self.query} if self.query else {})}, "output_1"


class Docs(BaseComponent):
    def __init__(self, content: str):
        self.content = content

    def run(self, query: str):
        return {"documents": [Document(self.content, score=0.5)]}, "output_1"


def test_join_keeps_the_keys_of_the_inputs_in_the_order_they_ran():
    p = Pipeline()
    p.add_node(Shaper("test_key1"), "Shaper1", ["Query"])
    p.add_node(Shaper("test_key2"), "Shaper2", ["Query"])
    p.add_node(Docs("one"), "Retriever1", ["Shaper1"])
    p.add_node(Docs("two"), "Retriever2", ["Shaper1"])
    p.add_node(Docs("three"), "Retriever3", ["Shaper2"])
    p.add_node(JoinDocuments(sort_by_score=False), "Join", ["Retriever3", "Retriever1", "Retriever2"])
    result = p.run(query="q", debug=True)
    assert {"documents", "labels", "root_node", "params", "test_key1", "test_key2", "query"} <= result.keys()
    assert result["root_node"] == "Query" and result["test_key1"] == result["test_key2"] == "q"
    # inputs in the order the retrievers ran, not the order listed
    assert [d.content for d in result["documents"]] == ["one", "two", "three"]
    changed = Pipeline()
    changed.add_node(Shaper("unused", query="This is a test."), "Shaper1", ["Query"])
    changed.add_node(Docs("x"), "Dummy", ["Query"])
    changed.add_node(JoinDocuments(), "Join", ["Shaper1", "Dummy"])
    result = changed.run(query="original", documents=[Document("Test Document")])
    assert result["query"] == "This is a test."  # the first to run wins a clash


# --------------------------------------------------------------------------- converters
def test_text_converter_lines_and_ids_as_haystack():
    docs = TextConverter().run(file_paths=[SAMPLES / "docs" / "doc_1.txt"])[0]["documents"]
    assert docs[0].content == "Some text for testing.\nTwo lines in here."
    assert docs[0].id == Document("Some text for testing.\nTwo lines in here.").id
    path = SAMPLES / "docs" / "doc_1.txt"
    two = TextConverter().run(file_paths=[path, path], meta=[{"key": "a"}, {"key": "b"}], id_hash_keys=["content", "meta"])
    assert len({d.id for d in two[0]["documents"]}) == 2


def test_converter_raise_on_failure(tmp_path, caplog):
    good = tmp_path / "good.txt"
    good.write_text("fine")
    with pytest.raises(FileNotFoundError):
        TextConverter().run(file_paths=[tmp_path / "missing.txt", good])
    with caplog.at_level(logging.WARNING):
        docs = TextConverter().run(file_paths=[tmp_path / "missing.txt", good], raise_on_failure=False)[0]["documents"]
    assert [d.content for d in docs] == ["fine"] and "Conversion of the following file paths failed" in caplog.text


@needs_pdftotext
def test_pdf_converter_as_haystack(caplog):
    pdf = SAMPLES / "pdf" / "sample_pdf_1.pdf"
    doc = PDFToTextConverter().run(file_paths=pdf)[0]["documents"][0]
    pages = doc.content.split("\f")
    assert len(pages) == 4 and pages[0] != "" and pages[2] == "" and pages[1] == "Page 2 of Sample PDF"
    assert "Adobe Systems made the PDF specification available free of charge in 1993." in " ".join(pages[0].split())
    first = PDFToTextConverter(remove_numeric_tables=True).convert(file_path=pdf)[0].content.split("\f")[0]
    assert "324" not in first and "54x growth" not in first and "C 23.53% A short string." in first
    assert PDFToTextConverter().convert(pdf, start_page=2)[0].content.split("\f") == [
        "", "Page 2 of Sample PDF", "", "Page 4 of Sample PDF\n… the page 3 is empty."
    ]  # fmt: skip
    with caplog.at_level(logging.WARNING):
        PDFToTextConverter(valid_languages=["en"]).convert(file_path=pdf)
        assert "sample_pdf_1.pdf is not one of ['en']." not in caplog.text
        PDFToTextConverter(valid_languages=["de"]).convert(file_path=pdf)
        assert "sample_pdf_1.pdf is not one of ['de']." in caplog.text


@needs_pdftotext
def test_pdf_converter_ligatures_and_layout():
    pdf = SAMPLES / "pdf" / "sample_pdf_2.pdf"
    default = PDFToTextConverter().run(file_paths=pdf)[0]["documents"][0]
    assert "ﬀ" not in default.content and "ɪ" in default.content
    kept = PDFToTextConverter().run(file_paths=pdf, known_ligatures={})[0]["documents"][0]
    assert "ﬀ" in kept.content and kept.id == default.id  # ids are those of the text before the expansion
    custom = PDFToTextConverter().run(file_paths=pdf, known_ligatures={"ɪ": "i"})[0]["documents"][0]
    assert "ﬀ" in custom.content and "ɪ" not in custom.content
    pdf3 = SAMPLES / "pdf" / "sample_pdf_3.pdf"
    assert PDFToTextConverter().convert(pdf3)[0].content == "This is a test sentence.\nThis is the second test sentence."
    layout = PDFToTextConverter(keep_physical_layout=True).convert(pdf3)[0].content
    assert layout.startswith("This is the second test sentence.")


def test_pdf_converter_pypdf_backend_reads_without_pdftotext():
    doc = PDFToTextConverter(backend="pypdf").convert(SAMPLES / "pdf" / "sample_pdf_1.pdf")[0]
    assert len(doc.content.split("\f")) == 4
    with pytest.raises(ValueError, match=r"backend must be one of"):
        PDFToTextConverter(backend="fitz")


def test_markdown_converter_output_as_haystack():
    sample = SAMPLES / "markdown" / "sample.md"
    content = MarkdownConverter().convert(file_path=sample)[0].content
    assert content.startswith("\nWhat to build with Haystack")
    assert "# git clone https://github.com/deepset-ai/haystack.git" not in content
    assert len(content) == 2510 and content.endswith(
        "2nd level headline for testing purposes\n3rd level headline for testing purposes"
    )
    assert "\n\n|  |  |\n|-|-|\n| :ledger: Docs | Usage, Guides, API documentation" in content
    kept = MarkdownConverter(extract_headlines=True, remove_code_snippets=False).convert(file_path=sample)[0]
    assert kept.content.startswith("pip install farm-haystack") and len(kept.content) == 2705
    assert kept.meta["headlines"] == [
        {"headline": "What to build with Haystack", "start_idx": 27, "level": 1},
        {"headline": "Core Features", "start_idx": 584, "level": 1},
        {"headline": "Quick Demo", "start_idx": 2261, "level": 1},
        {"headline": "2nd level headline for testing purposes", "start_idx": 2626, "level": 2},
        {"headline": "3rd level headline for testing purposes", "start_idx": 2666, "level": 3},
    ]
    removed = MarkdownConverter(extract_headlines=True).convert(file_path=sample)[0].meta["headlines"]
    assert [h["start_idx"] for h in removed] == [1, 558, 2235, 2431, 2471]
    front = MarkdownConverter(add_frontmatter_to_meta=True).convert(file_path=sample)[0]
    assert front.meta["type"] == "intro" and front.meta["date"] == "1.1.2023"
    assert json.dumps(front.meta)  # meta stays JSON


def test_classifier_routes_unknown_types_to_an_empty_type(tmp_path):
    blob = tmp_path / "blob"
    blob.write_bytes(bytes(range(256)) * 4)  # no extension, and content libmagic calls octet-stream
    assert FileTypeClassifier(supported_types=[""]).run(blob) == ({"file_paths": [blob]}, "output_1")
