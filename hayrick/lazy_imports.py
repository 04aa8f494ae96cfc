"""Importing on first use: `require()` for optional dependencies (its error names what to install), and
`lazy_exports()` for package `__init__`s that re-export their submodules without importing them all.

```python
from hayrick.lazy_imports import require

faiss = require("faiss", owner="FAISSDocumentStore", extra="faiss")
# ImportError: FAISSDocumentStore needs faiss-cpu: pip install 'hayrick[faiss]' (or pip install faiss-cpu).
```

Heavy libraries are imported where they are used, never when hayrick is imported. `extra`
must be one of the extras that pyproject.toml defines (`EXTRAS` repeats them, and a test
checks both agree); leave it out for a package that no extra brings (the message then names
the package alone).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

#: The extras of pyproject.toml that bring an optional dependency, and what each installs.
EXTRAS: dict[str, tuple[str, ...]] = {
    "inference": ("torch", "transformers"),
    "faiss": ("faiss-cpu",),
    "postgres": ("psycopg2-binary",),
    "ray": ("ray",),
    "milvus": ("pymilvus",),
    "api": ("fastapi", "uvicorn", "python-multipart", "psutil"),
    "onnx": ("onnxruntime", "onnx"),
}

#: Extras whose packages need torch installed first (its CPU build, to avoid GBs of CUDA packages).
_NEEDS_TORCH_FIRST = {"inference"}

#: Import names whose PyPI package has another name.
_PACKAGES = {
    "faiss": "faiss-cpu",
    "psycopg2": "psycopg2-binary",
    "bs4": "beautifulsoup4",
    "magic": "python-magic",
    "python_multipart": "python-multipart",
    "sentence_transformers": "sentence-transformers",
    "sqlalchemy": "sqlalchemy>=2",
}


def install_hint(package: str, extra: str | None = None) -> str:
    """The pip command(s) that bring `package`, through `extra` where one does."""
    if extra is None:
        return f"pip install {package}"
    if extra not in EXTRAS:
        raise ValueError(f"hayrick has no extra {extra!r}; its extras are: {', '.join(EXTRAS)}")
    first = "Install torch first (CPU: pip install torch), then " if extra in _NEEDS_TORCH_FIRST else ""
    return f"{first}pip install 'hayrick[{extra}]' (or pip install {package})"


def require(module: str, *, owner: str, extra: str | None = None, package: str | None = None) -> ModuleType:
    """Import `module` and return it; if it is missing, raise an `ImportError` that says what to install.

    Args:
        module: the import name (`"faiss"`, `"bs4"`).
        owner: what needs it, for the message (`"FAISSDocumentStore"`, `"valid_languages"`).
        extra: the hayrick extra that installs it, if any.
        package: the PyPI name, where it is not the import name (known ones are filled in).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = package or _PACKAGES.get(module, module.split(".")[0])
        raise ImportError(f"{owner} needs {package}: {install_hint(package, extra)}.") from exc


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for a package `__init__` that exports names from its submodules on first use.

    `exports` maps each public name to the submodule that defines it, relative to `package`
    (`{"BM25Retriever": ".retrievers.bm25"}`), so `from hayrick.nodes import BM25Retriever` imports
    the BM25 retriever and nothing else (PEP 562)::

        __getattr__, __dir__ = lazy_exports(__name__, {"BM25Retriever": ".retrievers.bm25"})
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
