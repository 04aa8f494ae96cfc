"""docs/custom_nodes.md works as written: its code runs, its package installs and `hayrick` finds its nodes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "custom_nodes.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def doc_blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def write_file_blocks(project: Path) -> list[str]:
    """Write every block that starts with `# file: PATH` under `project`; return the paths."""
    written = []
    for _, body in doc_blocks():
        first = body.splitlines()[0]
        if first.startswith("# file: "):
            path = project / first[len("# file: ") :].strip()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
            written.append(str(path.relative_to(project)))
    return written


@pytest.fixture()
def project(tmp_path, monkeypatch):
    project = tmp_path / "my-review-nodes"
    project.mkdir()
    assert write_file_blocks(project) == ["my_review_nodes/__init__.py", "reviews.yml", "pyproject.toml"]
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    yield project
    sys.modules.pop("my_review_nodes", None)


def test_python_blocks_run_in_order(project, capsys):
    namespace: dict = {"__name__": "custom_nodes_doc"}
    blocks = [body for lang, body in doc_blocks() if lang == "python" and not body.startswith("# file:")]
    assert len(blocks) == 3
    for body in blocks:
        exec(compile(body, str(DOC), "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["About 10 hours of reading.", "The battery lasts a whole week of reading."]
    assert (project / "saved.yml").is_file()


def test_package_installs_and_the_cli_finds_its_nodes_through_the_entry_point(project, tmp_path):
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(site), str(project)],
        capture_output=True, text=True,
    )
    assert install.returncode == 0, install.stderr
    bash = [body for lang, body in doc_blocks() if lang == "bash"]
    assert bash and "hayrick run reviews.yml" in bash[0]
    elsewhere = tmp_path / "elsewhere"  # not the project folder: only the installed package can be found
    elsewhere.mkdir()
    (elsewhere / "reviews.yml").write_text((project / "reviews.yml").read_text())
    env = {**os.environ, "PYTHONPATH": str(site)}
    hayrick = [sys.executable, "-m", "hayrick.cli"]
    validate = subprocess.run(hayrick + ["validate", "reviews.yml"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert validate.returncode == 0, validate.stderr
    assert "pipeline 'query' is valid (4 nodes: Lowercase, Router, FAQ, Search)" in validate.stdout
    run = subprocess.run(
        hayrick + ["run", "reviews.yml", "--query", "How long does the battery last?"],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "'About 10 hours of reading.'" in run.stdout
    without_plugin = subprocess.run(
        hayrick + ["validate", "reviews.yml"], cwd=elsewhere, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert without_plugin.returncode == 2
    assert "Unknown component type 'Lowercase'" in without_plugin.stderr
