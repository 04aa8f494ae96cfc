"""yaml_pipelines/indexing.yml and bm25_search.yml, through the `hayrick` command: index files, then query them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.nodes.file_converter.pdf_helpers import write_pdf


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "docs"
    (folder / "manuals").mkdir(parents=True)
    (folder / "review.txt").write_text("The battery lasts a whole week of reading. Great screen.")
    (folder / "manuals" / "setup.md").write_text("# Setup\n\nCharge the battery fully before the first use.\n")
    write_pdf(folder / "manuals" / "specs.pdf", [["Screen: 7 inch display."], ["Bass speakers are loud."]])
    (folder / "ignored.docx").write_bytes(b"not indexed: docx is not in the pipeline's supported types")
    return folder


def hayrick(args, cwd, env):
    return subprocess.run([sys.executable, "-m", "hayrick.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_index_then_search_through_the_cli(corpus, tmp_path, repo_root):
    env = {**os.environ, "DOCUMENTSTORE_PARAMS_URL": f"sqlite:///{tmp_path / 'index.db'}"}
    indexing, search = repo_root / "yaml_pipelines" / "indexing.yml", repo_root / "yaml_pipelines" / "bm25_search.yml"
    assert hayrick(["validate", str(indexing)], tmp_path, env).returncode == 0
    indexed = hayrick(["index", str(indexing), str(corpus)], tmp_path, env)
    assert indexed.returncode == 0, indexed.stderr
    assert "Indexed 3 files into 3 documents; the store now holds 3 documents." in indexed.stdout
    assert "Indexing" in indexed.stderr  # the progress bar
    found = hayrick(["run", str(search), "--query", "battery", "--json"], tmp_path, env)
    assert found.returncode == 0, found.stderr
    docs = json.loads(found.stdout)["documents"]
    assert sorted(d["meta"]["name"] for d in docs) == ["review.txt", "setup.md"]
    pdf = hayrick(["run", str(search), "--query", "loud bass"], tmp_path, env)
    assert "Bass speakers are loud." in pdf.stdout and "specs.pdf" in pdf.stdout
    again = hayrick(["index", str(indexing), str(corpus / "review.txt")], tmp_path, env)
    assert "the store now holds 3 documents" in again.stdout  # same content, same id: overwritten


def test_index_refuses_a_query_pipeline_and_missing_paths(tmp_path, repo_root):
    env = {**os.environ, "DOCUMENTSTORE_PARAMS_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    wrong = hayrick(["index", str(repo_root / "yaml_pipelines" / "bm25_search.yml"), str(tmp_path)], tmp_path, env)
    assert wrong.returncode == 2 and "must start at File, this one starts at Query" in wrong.stderr
    missing = hayrick(["index", str(repo_root / "yaml_pipelines" / "indexing.yml"), str(tmp_path / "nope")], tmp_path, env)
    assert missing.returncode == 2 and "neither a file nor a folder" in missing.stderr
