"""`FileTypeClassifier`: routes files to the converter for their type, by file extension."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from hayrick.core import BaseComponent
from hayrick.errors import ComponentError

DEFAULT_TYPES: list[str] = ["txt", "pdf", "md", "docx", "html"]

FilePath = str | os.PathLike


class FileTypeClassifier(BaseComponent):
    """Decision node: sends the files of a run to `output_{i+1}`, i being the index of their type in `supported_types`.

    The type is the file extension, compared without case (`REPORT.PDF` is "pdf"). All files of
    one `run()` must have the same type, since they all take one edge; to index a folder of
    mixed files, group them first (`FileTypeClassifier().group_by_type(paths)`) and run the
    pipeline once per group.

    Args:
        supported_types: the extensions to route, one outgoing edge each (without dot; a leading
            dot and upper case are accepted). Default: `["txt", "pdf", "md", "docx", "html"]`.

    Example:
        >>> from hayrick import Pipeline
        >>> from hayrick.nodes.file_converter import PDFToTextConverter, TextConverter
        >>> p = Pipeline()
        >>> p.add_node(FileTypeClassifier(supported_types=["txt", "pdf"]), "Classifier", ["File"])
        >>> p.add_node(TextConverter(), "Text", ["Classifier.output_1"])
        >>> p.add_node(PDFToTextConverter(), "Pdf", ["Classifier.output_2"])
        >>> FileTypeClassifier().run(file_paths=["a.md", "b.MD"])
        ({'file_paths': ['a.md', 'b.MD']}, 'output_3')
    """

    outgoing_edges: ClassVar[int] = len(DEFAULT_TYPES)

    def __init__(self, supported_types: list[str] | None = None) -> None:
        types = list(DEFAULT_TYPES) if supported_types is None else supported_types
        self._normalized = _normalize_types(types)
        self.supported_types = list(types)
        self.outgoing_edges = len(types)  # type: ignore[misc]

    @classmethod
    def _calculate_outgoing_edges(cls, component_params: dict[str, Any]) -> int:
        types = component_params.get("supported_types")
        return len(_normalize_types(list(DEFAULT_TYPES) if types is None else types))

    # ------------------------------------------------------------------------ domain
    def get_type(self, file_path: FilePath) -> str:
        """The supported type of `file_path` (its extension, lower case, without dot).

        Raises:
            ValueError: the file has no extension, or one that is not supported.
        """
        if not isinstance(file_path, (str, os.PathLike)):
            raise TypeError(
                f"FileTypeClassifier: a file path must be a str or a Path, got {type(file_path).__name__}: "
                f"{file_path!r:.80}."
            )
        name = Path(file_path).name.lower()
        matches = [t for t in self._normalized if name.endswith("." + t)]
        if matches:  # the longest wins, so "tar.gz" beats "gz"
            return max(matches, key=len)
        extension = Path(name).suffix.lstrip(".")
        if not extension:
            raise ValueError(
                f"FileTypeClassifier: {os.fspath(file_path)!r} has no file extension, so its type is unknown. "
                f"Rename it with one of the supported extensions: {', '.join(self._normalized)}."
            )
        raise ValueError(
            f"FileTypeClassifier: files of type {extension!r} ({os.fspath(file_path)!r}) are not supported. "
            f"Supported types: {', '.join(self._normalized)}. Add it to supported_types (and connect a "
            "converter to the new edge) or leave such files out."
        )

    def classify(self, file_paths: FilePath | Sequence[FilePath]) -> str:
        """The one type shared by every file in `file_paths`.

        Raises:
            ValueError: no files, an unsupported type, or files of several types.
        """
        paths = _as_list(file_paths)
        if not paths:
            raise ValueError("FileTypeClassifier: file_paths is empty; pass at least one file.")
        groups = self.group_by_type(paths)
        if len(groups) > 1:
            found = "; ".join(f"{t}: {_sample(paths)}" for t, paths in groups.items())
            raise ValueError(
                f"FileTypeClassifier: got files of {len(groups)} types in one run ({found}). All files of one run "
                "take the same edge, so pass one type per run: group them with "
                "FileTypeClassifier(...).group_by_type(file_paths) and run the pipeline once per group."
            )
        return next(iter(groups))

    def group_by_type(self, file_paths: FilePath | Sequence[FilePath]) -> dict[str, list[Any]]:
        """`{type: [paths...]}` in the order the types first appear, e.g. to run a pipeline once per type."""
        groups: dict[str, list[Any]] = {}
        for path in _as_list(file_paths):
            groups.setdefault(self.get_type(path), []).append(path)
        return groups

    def edge_for(self, file_type: str) -> str:
        """The edge name for a supported type, e.g. "output_2" for "pdf" with the default types."""
        return f"output_{self._normalized.index(file_type) + 1}"

    # ------------------------------------------------------------------------ node
    def run(self, file_paths: FilePath | Sequence[FilePath]) -> tuple[dict[str, Any], str]:
        """Route `file_paths` (all of one type) to the edge of their type; outputs `file_paths` as a list."""
        paths = _as_list(file_paths)
        return {"file_paths": paths}, self.edge_for(self.classify(paths))

    def run_batch(  # type: ignore[override]
        self, file_paths: FilePath | Sequence[FilePath] | Sequence[Sequence[FilePath]]
    ) -> tuple[dict[str, Any], str]:
        """Like `run()`; `file_paths` may also be a list of groups (lists), which must all share one type."""
        if isinstance(file_paths, (str, os.PathLike)) or not any(isinstance(g, (list, tuple)) for g in file_paths):
            return self.run(file_paths)  # type: ignore[arg-type]
        groups = [_as_list(group) for group in file_paths]
        types = list(dict.fromkeys(self.classify(group) for group in groups if group))
        if not types:
            raise ValueError("FileTypeClassifier: every group of file_paths is empty; pass at least one file.")
        if len(types) > 1:
            raise ValueError(
                f"FileTypeClassifier.run_batch: the groups of file_paths have different types ({', '.join(types)}), "
                "but one batch takes one edge. Run one batch per type (FileTypeClassifier(...).group_by_type "
                "groups them)."
            )
        return {"file_paths": groups}, self.edge_for(types[0])


def _as_list(file_paths: Any) -> list[Any]:
    if isinstance(file_paths, (str, os.PathLike)):
        return [file_paths]
    if not isinstance(file_paths, Sequence):
        raise TypeError(
            f"FileTypeClassifier: file_paths must be a path or a list of paths, got {type(file_paths).__name__}."
        )
    return list(file_paths)


def _sample(paths: list[Any]) -> str:
    text = ", ".join(os.fspath(p) for p in paths[:3])
    return text + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _normalize_types(types: Any) -> list[str]:
    if isinstance(types, str) or not isinstance(types, Sequence):
        raise ComponentError(
            f"FileTypeClassifier: supported_types must be a list of extensions like ['txt', 'pdf'], got "
            f"{type(types).__name__} {types!r}."
        )
    types = list(types)
    if not types:
        raise ComponentError(
            "FileTypeClassifier: supported_types is empty; list at least one extension, e.g. ['txt', 'pdf'] "
            "(each gets an outgoing edge, output_1, output_2, ...)."
        )
    bad = [t for t in types if not isinstance(t, str) or not t.strip(" .")]
    if bad:
        raise ComponentError(
            f"FileTypeClassifier: supported_types must be file extensions like 'txt' or 'pdf', got {bad!r} in "
            f"{types!r}."
        )
    normalized = [t.strip().lower().lstrip(".") for t in types]
    duplicates = sorted({t for t in normalized if normalized.count(t) > 1})
    if duplicates:
        raise ComponentError(
            f"FileTypeClassifier: supported_types has duplicates ({', '.join(duplicates)}) in {types!r}; each type "
            "gets its own edge, so list each once (case and a leading dot do not matter)."
        )
    return normalized
