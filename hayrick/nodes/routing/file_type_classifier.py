"""`FileTypeClassifier`: routes files to the converter for their type, by file extension or content."""

from __future__ import annotations

import logging
import mimetypes
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from hayrick.core import BaseComponent
from hayrick.errors import ComponentError

try:  # libmagic, for files without an extension; without it those files are of unknown type
    import magic
except (ImportError, OSError):  # python-magic missing, or the libmagic library it loads
    magic = None

DEFAULT_TYPES: list[str] = ["txt", "pdf", "md", "docx", "html", "media"]
#: With the default types, files of these types (by extension or content) take the "media" edge.
DEFAULT_MEDIA_TYPES: list[str] = ["mp3", "mp4", "mpeg", "m4a", "wav", "webm"]
#: How many bytes are read to guess the type of a file from its content (unless `full_analysis`).
SNIFF_BYTES = 2049
#: The edge for unsupported files with `raise_on_error=False`: no node hangs on it, so they go nowhere.
DEAD_END_EDGE = "output_dead_end"

logger = logging.getLogger(__name__)

FilePath = str | os.PathLike


class FileTypeClassifier(BaseComponent):
    """Decision node: sends the files of a run to `output_{i+1}`, i being the index of their type in `supported_types`.

    The type is the file extension, compared without case (`REPORT.PDF` is "pdf"). A file without
    an extension is typed from its content (its MIME type, read by libmagic through
    `python-magic`, as Haystack 1.x does): a PDF called `report` is "pdf". With the default types,
    audio and video files (`DEFAULT_MEDIA_TYPES`, by extension or content) take the "media" edge.
    All files of one `run()` must have the same type, since they all take one edge; to index a
    folder of mixed files, group them first (`FileTypeClassifier().group_by_type(paths)`) and run
    the pipeline once per group.

    Args:
        supported_types: the types to route, one outgoing edge each (extensions without dot; a
            leading dot and upper case are accepted; "" routes files of unknown type). Default:
            `["txt", "pdf", "md", "docx", "html", "media"]`.
        full_analysis: read whole files, not their first 2049 bytes, to type them from content.
        raise_on_error: an unsupported type is a `ValueError` (default). With False, the files take
            the edge "output_dead_end", on which no node hangs: the run ends there, with a warning.

    Example:
        >>> from hayrick import Pipeline
        >>> from hayrick.nodes.file_converter import PDFToTextConverter, TextConverter
        >>> p = Pipeline()
        >>> p.add_node(FileTypeClassifier(supported_types=["txt", "pdf"]), "Classifier", ["File"])
        >>> p.add_node(TextConverter(), "Text", ["Classifier.output_1"])
        >>> p.add_node(PDFToTextConverter(), "Pdf", ["Classifier.output_2"])
        >>> FileTypeClassifier().run(file_paths=["a.md", "b.MD"])
        ({'file_paths': [PosixPath('a.md'), PosixPath('b.MD')]}, 'output_3')
    """

    outgoing_edges: ClassVar[int] = len(DEFAULT_TYPES)

    def __init__(
        self, supported_types: list[str] | None = None, full_analysis: bool = False, raise_on_error: bool = True
    ) -> None:
        types = list(DEFAULT_TYPES) if supported_types is None else supported_types
        self._normalized = _normalize_types(types)
        self._default_types = supported_types is None
        self.supported_types = list(types)
        self.full_analysis = full_analysis
        self.raise_on_error = raise_on_error
        self.outgoing_edges = len(types)  # type: ignore[misc]

    @classmethod
    def _calculate_outgoing_edges(cls, component_params: dict[str, Any]) -> int:
        types = component_params.get("supported_types")
        return len(_normalize_types(list(DEFAULT_TYPES) if types is None else types))

    # ------------------------------------------------------------------------ domain
    def get_type(self, file_path: FilePath) -> str:
        """The supported type of `file_path`: its extension (lower case, without dot), else its content's.

        Raises:
            ValueError: the type is not supported (or unknown: no extension, and content that
                says nothing).
            FileNotFoundError: the file has no extension (or a media one, with the default types)
                and does not exist, so its content cannot be read.
        """
        return self._supported(self.guess_type(file_path), file_path)

    def _supported(self, file_type: str, file_path: FilePath) -> str:
        if file_type in self._normalized:
            return file_type
        name = os.fspath(file_path)
        if not file_type:
            raise ValueError(
                f"FileTypeClassifier: the type of {name!r} is unknown: it has no file extension and its content "
                f"does not tell (is python-magic installed?). Rename it with one of the supported extensions: "
                f"{', '.join(self._normalized)}."
            )
        raise ValueError(
            f"FileTypeClassifier: Files of type {file_type!r} ({name!r}) are not supported. "
            f"Supported types: {', '.join(self._normalized)}. Add it to supported_types (and connect a "
            "converter to the new edge), pass raise_on_error=False to skip such files, or leave them out."
        )

    def guess_type(self, file_path: FilePath) -> str:
        """The type of `file_path` whether supported or not: a supported extension, else the extension,
        else the type its content shows ("" when nothing does). Media types map to "media" with the
        default types."""
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
        if not extension or (self._default_types and extension in DEFAULT_MEDIA_TYPES):
            extension = self.sniff_type(file_path)
        return extension

    def sniff_type(self, file_path: FilePath) -> str:
        """The type of `file_path` from its content: the usual extension of its MIME type ("" if unknown).

        With the default types, media types are "media". Needs `python-magic` (and the libmagic
        library: `apt install libmagic1`, `brew install libmagic`); without it, logs an error and
        returns "".
        """
        with open(file_path, "rb") as handle:
            head = handle.read() if self.full_analysis else handle.read(SNIFF_BYTES)
        magic = globals().get("magic")
        try:
            if magic is None:
                raise ImportError("python-magic is not installed")
            mime = magic.from_buffer(head, mime=True)
        except ImportError:
            logger.error(
                "FileTypeClassifier: the type of %r could not be guessed from its content because python-magic is "
                "not installed (pip install python-magic; it needs the libmagic library: apt install libmagic1).",
                os.fspath(file_path),
            )
            return ""
        file_type = (mimetypes.guess_extension(mime) or "").lstrip(".")
        if self._default_types and file_type in DEFAULT_MEDIA_TYPES:
            return "media"
        return file_type

    def classify(self, file_paths: FilePath | Sequence[FilePath]) -> str:
        """The one type shared by every file in `file_paths`.

        Raises:
            ValueError: no files, an unsupported type, or files of several types.
        """
        paths = _as_list(file_paths)
        if not paths:
            raise ValueError("FileTypeClassifier: file_paths is empty; pass at least one file.")
        groups: dict[str, list[Any]] = {}
        for path in paths:
            groups.setdefault(self.guess_type(path), []).append(path)
        if len(groups) > 1:
            found = "; ".join(f"{t or 'unknown'}: {_sample(paths)}" for t, paths in groups.items())
            raise ValueError(
                f"FileTypeClassifier: Multiple non-default file types are not allowed at once: got files of "
                f"{len(groups)} types in one run ({found}). All files of one run "
                "take the same edge, so pass one type per run: group them with "
                "FileTypeClassifier(...).group_by_type(file_paths) and run the pipeline once per group."
            )
        return self._supported(next(iter(groups)), paths[0])

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
        """Route `file_paths` (all of one type) to the edge of their type; outputs `file_paths` as a list of Paths.

        With `raise_on_error=False`, unsupported files take the edge "output_dead_end" (a warning
        says so); files of several types are an error either way.
        """
        paths = [_as_path(p) for p in _as_list(file_paths)]
        try:
            file_type = self.classify(paths)
        except ValueError:
            types = list(dict.fromkeys(self.guess_type(p) for p in paths))
            if self.raise_on_error or len(types) != 1:
                raise
            logger.warning(
                "Unsupported files of type '%s' (%s) found. Unsupported file types will be ignored during indexing as "
                "`raise_on_error` is set to `False`. The supported types are: %s.",
                types[0], paths[0], self.supported_types,
            )  # fmt: skip
            return {"file_paths": paths}, DEAD_END_EDGE
        return {"file_paths": paths}, self.edge_for(file_type)

    def run_batch(  # type: ignore[override]
        self, file_paths: FilePath | Sequence[FilePath] | Sequence[Sequence[FilePath]]
    ) -> tuple[dict[str, Any], str]:
        """Like `run()`; `file_paths` may also be a list of groups (lists), which must all share one type."""
        if isinstance(file_paths, (str, os.PathLike)) or not any(isinstance(g, (list, tuple)) for g in file_paths):
            return self.run(file_paths)  # type: ignore[arg-type]
        groups = [[_as_path(p) for p in _as_list(group)] for group in file_paths]
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


def routed_file_types(components: Iterable[Any]) -> set[str] | None:
    """The file types (lower case, no dot: "txt", "pdf") that the first of `components` with `supported_types`
    (a FileTypeClassifier) routes, or None when none has them: an indexing pipeline then takes every file.

    Example: `routed_file_types(pipeline.node_components.values())`.
    """
    for component in components:
        types = getattr(component, "supported_types", None)
        if types:
            return {t.lower().lstrip(".") for t in types}
    return None


def _as_list(file_paths: Any) -> list[Any]:
    if isinstance(file_paths, (str, os.PathLike)):
        return [file_paths]
    if not isinstance(file_paths, Sequence):
        raise TypeError(
            f"FileTypeClassifier: file_paths must be a path or a list of paths, got {type(file_paths).__name__}."
        )
    return list(file_paths)


def _as_path(file_path: Any) -> Path:
    if not isinstance(file_path, (str, os.PathLike)):
        raise TypeError(
            f"FileTypeClassifier: a file path must be a str or a Path, got {type(file_path).__name__}: "
            f"{file_path!r:.80}."
        )
    return Path(file_path)


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
    # "" is the type of files whose type is unknown (no extension, content that says nothing), as in Haystack
    bad = [t for t in types if not isinstance(t, str) or (t and not t.strip(" ."))]
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
