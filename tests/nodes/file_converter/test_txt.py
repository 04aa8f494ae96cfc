"""TextConverter and the BaseConverter contract: meta per file, errors that name the file, YAML round trip."""

from __future__ import annotations

import logging
import sys
import types
from pathlib import Path

import pytest

from hayrick import Document, Pipeline
from hayrick.errors import ComponentError, NodeError
from hayrick.nodes.file_converter import BaseConverter, TextConverter


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    a = tmp_path / "a.txt"
    a.write_text("Berlin is the capital of Germany.\fPage two.", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Paris is the capital of France.\r\nSecond line.", encoding="utf-8")
    return [a, b]


def test_default_init():
    converter = TextConverter()
    assert converter.encoding == "utf-8"
    assert converter.remove_numeric_tables is False
    assert converter.valid_languages is None and converter.id_hash_keys is None
    assert converter.outgoing_edges == 1
    assert converter.init_parameters == {}


def test_invalid_init():
    with pytest.raises(ValueError, match=r"unknown encoding 'no-such-codec'.*'latin-1'"):
        TextConverter(encoding="no-such-codec")
    with pytest.raises(ComponentError, match=r"unexpected keyword argument 'encodng'.*encoding: str = 'utf-8'"):
        TextConverter(encodng="utf-8")
    with pytest.raises(TypeError, match=r"valid_languages must be a list of ISO 639-1 codes"):
        TextConverter(valid_languages="en")  # type: ignore[arg-type]


def test_valid_languages_without_langdetect_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "langdetect", None)  # makes `import langdetect` fail
    with pytest.raises(ImportError, match=r"pip install langdetect"):
        TextConverter(valid_languages=["en"])


def test_valid_languages_warns_on_another_language(monkeypatch, tmp_path, caplog):
    fake = types.ModuleType("langdetect")
    fake.detect = lambda text: "de"  # type: ignore[attr-defined]
    fake.lang_detect_exception = types.SimpleNamespace(LangDetectException=RuntimeError)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "langdetect", fake)
    path = tmp_path / "en.txt"
    path.write_text("An English text.", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        TextConverter(valid_languages=["en"]).convert(path)
    assert "is not one of ['en']" in caplog.text and "en.txt" in caplog.text


def test_convert_keeps_text_and_page_breaks_and_sets_name_and_path(files):
    doc = TextConverter().convert(files[0], meta={"source": "wiki"})[0]
    assert doc.content == "Berlin is the capital of Germany.\fPage two."
    assert doc.meta == {"name": "a.txt", "file_path": str(files[0]), "source": "wiki"}
    assert TextConverter().convert(files[1])[0].content == "Paris is the capital of France.\nSecond line."


def test_run_with_one_meta_for_all_or_one_per_file(files):
    out, edge = TextConverter().run(file_paths=[str(p) for p in files], meta={"source": "s"})
    assert edge == "output_1"
    assert [d.meta["name"] for d in out["documents"]] == ["a.txt", "b.txt"]
    assert all(d.meta["source"] == "s" for d in out["documents"])
    out, _ = TextConverter().run(file_paths=files, meta=[{"k": 1}, None])
    assert out["documents"][0].meta["k"] == 1 and "k" not in out["documents"][1].meta
    with pytest.raises(ValueError, match=r"meta has 1 entries but file_paths has 2"):
        TextConverter().run(file_paths=files, meta=[{"k": 1}])
    # a single path is accepted too, and meta given for a file wins over the defaults
    out, _ = TextConverter().run(file_paths=files[0], meta={"name": "custom"})
    assert out["documents"][0].meta["name"] == "custom"


def test_run_batch_groups(files):
    out, edge = TextConverter().run_batch(file_paths=[[files[0]], [files[1]]], meta=[{"g": 1}, {"g": 2}])
    assert edge == "output_1"
    assert [[d.meta["g"] for d in group] for group in out["documents"]] == [[1], [2]]
    flat, _ = TextConverter().run_batch(file_paths=files)
    assert len(flat["documents"]) == 2


def test_missing_file_and_folder_name_the_path(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError, match=r"file not found: .*nope\.txt"):
        TextConverter().convert(missing)
    with pytest.raises(IsADirectoryError, match=r"is a folder, not a file"):
        TextConverter().convert(tmp_path)


def test_decode_error_names_file_and_encoding_option(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café au lait".encode("latin-1"))
    with pytest.raises(ValueError, match=r"could not decode '.*latin\.txt' as utf-8.*encoding='latin-1'"):
        TextConverter().convert(path)
    assert TextConverter(encoding="latin-1").convert(path)[0].content == "Café au lait"
    assert TextConverter().convert(path, encoding="latin-1")[0].content == "Café au lait"


def test_utf8_bom_is_dropped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffHello".encode())
    assert TextConverter().convert(path)[0].content == "Hello"


def test_remove_numeric_tables(tmp_path):
    path = tmp_path / "table.txt"
    path.write_text("Revenue grew in 2023.\n2021 2022 2023\n10 20 30\nA normal line", encoding="utf-8")
    text = TextConverter(remove_numeric_tables=True).convert(path)[0].content
    assert text == "Revenue grew in 2023.\nA normal line"


def test_id_hash_keys_make_equal_texts_distinct(tmp_path):
    for name in ("x.txt", "y.txt"):
        (tmp_path / name).write_text("same text", encoding="utf-8")
    paths = [tmp_path / "x.txt", tmp_path / "y.txt"]
    plain = TextConverter().run(file_paths=paths)[0]["documents"]
    assert plain[0].id == plain[1].id
    keyed = TextConverter(id_hash_keys=["name"]).run(file_paths=paths)[0]["documents"]
    assert keyed[0].id != keyed[1].id


def test_save_load_round_trip(files):
    p = Pipeline()
    p.add_node(TextConverter(encoding="latin-1", remove_numeric_tables=True, progress_bar=False), "Text", ["File"])
    config = p.get_config(pipeline_name="indexing")
    assert config["components"][0] == {
        "name": "Text",
        "type": "TextConverter",
        "params": {"encoding": "latin-1", "remove_numeric_tables": True, "progress_bar": False},
    }
    rebuilt = Pipeline.load(config)
    node = rebuilt.get_node("Text")
    assert isinstance(node, TextConverter)
    assert (node.encoding, node.remove_numeric_tables, node.progress_bar) == ("latin-1", True, False)
    assert rebuilt.get_config(pipeline_name="indexing") == config
    assert rebuilt.run(file_paths=files[:1])["documents"] == p.run(file_paths=files[:1])["documents"]


def test_in_a_pipeline_errors_name_the_node(files, tmp_path):
    p = Pipeline()
    p.add_node(TextConverter(), "Text", ["File"])
    result = p.run(file_paths=files, meta={"source": "wiki"})
    assert [d.meta["name"] for d in result["documents"]] == ["a.txt", "b.txt"]
    assert all(isinstance(d, Document) and d.meta["source"] == "wiki" for d in result["documents"])
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café".encode("latin-1"))
    with pytest.raises(NodeError, match=r"Node 'Text' \(TextConverter\) failed: FileConversionError: .*latin\.txt"):
        p.run(file_paths=[latin])
    assert p.run(file_paths=[latin], params={"Text": {"encoding": "latin-1"}})["documents"][0].content == "Café"


def test_base_converter_is_abstract_and_subclassable(tmp_path):
    with pytest.raises(TypeError, match="abstract"):
        BaseConverter()  # type: ignore[abstract]

    class Upper(BaseConverter):
        def convert(self, file_path, meta=None, encoding=None, id_hash_keys=None, **kwargs):
            path = self.check_file(file_path)
            return [Document(content=path.read_text().upper(), meta=self.file_meta(file_path, meta))]

    path = tmp_path / "u.txt"
    path.write_text("shout", encoding="utf-8")
    docs = Upper().run(file_paths=[path])[0]["documents"]
    assert docs[0].content == "SHOUT" and docs[0].meta["name"] == "u.txt"
