"""`TextConverter`: plain-text files to documents."""

from __future__ import annotations

import codecs
from typing import Any

from hayrick.errors import FileConversionError
from hayrick.nodes.file_converter.base import BaseConverter, FilePath
from hayrick.schema import Document


class TextConverter(BaseConverter):
    """Reads a plain-text file into one `Document`.

    The text is kept as it is, except that line ends become "\\n", the last line end of each
    page goes (as in Haystack 1.x, so document ids match Haystack's) and a UTF-8 byte-order mark
    is dropped. Form feeds ("\\f") stay: they are page breaks to `PreProcessor` (Haystack 1.x's
    TextConverter dropped them). A file that is not valid in `encoding` is an error that names the file and
    the `encoding` option (bytes are never dropped silently).

    Args:
        remove_numeric_tables, valid_languages, id_hash_keys, progress_bar: see `BaseConverter`.
        encoding: the files' text encoding (any name Python's `codecs` knows).

    Example:
        >>> converter = TextConverter(encoding="utf-8")
        >>> docs = converter.convert("notes.txt", meta={"source": "wiki"})  # doctest: +SKIP
        >>> docs[0].meta  # doctest: +SKIP
        {'name': 'notes.txt', 'file_path': 'notes.txt', 'source': 'wiki'}
    """

    def __init__(
        self,
        remove_numeric_tables: bool = False,
        valid_languages: list[str] | None = None,
        id_hash_keys: list[str] | None = None,
        progress_bar: bool = True,
        encoding: str = "utf-8",
    ) -> None:
        super().__init__(
            remove_numeric_tables=remove_numeric_tables,
            valid_languages=valid_languages,
            id_hash_keys=id_hash_keys,
            progress_bar=progress_bar,
        )
        _check_encoding(type(self).__name__, encoding)
        self.encoding = encoding

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
        """Read `file_path` as text; see `BaseConverter.convert`.

        Raises:
            FileNotFoundError: the file does not exist.
            ValueError: the file is not valid text in `encoding`, or the encoding is unknown.
        """
        path = self.check_file(file_path)
        text = read_text(path, encoding or self.encoding, type(self).__name__)
        text = self.clean_text(text, file_path, remove_numeric_tables, valid_languages)
        keys = id_hash_keys if id_hash_keys is not None else self.id_hash_keys
        return [Document(content=text, meta=self.file_meta(file_path, meta), id_hash_keys=keys)]


def read_text(path: FilePath, encoding: str, owner: str) -> str:
    """The text of `path` decoded strictly with `encoding`, with "\\n" line ends and no UTF-8 BOM.

    Raises:
        ValueError: the bytes are not valid in `encoding` (the message names the file and the option).
    """
    codec = _check_encoding(owner, encoding)
    if codec == "utf-8":
        encoding = "utf-8-sig"
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileConversionError(
            f"{owner}: could not decode {str(path)!r} as {encoding.removesuffix('-sig')}: byte "
            f"{data[exc.start : exc.start + 1]!r} at position {exc.start} is invalid ({exc.reason}). Pass the "
            f"file's encoding with the `encoding` option, e.g. {owner}(encoding='latin-1'), convert(..., "
            "encoding='latin-1') or Pipeline.run(..., params={'<node name>': {'encoding': 'latin-1'}})."
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_encoding(owner: str, encoding: str) -> str:
    if not isinstance(encoding, str):
        raise TypeError(f"{owner}: encoding must be a str like 'utf-8', got {type(encoding).__name__}.")
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise FileConversionError(
            f"{owner}: unknown encoding {encoding!r}. Use a name Python knows, like 'utf-8', 'latin-1' or 'cp1252'."
        ) from None
