"""MarkdownConverter: plain text without markup, code snippets, headlines, front matter, YAML round trip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hayrick import Pipeline
from hayrick.nodes.file_converter import MarkdownConverter

MARKDOWN = """---
title: Capitals
date: 2024-05-01
tags: [geo, europe]
---
# Capitals of *Europe*

Berlin is the capital of [Germany](https://de.wikipedia.org).
It has ![a bear](bear.png) in its flag.

## Lists

- Paris
- Rome
  1. Old
  2. Eternal

```python
print("code")
```

| City | Country |
|------|---------|
| Oslo | Norway  |

> A quote with `inline code`.

<div>Some <b>HTML</b></div>
"""


@pytest.fixture()
def md_file(tmp_path: Path) -> Path:
    path = tmp_path / "capitals.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    return path


def test_default_init():
    converter = MarkdownConverter()
    assert converter.remove_code_snippets is True  # as Haystack 1.x
    assert converter.extract_headlines is False and converter.add_frontmatter_to_meta is False
    assert converter.encoding == "utf-8" and converter.init_parameters == {}


def test_invalid_init_and_missing_markdown(monkeypatch):
    with pytest.raises(ValueError, match=r"unexpected keyword argument 'remove_code'"):
        MarkdownConverter(remove_code=True)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match=r"unknown encoding"):
        MarkdownConverter(encoding="klingon")
    monkeypatch.setitem(sys.modules, "bs4", None)
    with pytest.raises(ImportError, match=r"pip install beautifulsoup4"):
        MarkdownConverter()


def test_markup_is_dropped_and_structure_kept(md_file):
    doc = MarkdownConverter().convert(md_file)[0]
    # Haystack 1.x's text: the text of the rendered HTML; images and (inline) code dropped, tables as typed
    assert doc.content == (
        "Capitals of Europe\n"
        "Berlin is the capital of Germany.\nIt has  in its flag.\n"
        "Lists\n\n"
        "Paris\nRome\nOld\nEternal\n\n"
        "| City | Country |\n|------|---------|\n| Oslo | Norway  |\n\n"
        "A quote with  .\n\n"
        "Some HTML"
    )
    assert doc.meta == {"name": "capitals.md", "file_path": str(md_file)}  # front matter not in meta by default
    assert "title:" not in doc.content and "```" not in doc.content


def test_code_snippets_kept_on_request(md_file):
    doc = MarkdownConverter(remove_code_snippets=False).convert(md_file)[0]
    assert 'Eternal\n\nprint("code")\n\n| City' in doc.content and "with inline code." in doc.content
    assert 'print("code")' not in MarkdownConverter().convert(md_file, remove_code_snippets=True)[0].content


def test_headlines_and_front_matter(md_file):
    doc = MarkdownConverter(extract_headlines=True, add_frontmatter_to_meta=True).convert(md_file)[0]
    assert doc.meta["title"] == "Capitals" and doc.meta["tags"] == ["geo", "europe"]
    assert doc.meta["date"] == "2024-05-01"
    assert [(h["headline"], h["level"]) for h in doc.meta["headlines"]] == [("Capitals of Europe", 0), ("Lists", 1)]
    for headline in doc.meta["headlines"]:
        start = headline["start_idx"]
        assert doc.content[start : start + len(headline["headline"])] == headline["headline"]


def test_front_matter_errors_only_when_asked_for(tmp_path):
    path = tmp_path / "rule.md"
    path.write_text("---\njust a rule: [\n---\nText.", encoding="utf-8")
    with pytest.raises(ValueError, match=r"rule\.md.*front matter is not valid YAML"):
        MarkdownConverter(add_frontmatter_to_meta=True).convert(path)
    assert "Text." in MarkdownConverter().convert(path)[0].content


def test_save_load_round_trip(md_file):
    p = Pipeline()
    p.add_node(MarkdownConverter(remove_code_snippets=False, extract_headlines=True), "Markdown", ["File"])
    config = p.get_config()
    assert config["components"][0]["params"] == {"remove_code_snippets": False, "extract_headlines": True}
    rebuilt = Pipeline.load(config)
    node = rebuilt.get_node("Markdown")
    assert isinstance(node, MarkdownConverter) and not node.remove_code_snippets and node.extract_headlines
    assert rebuilt.run(file_paths=[md_file])["documents"] == p.run(file_paths=[md_file])["documents"]


def test_in_a_pipeline(md_file, tmp_path):
    other = tmp_path / "plain.md"
    other.write_text("Just *one* paragraph.", encoding="utf-8")
    p = Pipeline()
    p.add_node(MarkdownConverter(), "Markdown", ["File"])
    docs = p.run(file_paths=[md_file, other], meta={"kind": "notes"})["documents"]
    assert [d.content for d in docs][1] == "Just one paragraph."
    assert all(d.meta["kind"] == "notes" for d in docs)
    latin = tmp_path / "latin.md"
    latin.write_bytes("# Café".encode("latin-1"))
    assert p.run(file_paths=[latin], params={"encoding": "latin-1"})["documents"][0].content == "Café"
