"""The `hayrick` command: run, validate, draw."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from hayrick.cli import main
from tests import sample_nodes  # noqa: F401  (defines the node types the YAML below uses)

PIPELINES = """
version: "1.0"
components:
  - name: Router
    type: QuestionRouter
  - name: Retriever
    type: KeywordDocuments
    params:
      texts: ["the battery lasts long", "the screen is bright", "reading on this screen is easy"]
      top_k: 2
  - name: Expand
    type: AppendText
    params: {text: " screen"}
  - name: Count
    type: CountFiles
pipelines:
  - name: query
    nodes:
      - {name: Router, inputs: [Query]}
      - {name: Expand, inputs: [Router.output_2]}
      - {name: Retriever, inputs: [Expand]}
  - name: indexing
    nodes:
      - {name: Count, inputs: [File]}
"""


@pytest.fixture()
def pipeline_file(tmp_path):
    path = tmp_path / "pipelines.yml"
    path.write_text(PIPELINES)
    return path


def test_run_prints_readably_and_picks_the_query_pipeline(pipeline_file, capsys):
    assert main(["run", str(pipeline_file), "--query", "reading"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Query: reading screen\nDocuments (2):\n")
    assert "reading on this screen is easy" in out and "score 2.000" in out
    assert "trace:" in out


def test_run_json_params_and_debug(pipeline_file, capsys):
    code = main(["run", str(pipeline_file), "--query", "battery", "--json", "--debug",
                 "--params", '{"Retriever": {"top_k": 1}}'])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert [d["content"] for d in result["documents"]] == ["the battery lasts long"]
    assert result["params"] == {"Retriever": {"top_k": 1}}
    assert set(result["_debug"]) == {"Router", "Expand", "Retriever"}


def test_run_reports_errors_readably(pipeline_file, capsys):
    assert main(["run", str(pipeline_file), "--query", "x", "--params", '{"Retriever": {"topk": 1}}']) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Node 'Retriever' (KeywordDocuments) does not accept the parameter 'topk'")
    with pytest.raises(SystemExit):
        main(["run", str(pipeline_file), "--query", "x", "--params", "{not json"])
    assert "not valid JSON" in capsys.readouterr().err


def test_validate_checks_every_pipeline(pipeline_file, tmp_path, capsys):
    assert main(["validate", str(pipeline_file)]) == 0
    out = capsys.readouterr().out
    assert "pipeline 'query' is valid (3 nodes: Router, Expand, Retriever)" in out
    assert "pipeline 'indexing' is valid (1 nodes: Count)" in out
    broken = tmp_path / "broken.yml"
    broken.write_text(PIPELINES.replace("[Router.output_2]", "[Router.output_3]"))
    assert main(["validate", str(broken)]) == 2
    assert "Router has only 2 outgoing edges: Router.output_1, Router.output_2" in capsys.readouterr().err


def test_draw_writes_a_png(pipeline_file, tmp_path, capsys):
    out = tmp_path / "graph.png"
    assert main(["draw", str(pipeline_file), str(out), "--pipeline-name", "query"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert main(["draw", str(pipeline_file), str(tmp_path / "x.png"), "--pipeline-name", "nope"]) == 2
    assert "valid pipeline names: query, indexing" in capsys.readouterr().err


def test_console_script_is_installed(pipeline_file, repo_root):
    exe = shutil.which("hayrick")
    if exe is None:
        pytest.skip("the hayrick console script is not on PATH (package not installed)")
    qualified = pipeline_file.read_text().replace("type: QuestionRouter", "type: tests.sample_nodes.QuestionRouter")
    qualified = qualified.replace("type: KeywordDocuments", "type: tests.sample_nodes.KeywordDocuments")
    qualified = qualified.replace("type: AppendText", "type: tests.sample_nodes.AppendText")
    qualified = qualified.replace("type: CountFiles", "type: tests.sample_nodes.CountFiles")
    pipeline_file.write_text(qualified)
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    result = subprocess.run([exe, "run", str(pipeline_file), "--query", "why?", "--json"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["trace"] == ["Router"]
