"""`hayrick eval PIPELINE.yml --squad FILE`: loads the file into the retriever's store and prints metrics."""

from __future__ import annotations

import pytest

from hayrick.cli import main
from hayrick.evaluation import EvaluationResult
from tests.evaluation import helpers  # noqa: F401  (defines ScriptedReader for the YAML below)
from tests.evaluation.helpers import SCRIPT, write_squad_file

RETRIEVER_ONLY = """
version: "1.0"
components:
  - name: DocumentStore
    type: InMemoryDocumentStore
    params: {use_bm25: true}
  - name: Retriever
    type: BM25Retriever
    params: {document_store: DocumentStore, top_k: 5}
pipelines:
  - name: query
    nodes:
      - {name: Retriever, inputs: [Query]}
"""


@pytest.fixture()
def squad_file(tmp_path):
    return write_squad_file(tmp_path)


def test_eval_prints_a_metrics_table_per_top_k(tmp_path, squad_file, capsys):
    yml = tmp_path / "p.yml"
    yml.write_text(RETRIEVER_ONLY)
    assert (
        main(["eval", str(yml), "--squad", str(squad_file), "--top-k", "1", "3", "--save", str(tmp_path / "out")]) == 0
    )
    out = capsys.readouterr().out
    assert "Loaded 4 paragraphs and 7 labels" in out and "Evaluated 6 questions." in out
    assert "Retriever (retriever-type)" in out and "recall_single_hit" in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith(("1 ", "3 "))]
    assert [r[0] for r in rows] == ["1", "3"] and all(len(r) == 7 for r in rows)
    assert list(EvaluationResult.load(tmp_path / "out")) == ["Retriever"]


def test_eval_with_a_reader_and_params(tmp_path, squad_file, capsys):
    reader = "\n".join(
        ["  - name: Reader", "    type: ScriptedReader", "    params:", "      script:"]
        + [f"        {q!r}: {answers!r}" for q, answers in SCRIPT.items()]
    )
    yml = tmp_path / "qa.yml"
    yml.write_text(
        RETRIEVER_ONLY.replace("pipelines:", reader + "\npipelines:") + "      - {name: Reader, inputs: [Retriever]}\n"
    )
    code = main(["eval", str(yml), "--squad", str(squad_file), "--params", '{"Reader": {"top_k": 1}}', "--isolated"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Reader (reader-type, integrated)" in out and "Reader (reader-type, isolated)" in out
    assert "exact_match" in out


def test_eval_needs_a_retriever_with_a_store(tmp_path, squad_file, capsys):
    yml = tmp_path / "p.yml"
    yml.write_text(RETRIEVER_ONLY.replace("type: BM25Retriever\n    params: {document_store: DocumentStore, top_k: 5}",
                                          "type: ScriptedReader\n    params: {script: {}}"))  # fmt: skip
    assert main(["eval", str(yml), "--squad", str(squad_file)]) == 2
    assert "no node of this pipeline has a document_store" in capsys.readouterr().err
    assert main(["eval", str(yml), "--squad", str(tmp_path / "missing.json")]) == 2
    assert "no file" in capsys.readouterr().err
