"""The README's promises: its test command is what CI runs, and its main job runs."""

from __future__ import annotations

import os
import re
import runpy
import shlex
import subprocess
import sys

import pytest


def readme_commands(repo_root) -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", (repo_root / "README.md").read_text(), re.S)[:2]


def test_ci_runs_exactly_the_readme_test_command(repo_root):
    install, test = readme_commands(repo_root)
    assert "pip install torch==2.13.0" in install
    ci = (repo_root / ".ci" / "run").read_text().splitlines()
    assert test in ci, f"{test!r} is not a line of .ci/run"
    assert ci.index("python -m pip install -q torch==2.13.0") < ci.index(test)


def test_readme_main_job_runs(repo_root, tmp_path, shared_dir):
    install, _ = readme_commands(repo_root)
    steps = [step.strip() for step in install.split("&&")]
    assert steps[:2] == ["pip install torch==2.13.0", 'pip install -e ".[test]"']
    base_env = {**os.environ, "DOCUMENTSTORE_PARAMS_URL": f"sqlite:///{tmp_path / 'readme.db'}"}
    outputs = []
    for step in steps[2:]:
        args = shlex.split(step)
        env = dict(base_env)
        while "=" in args[0]:  # VAR=value prefixes, relative to the repository root
            key, value = args.pop(0).split("=", 1)
            env[key] = str((repo_root / value).resolve()) if value.startswith("../") else value
        assert args[0] == "hayrick"
        done = subprocess.run([sys.executable, "-m", "hayrick.cli", *args[1:]], cwd=repo_root, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert "Indexed 11 files into 11 documents" in outputs[0]
    assert outputs[1].startswith("Query: How long does the battery last?\nAnswers (3):\n  1. 'three weeks'")


def test_quick_tour_runs(repo_root, capsys):
    runpy.run_path(str(repo_root / "examples" / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "[B0074BW614] The battery lasts a week of reading" in out
    assert "Products mentioning 'bass': ['B00001P4ZH']" in out
    assert "it gives the same results" in out


def test_shared_folder_has_the_models_and_datasets(shared_dir):
    assert (shared_dir / "models" / "minilm-l6-squad" / "config.json").is_file()
    assert (shared_dir / "datasets" / "squad").is_dir()


@pytest.mark.parametrize("module", ["hayrick", "hayrick.pipelines", "hayrick.nodes", "hayrick.stores", "hayrick.cli"])
def test_import_stays_light(module):
    code = f"import sys, {module}; print(sorted(m for m in ('torch', 'transformers', 'faiss', 'matplotlib', 'sqlalchemy', 'pypdf', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
