"""One shallow error hierarchy, and no bare `Exception` raised anywhere in the package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import hayrick
from hayrick import errors

PACKAGE = Path(hayrick.__file__).parent


def test_every_error_derives_from_hayrick_error_within_three_levels():
    """Shallow (the root and up to three levels), shaped as Haystack 1.x's: `except PipelineConfigError` catches graph mistakes too."""
    classes = [getattr(errors, name) for name in errors.__all__]
    for cls in classes:
        assert issubclass(cls, errors.HayrickError), cls
        depth = [c for c in cls.__mro__ if isinstance(c, type) and issubclass(c, errors.HayrickError)]
        assert len(depth) <= 4, f"{cls.__name__} is nested {len(depth)} deep"
    assert issubclass(errors.PipelineConfigError, ValueError)
    assert issubclass(errors.PipelineValidationError, errors.PipelineConfigError)
    assert issubclass(errors.PipelineConfigFileNotFoundError, FileNotFoundError)
    assert errors.HaystackError is errors.HayrickError
    assert issubclass(errors.DuplicateDocumentError, errors.DocumentStoreError)


def test_node_error_carries_the_node():
    error = errors.NodeError("failed", node_name="Reader", component_type="FARMReader")
    assert (error.node_name, error.component_type, str(error)) == ("Reader", "FARMReader", "failed")


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_bare_exception_is_raised(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            assert not (isinstance(target, ast.Name) and target.id in ("Exception", "BaseException")), (
                f"{path}:{node.lineno} raises a bare {target.id}; raise a hayrick.errors class instead"
            )
