"""`PDFToTextConverter`: the text layer of PDF files to documents, with pypdf."""

from __future__ import annotations

import logging
import os
from typing import Any

from hayrick.errors import FileConversionError
from hayrick.lazy_imports import require
from hayrick.nodes.file_converter.base import BaseConverter, FilePath
from hayrick.schema import Document

logger = logging.getLogger(__name__)

#: What pypdf raises on a damaged file besides its own errors (it parses untrusted bytes).
_PARSE_ERRORS: tuple[type[BaseException], ...] = (ValueError, KeyError, TypeError, IndexError, AttributeError)


class PDFToTextConverter(BaseConverter):
    """Extracts the text of a PDF with pypdf into one `Document` per file.

    Pages are separated by a form feed "\\f", as Haystack 1.x does, so `PreProcessor` can number
    pages (`add_page_number=True`) and remove repeated headers and footers
    (`clean_header_footer=True`). Only the text layer is read: a scanned PDF without one gives an
    empty text (and a warning); run OCR on it first.

    PDFs encrypted with an empty user password (copy or print restrictions only) are read; a
    PDF that needs a password, or a damaged one, is a `ValueError` naming the file.

    Args:
        remove_numeric_tables, valid_languages, id_hash_keys, progress_bar: see `BaseConverter`.
        keep_physical_layout: lay the text out as it looks on the page (pypdf's "layout"
            extraction mode: columns and indentation kept with spaces) instead of reading order.

    Raises:
        ImportError: pypdf is not installed (`pip install pypdf`).

    Example:
        >>> converter = PDFToTextConverter()
        >>> doc = converter.convert("report.pdf", start_page=2, end_page=3)[0]  # doctest: +SKIP
        >>> doc.content.split("\\f")  # doctest: +SKIP
        ['text of page 2', 'text of page 3']
    """

    def __init__(
        self,
        remove_numeric_tables: bool = False,
        valid_languages: list[str] | None = None,
        id_hash_keys: list[str] | None = None,
        progress_bar: bool = True,
        keep_physical_layout: bool = False,
    ) -> None:
        require("pypdf", owner="PDFToTextConverter")
        super().__init__(
            remove_numeric_tables=remove_numeric_tables,
            valid_languages=valid_languages,
            id_hash_keys=id_hash_keys,
            progress_bar=progress_bar,
        )
        self.keep_physical_layout = keep_physical_layout

    def convert(
        self,
        file_path: FilePath,
        meta: dict[str, Any] | None = None,
        encoding: str | None = None,
        id_hash_keys: list[str] | None = None,
        *,
        remove_numeric_tables: bool | None = None,
        valid_languages: list[str] | None = None,
        start_page: int | None = None,
        end_page: int | None = None,
    ) -> list[Document]:
        """Extract the text of `file_path`; see `BaseConverter.convert`.

        Args:
            encoding: ignored (a PDF says how its text is encoded); accepted for a uniform `run()`.
            start_page: first page to read, counting from 1 (default: the first).
            end_page: last page to read, included (default: the last).

        Raises:
            FileNotFoundError: the file does not exist.
            ValueError: the PDF is damaged, needs a password, or the page range is wrong.
        """
        path = self.check_file(file_path)
        pages = self.extract_pages(path, start_page=start_page, end_page=end_page)
        text = "\f".join(pages)
        if not text.strip():
            logger.warning(
                "%s: no text found in %s; it may be a scanned PDF without a text layer (run OCR on it first).",
                type(self).__name__,
                os.fspath(file_path),
            )
        text = self.clean_text(text, file_path, remove_numeric_tables, valid_languages)
        keys = id_hash_keys if id_hash_keys is not None else self.id_hash_keys
        return [Document(content=text, meta=self.file_meta(file_path, meta), id_hash_keys=keys)]

    def extract_pages(
        self, file_path: FilePath, start_page: int | None = None, end_page: int | None = None
    ) -> list[str]:
        """The text of each page of `file_path` from `start_page` to `end_page` (1-based, included)."""
        pypdf = require("pypdf", owner="PDFToTextConverter")
        name = os.fspath(file_path)
        owner = type(self).__name__
        unreadable = (pypdf.errors.PyPdfError, *_PARSE_ERRORS)
        try:
            reader = pypdf.PdfReader(name, strict=False)
            locked = reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
            n_pages = 0 if locked else len(reader.pages)
        except pypdf.errors.DependencyError as exc:
            raise ImportError(
                f"{owner}: reading {name!r} needs an optional dependency of pypdf ({exc}); for AES-encrypted "
                "PDFs: pip install 'pypdf[crypto]'."
            ) from exc
        except unreadable as exc:
            raise _unreadable(owner, name, exc) from exc
        if locked:
            raise FileConversionError(
                f"{owner}: {name!r} is encrypted and needs a password to be read. Decrypt it first "
                "(e.g. `qpdf --decrypt --password=... in.pdf out.pdf`) and convert the decrypted copy."
            )
        first, last = _page_range(owner, name, n_pages, start_page, end_page)
        mode = "layout" if self.keep_physical_layout else "plain"
        try:
            return [reader.pages[i].extract_text(extraction_mode=mode) for i in range(first - 1, last)]
        except unreadable as exc:
            raise _unreadable(owner, name, exc) from exc


def _unreadable(owner: str, name: str, exc: BaseException) -> ValueError:
    return ValueError(
        f"{owner}: could not read {name!r} as a PDF ({type(exc).__name__}: {exc}). The file may be damaged, "
        "encrypted or not a PDF; check that it opens in a PDF viewer."
    )


def _page_range(owner: str, name: str, n_pages: int, start: int | None, end: int | None) -> tuple[int, int]:
    first = 1 if start is None else start
    last = n_pages if end is None else min(end, n_pages)
    if first < 1 or (end is not None and end < first):
        raise FileConversionError(
            f"{owner}: invalid page range start_page={start}, end_page={end} for {name!r}; pages count from 1 "
            f"and end_page must be >= start_page (the file has {n_pages} pages)."
        )
    return first, last

