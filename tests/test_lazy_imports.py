"""The one way to import an optional dependency (`hayrick/lazy_imports.py`): messages name real extras."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from hayrick.lazy_imports import EXTRAS, install_hint, require

REPO = Path(__file__).resolve().parents[1]


def _pyproject_extras() -> dict[str, list[str]]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def test_every_extra_named_exists_in_pyproject_with_those_packages():
    defined = _pyproject_extras()
    for extra, packages in EXTRAS.items():
        assert extra in defined, f"EXTRAS names {extra!r}, which pyproject.toml does not define"
        names = {re.split(r"[<>=\[ ]", p)[0].lower() for p in defined[extra]}
        assert set(packages) <= names, (extra, packages, defined[extra])


def _require_calls() -> list[tuple[str, dict[str, str]]]:
    calls = []
    for path in sorted((REPO / "hayrick").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "require":
                keywords = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
                calls.append((str(path.relative_to(REPO)), keywords))
    return calls


def test_every_require_call_in_the_package_names_a_defined_extra_or_none():
    calls = _require_calls()
    assert calls, "the package imports its optional dependencies through require()"
    for where, keywords in calls:
        assert keywords.get("extra") in {None, *EXTRAS}, f"{where}: require(extra={keywords.get('extra')!r})"


def test_no_other_import_helper_is_left():
    helpers = []
    for path in sorted((REPO / "hayrick").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        helpers += [f"{path.relative_to(REPO)}: {m}" for m in re.findall(r"^def (_?import_\w+)\(", text, re.M)]
    assert not helpers, helpers


def test_a_missing_module_names_the_extra_and_the_package():
    with pytest.raises(ImportError, match=r"^FAISSDocumentStore needs faiss-cpu: pip install 'hayrick\[faiss\]' \(or pip install faiss-cpu\)\.$"):
        require("hayrick_no_such_module", owner="FAISSDocumentStore", extra="faiss", package="faiss-cpu")
    with pytest.raises(ImportError, match=r"^valid_languages needs langdetect: pip install langdetect\.$"):
        require("hayrick_no_such_module", owner="valid_languages", package="langdetect")
    with pytest.raises(ImportError, match=r"Install torch first .*pip install 'hayrick\[inference\]'"):
        require("hayrick_no_such_module", owner="FARMReader", extra="inference", package="transformers")


def test_an_extra_that_does_not_exist_is_a_programming_error():
    with pytest.raises(ValueError, match=r"no extra 'sql'"):
        install_hint("sqlalchemy", "sql")


def test_a_present_module_is_returned():
    import json

    assert require("json", owner="test") is json
