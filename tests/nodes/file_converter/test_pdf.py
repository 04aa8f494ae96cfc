"""PDFToTextConverter: pages as "\\f", page ranges, encrypted and damaged files, YAML round trip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hayrick import Pipeline
from hayrick.errors import NodeError
from hayrick.nodes.file_converter import PDFToTextConverter
from tests.nodes.file_converter.pdf_helpers import write_pdf

pypdf = pytest.importorskip("pypdf", reason="PDFToTextConverter needs pypdf (pip install pypdf)")

PAGES = [
    ["Berlin is the capital of Germany.", "It has 3.7 million inhabitants."],
    ["Paris is the capital of France."],
    ["Rome is the capital of Italy."],
]


@pytest.fixture()
def pdf(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "capitals.pdf", PAGES)


def test_default_init():
    converter = PDFToTextConverter()
    assert converter.keep_physical_layout is False and converter.remove_numeric_tables is False
    assert converter.init_parameters == {}


def test_invalid_init_and_missing_pypdf(monkeypatch):
    with pytest.raises(ValueError, match=r"unexpected keyword argument 'ocr'"):
        PDFToTextConverter(ocr="auto")  # type: ignore[call-arg]
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(ImportError, match=r"pip install pypdf"):
        PDFToTextConverter()


def test_pages_are_separated_by_form_feeds(pdf):
    doc = PDFToTextConverter().convert(pdf, meta={"lang": "en"})[0]
    pages = doc.content.split("\f")
    assert len(pages) == 3
    assert "Berlin is the capital of Germany." in pages[0] and "3.7 million" in pages[0]
    assert "Paris" in pages[1] and "Rome" in pages[2]
    assert doc.meta == {"name": "capitals.pdf", "file_path": str(pdf), "lang": "en"}


def test_page_range(pdf):
    doc = PDFToTextConverter().convert(pdf, start_page=2, end_page=3)[0]
    pages = doc.content.split("\f")  # page 1 is an empty page, so page numbers stay those of the file
    assert len(pages) == 3 and pages[0] == "" and "Berlin" not in doc.content and "Paris" in pages[1] and "Rome" in pages[2]
    with pytest.raises(ValueError, match=r"invalid page range start_page=3, end_page=2"):
        PDFToTextConverter().convert(pdf, start_page=3, end_page=2)


def test_layout_mode_keeps_the_text(pdf):
    doc = PDFToTextConverter(keep_physical_layout=True).convert(pdf)[0]
    assert "Paris is the capital of France." in doc.content and doc.content.count("\f") == 2


def test_encrypted_pdf_names_the_file(pdf, tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(pdf))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as f:
        writer.write(f)
    with pytest.raises(ValueError, match=r"'.*locked\.pdf' is encrypted and needs a password"):
        PDFToTextConverter().convert(locked)
    # an empty user password (restrictions only) is read
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(pdf))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    open_pdf = tmp_path / "restricted.pdf"
    with open(open_pdf, "wb") as f:
        writer.write(f)
    assert "Berlin" in PDFToTextConverter().convert(open_pdf)[0].content


def test_damaged_pdf_and_missing_file_name_the_path(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a PDF at all")
    with pytest.raises(ValueError, match=r"could not read '.*broken\.pdf' as a PDF"):
        PDFToTextConverter().convert(broken)
    with pytest.raises(FileNotFoundError, match=r"ghost\.pdf"):
        PDFToTextConverter().convert(tmp_path / "ghost.pdf")


def test_save_load_round_trip(pdf):
    p = Pipeline()
    p.add_node(PDFToTextConverter(keep_physical_layout=True, id_hash_keys=["name"]), "Pdf", ["File"])
    config = p.get_config()
    assert config["components"][0]["params"] == {"keep_physical_layout": True, "id_hash_keys": ["name"]}
    rebuilt = Pipeline.load(config)
    node = rebuilt.get_node("Pdf")
    assert isinstance(node, PDFToTextConverter) and node.keep_physical_layout and node.id_hash_keys == ["name"]
    assert rebuilt.run(file_paths=[pdf])["documents"] == p.run(file_paths=[pdf])["documents"]


def test_in_a_pipeline(pdf, tmp_path):
    p = Pipeline()
    p.add_node(PDFToTextConverter(), "Pdf", ["File"])
    other = write_pdf(tmp_path / "other.pdf", [["Madrid is the capital of Spain."]])
    docs = p.run(file_paths=[pdf, other], meta=[{"n": 1}, {"n": 2}])["documents"]
    assert [(d.meta["name"], d.meta["n"]) for d in docs] == [("capitals.pdf", 1), ("other.pdf", 2)]
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(NodeError, match=r"Node 'Pdf' \(PDFToTextConverter\) failed.*bad\.pdf"):
        p.run(file_paths=[tmp_path / "bad.pdf"])
