"""The direction of imports inside the package, as DESIGN.md draws it.

`schema`/`errors` <- `core` <- `datasets`, `stores`, `nodes`, `evaluation` <- `pipelines` <- `api`, `cli`.
Every `import` of a hayrick module is read from the source (module level and inside functions
alike), so a lazy import cannot hide a dependency that points the wrong way. The few lazy
imports that do point upwards are listed in ALLOWED with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "hayrick"

#: The hayrick packages each layer may import (besides itself). Not listed: may import anything.
MAY_IMPORT: dict[str, set[str]] = {
    "schema": {"errors", "_checks"},
    "errors": set(),
    "_checks": {"errors"},
    "lazy_imports": {"errors"},
    "core": {"errors", "schema", "_checks"},
    "datasets": {"errors", "schema", "_checks", "lazy_imports"},
    "stores": {"errors", "schema", "core", "datasets", "_checks", "lazy_imports"},
    "evaluation": {"errors", "schema", "core", "datasets", "_checks", "lazy_imports"},
    "nodes": {"errors", "schema", "core", "datasets", "stores", "evaluation", "_checks", "lazy_imports"},
    "pipelines": {"errors", "schema", "core", "datasets", "stores", "nodes", "evaluation", "_checks", "lazy_imports"},
    "api": {"errors", "schema", "core", "datasets", "stores", "nodes", "evaluation", "pipelines", "_checks",
            "lazy_imports"},
}

#: (importing module, imported module): the lazy upward imports there are, and why.
ALLOWED: dict[tuple[str, str], str] = {
    ("hayrick.core.component", "hayrick.pipelines.batching"): (
        "BaseComponent.run_batch's default hands the batch to the one splitting function, which lives "
        "with the pipeline runner; imported on call"
    ),
    ("hayrick.evaluation", "hayrick.nodes"): (
        "`from hayrick.evaluation import EvalDocuments` (the old path of the eval nodes) imports them on first use"
    ),
    ("hayrick.core.registry", "*"): "the table of built-in components names their modules, imported on lookup",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _hayrick_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "hayrick"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "hayrick":
                found.add(node.module)
    return found


def _prefixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts) + 1)]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path):
    module = _module_name(path)
    layer = _layer(module)
    if layer not in MAY_IMPORT:
        return
    allowed = MAY_IMPORT[layer] | {layer}
    wrong = []
    for imported in sorted(_hayrick_imports(path)):
        target = _layer(imported)
        if target is None or target in allowed:
            continue
        if (module, "*") in ALLOWED or any((module, prefix) in ALLOWED for prefix in _prefixes(imported)):
            continue
        wrong.append(imported)
    assert not wrong, f"{module} ({layer}) imports {wrong}; {layer} may import only {sorted(allowed)}"


def test_config_does_not_import_the_pipeline_class():
    imports = _hayrick_imports(PACKAGE / "pipelines" / "config.py")
    assert "hayrick.pipelines.base" not in imports and "hayrick.pipelines" not in imports


def test_every_upward_exception_is_still_needed():
    for (module, imported), _reason in ALLOWED.items():
        if imported == "*":
            continue
        base = PACKAGE.parent / module.replace(".", "/")
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        found = _hayrick_imports(path)
        assert any(i == imported or i.startswith(imported + ".") for i in found), (
            f"ALLOWED lists {module} -> {imported}, which is gone: drop it"
        )
