"""An indexing pipeline: File -> FileTypeClassifier -> one converter per type -> one PreProcessor (a join)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hayrick import Pipeline
from hayrick.errors import NodeError
from hayrick.nodes.file_converter import (
    MarkdownConverter,
    PDFToTextConverter,
    TextConverter,
)
from hayrick.nodes.preprocessing import PreProcessor
from hayrick.nodes.routing import FileTypeClassifier
from tests.nodes.file_converter.pdf_helpers import write_pdf

pytest.importorskip("pypdf", reason="PDFToTextConverter needs pypdf (pip install pypdf)")

YAML = """
version: "1.0"
components:
  - {name: Classifier, type: FileTypeClassifier, params: {supported_types: [txt, pdf, md]}}
  - {name: Text, type: TextConverter}
  - {name: Pdf, type: PDFToTextConverter}
  - {name: Markdown, type: MarkdownConverter, params: {extract_headlines: true}}
  - {name: PreProcessor, type: PreProcessor, params: {split_by: sentence, split_length: 1, add_page_number: true}}
pipelines:
  - name: indexing
    nodes:
      - {name: Classifier, inputs: [File]}
      - {name: Text, inputs: [Classifier.output_1]}
      - {name: Pdf, inputs: [Classifier.output_2]}
      - {name: Markdown, inputs: [Classifier.output_3]}
      - {name: PreProcessor, inputs: [Text, Pdf, Markdown]}
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> dict[str, list[Path]]:
    (tmp_path / "berlin.txt").write_text("Berlin is in Germany. It is big.", encoding="utf-8")
    (tmp_path / "paris.TXT").write_text("Paris is in France.", encoding="utf-8")
    write_pdf(tmp_path / "rome.pdf", [["Rome is in Italy."], ["It is old."]])
    (tmp_path / "oslo.md").write_text("# Oslo\n\nOslo is in *Norway*.\n", encoding="utf-8")
    return FileTypeClassifier(supported_types=["txt", "pdf", "md"]).group_by_type(sorted(tmp_path.iterdir()))


def build() -> Pipeline:
    p = Pipeline()
    p.add_node(FileTypeClassifier(supported_types=["txt", "pdf", "md"]), "Classifier", ["File"])
    p.add_node(TextConverter(), "Text", ["Classifier.output_1"])
    p.add_node(PDFToTextConverter(), "Pdf", ["Classifier.output_2"])
    p.add_node(MarkdownConverter(extract_headlines=True), "Markdown", ["Classifier.output_3"])
    p.add_node(
        PreProcessor(split_by="sentence", split_length=1, add_page_number=True),
        "PreProcessor",
        ["Text", "Pdf", "Markdown"],
    )
    return p


def index(p: Pipeline, corpus: dict[str, list[Path]]) -> dict[str, list]:
    return {kind: p.run(file_paths=paths, meta={"kind": kind})["documents"] for kind, paths in corpus.items()}


def test_each_type_takes_its_converter_and_meets_the_preprocessor(corpus):
    docs = index(build(), corpus)
    assert [(d.content, d.meta["name"]) for d in docs["txt"]] == [
        ("Berlin is in Germany. ", "berlin.txt"),
        ("It is big.", "berlin.txt"),
        ("Paris is in France.", "paris.TXT"),
    ]
    assert [(d.content.strip(), d.meta["page"]) for d in docs["pdf"]] == [("Rome is in Italy.", 1), ("It is old.", 2)]
    assert [d.content for d in docs["md"]] == ["Oslo\nOslo is in Norway."]
    assert docs["md"][0].meta["headlines"] == [{"headline": "Oslo", "start_idx": 0, "level": 0}]
    for kind, documents in docs.items():
        assert all(d.meta["kind"] == kind and d.meta["file_path"] and "_split_id" in d.meta for d in documents)


def test_the_same_pipeline_from_yaml_and_back(corpus, tmp_path):
    from_yaml = Pipeline.load(YAML, pipeline_name="indexing")
    assert index(from_yaml, corpus) == index(build(), corpus)
    saved = tmp_path / "indexing.yml"
    from_yaml.save(saved, pipeline_name="indexing")
    again = Pipeline.load(saved)
    assert again.get_config(pipeline_name="indexing") == from_yaml.get_config(pipeline_name="indexing")
    assert again.get_config(pipeline_name="indexing") == build().get_config(pipeline_name="indexing")


def test_mixed_types_in_one_run_are_refused_with_the_fix(corpus):
    with pytest.raises(NodeError, match=r"Classifier.*one type per run"):
        build().run(file_paths=corpus["txt"] + corpus["md"])


def test_run_batch_keeps_one_group_per_entry(corpus):
    txt = corpus["txt"]
    result = build().run_batch(file_paths=[[txt[0]], [txt[1]]])
    assert [[d.content for d in group] for group in result["documents"]] == [
        ["Berlin is in Germany. ", "It is big."],
        ["Paris is in France."],
    ]
