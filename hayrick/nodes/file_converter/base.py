"""`BaseConverter`: the contract every file converter follows (text, PDF, Markdown, ...).

A converter turns files into `Document`s. `convert()` does one file; `run()` does a list of
files for a pipeline whose root is `File`:

```python
from hayrick import Pipeline
from hayrick.nodes.file_converter import TextConverter

p = Pipeline()
p.add_node(TextConverter(), "TextConverter", ["File"])
docs = p.run(file_paths=["a.txt", "b.txt"], meta={"source": "wiki"})["documents"]
```

Every document's `meta` holds `name` (the file name) and `file_path` (the path as given),
then the `meta` passed for that file (which wins on a clash).
"""

from __future__ import annotations

import logging
import os
from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from tqdm import tqdm

from hayrick.core import BaseComponent
from hayrick.lazy_imports import require
from hayrick.schema import Document

logger = logging.getLogger(__name__)

FilePath = str | os.PathLike
MetaArg = dict[str, Any] | Sequence[dict[str, Any] | None] | None

#: Show a progress bar only when converting at least this many files.
PROGRESS_BAR_MIN_FILES = 20

#: Typographic ligatures `run()` expands (Haystack 1.x's list; IPA letters such as "ɪ" are not ligatures).
KNOWN_LIGATURES: dict[str, str] = {
    # Latin
    "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st",
    "Ǳ": "DZ", "ǲ": "Dz", "ǳ": "dz", "Ǆ": "DŽ", "ǅ": "Dž", "ǆ": "dž",
    "Ꜩ": "Tz", "ꜩ": "tz", "🙰": "et", "℔": "lb", "ᵫ": "ue", "Ĳ": "IJ", "ĳ": "ij", "ꝏ": "oo",
    # Armenian
    "ﬓ": "մն", "ﬔ": "մե", "ﬕ": "մի", "ﬖ": "վն", "ﬗ": "մխ",
}  # fmt: skip


class BaseConverter(BaseComponent):
    """Base class of file converters: implement `convert()`, get `run()` and `run_batch()`.

    Args:
        remove_numeric_tables: drop lines where more than 40% of the words hold a digit and that
            do not end with "." (a heuristic for numeric tables, as in Haystack 1.x). Useful for
            QA with readers that cannot read tables.
        valid_languages: ISO 639-1 codes (`["en", "de"]`); a file whose text is detected as another
            language is logged as a warning (it may have been decoded wrongly). Needs `langdetect`.
        id_hash_keys: what the document ids cover besides the content (see `Document`).
        progress_bar: show a progress bar when converting many files.

    Example:
        >>> class Upper(BaseConverter):
        ...     def convert(self, file_path, meta=None, encoding=None, id_hash_keys=None, **kwargs):
        ...         text = Path(file_path).read_text().upper()
        ...         return [Document(content=text, meta=self.file_meta(file_path, meta))]
        >>> Upper().run(file_paths=["notes.txt"])[0]["documents"]  # doctest: +SKIP
    """

    outgoing_edges: ClassVar[int] = 1

    def __init__(
        self,
        remove_numeric_tables: bool = False,
        valid_languages: list[str] | None = None,
        id_hash_keys: list[str] | None = None,
        progress_bar: bool = True,
    ) -> None:
        if valid_languages is not None:
            if isinstance(valid_languages, str) or not all(isinstance(x, str) for x in valid_languages):
                raise TypeError(
                    f"{type(self).__name__}: valid_languages must be a list of ISO 639-1 codes like ['en', 'de'], "
                    f"got {valid_languages!r}."
                )
            require("langdetect", owner=f"{type(self).__name__}(valid_languages=...)")
        self.remove_numeric_tables = remove_numeric_tables
        self.valid_languages = list(valid_languages) if valid_languages else None
        self.id_hash_keys = id_hash_keys
        self.progress_bar = progress_bar

    @abstractmethod
    def convert(
        self,
        file_path: FilePath,
        meta: dict[str, Any] | None = None,
        encoding: str | None = None,
        id_hash_keys: list[str] | None = None,
        *,
        remove_numeric_tables: bool | None = None,
        valid_languages: list[str] | None = None,
    ) -> list[Document]:
        """Convert one file into documents.

        Args:
            file_path: the file to read.
            meta: meta data for its documents (added after `name` and `file_path`).
            encoding: the text encoding, where the format has one (default: the converter's).
            id_hash_keys: overrides the converter's `id_hash_keys`.
            remove_numeric_tables: overrides the converter's setting.
            valid_languages: overrides the converter's setting.

        Raises:
            FileNotFoundError: the file does not exist.
            ValueError: the file cannot be read in this format.
        """

    def run(  # type: ignore[override]
        self,
        file_paths: FilePath | Sequence[FilePath],
        meta: MetaArg = None,
        remove_numeric_tables: bool | None = None,
        known_ligatures: dict[str, str] | None = None,
        valid_languages: list[str] | None = None,
        encoding: str | None = None,
        id_hash_keys: list[str] | None = None,
        raise_on_failure: bool = True,
    ) -> tuple[dict[str, Any], str]:
        """Convert every file of `file_paths`; returns `({"documents": [...]}, "output_1")`.

        Args:
            file_paths: one path or a list of paths.
            meta: one dict for every file, or a list with one dict (or None) per file.
            remove_numeric_tables, valid_languages, encoding, id_hash_keys: override the
                converter's settings for this call.
            known_ligatures: ligatures to expand in the text, `{"ﬁ": "fi"}` (default:
                `KNOWN_LIGATURES`; `{}` keeps them). As in Haystack 1.x, the document ids are those
                of the text before the expansion.
            raise_on_failure: with False, a file that cannot be converted is skipped and named in a
                warning, and the other files are converted.
        """
        documents = self.convert_files(
            file_paths,
            meta,
            known_ligatures=known_ligatures,
            raise_on_failure=raise_on_failure,
            remove_numeric_tables=remove_numeric_tables,
            valid_languages=valid_languages,
            encoding=encoding,
            id_hash_keys=id_hash_keys,
        )
        return {"documents": documents}, "output_1"

    def run_batch(  # type: ignore[override]
        self,
        file_paths: FilePath | Sequence[FilePath] | Sequence[Sequence[FilePath]],
        meta: MetaArg | Sequence[MetaArg] = None,
        remove_numeric_tables: bool | None = None,
        known_ligatures: dict[str, str] | None = None,
        valid_languages: list[str] | None = None,
        encoding: str | None = None,
        id_hash_keys: list[str] | None = None,
        raise_on_failure: bool = True,
    ) -> tuple[dict[str, Any], str]:
        """Like `run()`; a list of lists of paths gives a list of lists of documents.

        With grouped `file_paths`, `meta` is one dict for every file or a list with one entry per
        group (each a dict, a list of dicts aligned with the group's files, or None).
        """
        options = {
            "remove_numeric_tables": remove_numeric_tables,
            "known_ligatures": known_ligatures,
            "valid_languages": valid_languages,
            "encoding": encoding,
            "id_hash_keys": id_hash_keys,
            "raise_on_failure": raise_on_failure,
        }
        if isinstance(file_paths, (str, os.PathLike)) or not all(
            isinstance(group, (list, tuple)) for group in file_paths
        ):
            return self.run(file_paths, meta, **options)  # type: ignore[arg-type]
        groups = list(file_paths)
        if meta is None or isinstance(meta, dict):
            group_metas: list[Any] = [meta] * len(groups)
        else:
            group_metas = list(meta)
            if len(group_metas) != len(groups):
                raise ValueError(
                    f"{type(self).__name__}.run_batch: meta has {len(group_metas)} entries but file_paths has "
                    f"{len(groups)} groups. Pass one dict for all files, or one entry per group."
                )
        documents = [self.convert_files(g, m, **options) for g, m in zip(groups, group_metas, strict=True)]  # type: ignore[arg-type]
        return {"documents": documents}, "output_1"

    def convert_files(
        self,
        file_paths: FilePath | Sequence[FilePath],
        meta: MetaArg = None,
        known_ligatures: dict[str, str] | None = None,
        raise_on_failure: bool = True,
        **options: Any,
    ) -> list[Document]:
        """Convert several files (the work behind `run()`); `options` go to `convert()`."""
        paths = [file_paths] if isinstance(file_paths, (str, os.PathLike)) else list(file_paths)
        metas = self._align_meta(paths, meta)
        show = self.progress_bar and len(paths) >= PROGRESS_BAR_MIN_FILES
        documents: list[Document] = []
        failed: list[str] = []
        for path, file_meta in tqdm(
            list(zip(paths, metas, strict=True)),
            desc=f"Converting ({type(self).__name__})",
            unit="files",
            disable=not show,
        ):
            try:
                documents.extend(self.convert(path, meta=file_meta, **options))
            except Exception as error:
                if raise_on_failure:
                    raise
                logger.debug("%s: converting %s failed: %s", type(self).__name__, path, error)
                failed.append(os.fspath(path))
        if failed:
            logger.warning("Conversion of the following file paths failed: %s", ",".join(failed))
        ligatures = KNOWN_LIGATURES if known_ligatures is None else known_ligatures
        if ligatures:
            documents = [expand_ligatures(doc, ligatures) for doc in documents]
        return documents

    def _align_meta(self, paths: list[Any], meta: MetaArg) -> list[dict[str, Any] | None]:
        if meta is None or isinstance(meta, dict):
            return [meta] * len(paths)
        if isinstance(meta, (str, bytes)) or not isinstance(meta, Sequence):
            raise TypeError(
                f"{type(self).__name__}: meta must be a dict for every file or a list with one dict per file, "
                f"got {type(meta).__name__}."
            )
        metas = list(meta)
        if len(metas) != len(paths):
            raise ValueError(
                f"{type(self).__name__}: meta has {len(metas)} entries but file_paths has {len(paths)}. "
                "Pass one dict for all files, or a list with one dict (or None) per file, in the same order."
            )
        for i, item in enumerate(metas):
            if item is not None and not isinstance(item, dict):
                raise TypeError(f"{type(self).__name__}: meta[{i}] must be a dict or None, got {type(item).__name__}.")
        return metas

    # ------------------------------------------------------------------ helpers for subclasses
    def check_file(self, file_path: FilePath) -> Path:
        """`file_path` as a `Path`; raises `FileNotFoundError` (or `IsADirectoryError`) naming it."""
        if not isinstance(file_path, (str, os.PathLike)):
            raise TypeError(
                f"{type(self).__name__}: a file path must be a str or a Path, got {type(file_path).__name__}: "
                f"{file_path!r:.80}."
            )
        path = Path(file_path)
        if not path.exists():
            raise FileNotFoundError(f"{type(self).__name__}: file not found: {os.fspath(file_path)!r}.")
        if path.is_dir():
            raise IsADirectoryError(
                f"{type(self).__name__}: {os.fspath(file_path)!r} is a folder, not a file. Pass the files in it, "
                "e.g. [str(p) for p in Path(folder).glob('*.txt')]."
            )
        return path

    @staticmethod
    def file_meta(file_path: FilePath, meta: dict[str, Any] | None) -> dict[str, Any]:
        """`{"name": <file name>, "file_path": <path as given>}` updated with `meta`."""
        return {"name": Path(file_path).name, "file_path": os.fspath(file_path), **(meta or {})}

    def clean_text(
        self,
        text: str,
        file_path: FilePath,
        remove_numeric_tables: bool | None = None,
        valid_languages: list[str] | None = None,
        split_lines: bool = True,
    ) -> str:
        """Apply `remove_numeric_tables` page by page and check the language; returns the text.

        With `split_lines` (as Haystack 1.x's text and PDF converters) each page is cut into lines
        (`str.splitlines`) and joined again with "\\n": line ends become "\\n" and a page's final
        line end goes, so the text, and the document id, are the ones Haystack computes.
        """
        drop_tables = remove_numeric_tables if remove_numeric_tables is not None else self.remove_numeric_tables
        if drop_tables or split_lines:
            text = "\f".join(_clean_page(page, drop_tables) for page in text.split("\f"))
        languages = valid_languages if valid_languages is not None else self.valid_languages
        if languages and not self.validate_language(text, languages):
            logger.warning(
                "The language for %s is not one of %s. The file may not have been decoded in the correct text format.",
                os.fspath(file_path),
                languages,
            )
        return text

    def validate_language(self, text: str, valid_languages: list[str] | None = None) -> bool:
        """Whether `text` is in one of `valid_languages` (True when none are given). Needs `langdetect`."""
        languages = valid_languages if valid_languages is not None else self.valid_languages
        if not languages or not text.strip():
            return True
        langdetect = require("langdetect", owner=f"{type(self).__name__}(valid_languages=...)")
        try:
            return langdetect.detect(text) in languages
        except langdetect.lang_detect_exception.LangDetectException:
            return False


def _clean_page(page: str, drop_tables: bool) -> str:
    """The lines of `page` joined by "\\n", without those of numeric tables when `drop_tables`."""
    kept = []
    for line in page.splitlines():
        if drop_tables:
            words = line.split()
            digits = [w for w in words if any(c.isdigit() for c in w)]
            if words and len(digits) / len(words) > 0.4 and not line.strip().endswith("."):
                continue
        kept.append(line)
    return "\n".join(kept)


def expand_ligatures(document: Document, ligatures: dict[str, str]) -> Document:
    """`document` with `ligatures` expanded in its text, keeping its id (as Haystack 1.x does)."""
    content = document.content
    if not isinstance(content, str) or not any(ligature in content for ligature in ligatures):
        return document
    for ligature, letters in ligatures.items():
        content = content.replace(ligature, letters)
    return document.model_copy(update={"content": content})
