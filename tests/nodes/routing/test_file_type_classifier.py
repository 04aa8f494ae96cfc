"""FileTypeClassifier: edges per type, mixed and unsupported types, YAML validation of the edge count."""

from __future__ import annotations

from pathlib import Path

import pytest

from hayrick import BaseComponent, Pipeline
from hayrick.errors import ComponentError, NodeError, PipelineConfigError, PipelineValidationError
from hayrick.nodes.routing import FileTypeClassifier


class FilesSeen(BaseComponent):
    """Records the file paths it gets."""

    def __init__(self, tag: str = "seen"):
        self.tag = tag

    def run(self, file_paths: list):
        return {"seen_by": self.tag, "count": len(file_paths)}, "output_1"


def test_default_init():
    classifier = FileTypeClassifier()
    assert classifier.supported_types == ["txt", "pdf", "md", "docx", "html", "media"]
    assert classifier.outgoing_edges == 6 == FileTypeClassifier.outgoing_edges
    assert classifier.raise_on_error is True and classifier.full_analysis is False
    assert classifier.init_parameters == {}


@pytest.mark.parametrize(
    ("types", "message"),
    [
        ([], r"supported_types is empty"),
        (["txt", "pdf", "TXT"], r"duplicates \(txt\)"),
        (["txt", ".txt"], r"duplicates \(txt\)"),
        ("txt", r"must be a list of extensions"),
        (["txt", 7], r"must be file extensions like 'txt'.*\[7\]"),
        (["txt", "."], r"must be file extensions"),
    ],
)
def test_invalid_init(types, message):
    with pytest.raises(ComponentError, match=message):
        FileTypeClassifier(supported_types=types)


def test_edges_follow_supported_types_case_insensitively():
    classifier = FileTypeClassifier(supported_types=["pdf", "TXT", ".md"])
    assert classifier.outgoing_edges == 3
    assert classifier.run(file_paths=["a.pdf", "B.PDF"]) == ({"file_paths": [Path("a.pdf"), Path("B.PDF")]}, "output_1")
    assert classifier.run(file_paths=[Path("notes.txt")])[1] == "output_2"
    assert classifier.run(file_paths="readme.MD")[1] == "output_3"
    assert FileTypeClassifier._calculate_outgoing_edges({"supported_types": ["a", "b"]}) == 2
    assert FileTypeClassifier._calculate_outgoing_edges({}) == 6


def test_multi_dot_extensions_prefer_the_longest_match():
    classifier = FileTypeClassifier(supported_types=["gz", "tar.gz"])
    assert classifier.get_type("backup.tar.gz") == "tar.gz" and classifier.get_type("log.gz") == "gz"


def test_mixed_unsupported_missing_and_empty(tmp_path):
    classifier = FileTypeClassifier()
    with pytest.raises(ValueError, match=r"2 types in one run \(txt: a.txt; pdf: b.pdf\).*pass one type per run"):
        classifier.run(file_paths=["a.txt", "b.pdf"])
    with pytest.raises(ValueError, match=r"type 'xlsx' \('sheet.xlsx'\) are not supported.*txt, pdf, md, docx, html"):
        classifier.run(file_paths=["sheet.xlsx"])
    with pytest.raises(FileNotFoundError, match=r"README"):  # no extension: the content must tell
        classifier.run(file_paths=["README"])
    unknown = tmp_path / "blob"
    unknown.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match=r"blob.*(unknown|not supported)"):
        classifier.run(file_paths=[unknown])
    with pytest.raises(ValueError, match=r"file_paths is empty"):
        classifier.run(file_paths=[])
    with pytest.raises(TypeError, match=r"must be a str or a Path, got int"):
        classifier.run(file_paths=[3])


def test_group_by_type_helps_with_mixed_folders():
    groups = FileTypeClassifier().group_by_type(["a.txt", "b.pdf", "c.TXT"])
    assert groups == {"txt": ["a.txt", "c.TXT"], "pdf": ["b.pdf"]}


def test_run_batch_routes_groups_of_one_type():
    classifier = FileTypeClassifier()
    assert classifier.run_batch(file_paths=["a.md", "b.md"]) == ({"file_paths": [Path("a.md"), Path("b.md")]}, "output_3")
    out, edge = classifier.run_batch(file_paths=[["a.pdf"], ["b.pdf", "c.pdf"]])
    assert edge == "output_2" and out["file_paths"] == [[Path("a.pdf")], [Path("b.pdf"), Path("c.pdf")]]
    with pytest.raises(ValueError, match=r"groups of file_paths have different types \(pdf, txt\)"):
        classifier.run_batch(file_paths=[["a.pdf"], ["b.txt"]])


def test_save_load_round_trip_validates_edges_from_params():
    p = Pipeline()
    p.add_node(FileTypeClassifier(supported_types=["txt", "pdf"]), "Classifier", ["File"])
    p.add_node(FilesSeen("text"), "Text", ["Classifier.output_1"])
    p.add_node(FilesSeen("pdf"), "Pdf", ["Classifier.output_2"])
    config = p.get_config(pipeline_name="indexing")
    assert config["components"][0] == {
        "name": "Classifier",
        "type": "FileTypeClassifier",
        "params": {"supported_types": ["txt", "pdf"]},
    }
    rebuilt = Pipeline.load(config)
    node = rebuilt.get_node("Classifier")
    assert node.supported_types == ["txt", "pdf"] and node.outgoing_edges == 2
    assert rebuilt.run(file_paths=["x.pdf"])["seen_by"] == "pdf"
    assert rebuilt.get_config(pipeline_name="indexing") == config
    # an edge beyond the supported types is refused when the YAML is loaded
    config["pipelines"][0]["nodes"][2]["inputs"] = ["Classifier.output_3"]
    with pytest.raises((PipelineConfigError, PipelineValidationError), match=r"output_3"):
        Pipeline.load(config)


def test_in_a_pipeline_only_the_branch_of_the_type_runs():
    p = Pipeline()
    p.add_node(FileTypeClassifier(), "Classifier", ["File"])
    for i, tag in enumerate(["txt", "pdf", "md", "docx", "html"], start=1):
        p.add_node(FilesSeen(tag), tag.capitalize(), [f"Classifier.output_{i}"])
    result = p.run(file_paths=["a.html", "b.HTML"], meta={"source": "web"}, debug=True)
    assert result["seen_by"] == "html" and result["count"] == 2
    assert set(result["_debug"]) == {"Classifier", "Html"}
    with pytest.raises(
        NodeError, match=r"Node 'Classifier' \(FileTypeClassifier\) failed: ValueError: .*one type per run"
    ):
        p.run(file_paths=["a.txt", "b.md"])
