"""`PDFToTextConverter`: the text layer of PDF files to documents, with pdftotext (as Haystack 1.26) or pypdf."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from typing import Any

from hayrick._checks import is_int
from hayrick.errors import ComponentError, FileConversionError
from hayrick.lazy_imports import require
from hayrick.nodes.file_converter.base import BaseConverter, FilePath
from hayrick.schema import Document

logger = logging.getLogger(__name__)

#: What pypdf raises on a damaged file besides its own errors (it parses untrusted bytes).
_PARSE_ERRORS: tuple[type[BaseException], ...] = (ValueError, KeyError, TypeError, IndexError, AttributeError)
BACKENDS = ("auto", "pdftotext", "pypdf")
#: Seconds pdftotext may take on one file before the converter gives up on it.
PDFTOTEXT_TIMEOUT_S = 300


class PDFToTextConverter(BaseConverter):
    """Extracts the text of a PDF into one `Document` per file.

    The text comes from `pdftotext` (poppler-utils or xpdf; `apt install poppler-utils`) where it
    is installed, as in Haystack 1.26, so the text is the same as Haystack's; otherwise from pypdf
    (pure Python, so nothing to install; its line breaks and spaces differ a little). `backend`
    picks one explicitly. Pages are separated by a form feed "\\f", so `PreProcessor` can number
    pages (`add_page_number=True`) and remove repeated headers and footers
    (`clean_header_footer=True`). Only the text layer is read: a scanned PDF without one gives an
    empty text (and a warning); run OCR on it first. `run()` expands typographic ligatures
    ("ﬁ" to "fi", see `BaseConverter.run`).

    PDFs encrypted with an empty user password (copy or print restrictions only) are read; a
    PDF that needs a password, or a damaged one, is a `ValueError` naming the file.

    Args:
        remove_numeric_tables, valid_languages, id_hash_keys, progress_bar: see `BaseConverter`.
        encoding: the text encoding pdftotext writes (default "UTF-8", as Haystack 1.x).
        keep_physical_layout: lay the text out as it looks on the page (columns and indentation
            kept with spaces: pdftotext's `-layout`, pypdf's "layout" mode) instead of reading order.
        backend: "auto" (pdftotext if it is on the PATH, else pypdf), "pdftotext" or "pypdf".

    Raises:
        ImportError: the backend is not installed.

    Example:
        >>> converter = PDFToTextConverter()
        >>> doc = converter.convert("report.pdf", start_page=2, end_page=3)[0]  # doctest: +SKIP
        >>> doc.content.split("\\f")  # pages before start_page are empty, so page numbers hold  # doctest: +SKIP
        ['', 'text of page 2', 'text of page 3']
    """

    def __init__(
        self,
        remove_numeric_tables: bool = False,
        valid_languages: list[str] | None = None,
        id_hash_keys: list[str] | None = None,
        encoding: str | None = "UTF-8",
        keep_physical_layout: bool = False,
        progress_bar: bool = True,
        backend: str = "auto",
    ) -> None:
        if backend not in BACKENDS:
            raise ComponentError(
                f"PDFToTextConverter: backend must be one of {', '.join(map(repr, BACKENDS))}, got {backend!r}."
            )
        if backend == "pdftotext" and shutil.which("pdftotext") is None:
            raise FileNotFoundError(
                "PDFToTextConverter(backend='pdftotext'): pdftotext is not installed. It is part of poppler-utils "
                "(apt install poppler-utils, brew install poppler) or xpdf; or use backend='pypdf'."
            )
        if backend != "pdftotext":
            require("pypdf", owner="PDFToTextConverter")
        super().__init__(
            remove_numeric_tables=remove_numeric_tables,
            valid_languages=valid_languages,
            id_hash_keys=id_hash_keys,
            progress_bar=progress_bar,
        )
        self.encoding = encoding
        self.keep_physical_layout = keep_physical_layout
        self.backend = backend

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
            encoding: the encoding pdftotext writes its text in (default: the converter's); pypdf ignores it.
            start_page: first page to read, counting from 1 (default: the first); the pages before
                it are empty pages of the text, so page numbers stay those of the file.
            end_page: last page to read, included (default: the last).

        Raises:
            FileNotFoundError: the file does not exist.
            ValueError: the PDF is damaged, needs a password, or the page range is wrong.
        """
        path = self.check_file(file_path)
        pages = self.extract_pages(path, start_page=start_page, end_page=end_page, encoding=encoding)
        text = "\f".join([""] * ((start_page or 1) - 1) + pages)
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
        self,
        file_path: FilePath,
        start_page: int | None = None,
        end_page: int | None = None,
        encoding: str | None = None,
    ) -> list[str]:
        """The text of each page of `file_path` from `start_page` to `end_page` (1-based, included)."""
        if self.backend != "pypdf" and shutil.which("pdftotext") is not None:
            pages = self._pdftotext_pages(file_path, start_page, end_page, encoding or self.encoding or "UTF-8")
            if pages is not None:
                return pages
        return self._pypdf_pages(file_path, start_page, end_page)

    def _pdftotext_pages(
        self, file_path: FilePath, start_page: int | None, end_page: int | None, encoding: str
    ) -> list[str] | None:
        """The pages pdftotext reads, or None when it fails (pypdf then says what is wrong with the file)."""
        name = os.fspath(file_path)
        _page_range(type(self).__name__, name, None, start_page, end_page)
        command = ["pdftotext", "-enc", encoding, "-layout" if self.keep_physical_layout else "-raw"]
        command += ["-f", str(start_page or 1)] + (["-l", str(end_page)] if end_page is not None else [])
        command += ["-q", name, "-"]  # a list, not a shell line: any file name is safe
        try:
            done = subprocess.run(command, capture_output=True, check=False, timeout=PDFTOTEXT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise FileConversionError(
                f"{type(self).__name__}: pdftotext took more than {PDFTOTEXT_TIMEOUT_S} s on {name!r}; the file may be "
                "damaged. Check that it opens in a PDF viewer, or convert it with backend='pypdf'."
            ) from None
        if done.returncode != 0:
            logger.debug("pdftotext failed on %s (exit %d): %s", name, done.returncode, done.stderr[-500:])
            return None
        return done.stdout.decode(errors="ignore").split("\f")[:-1]  # every page ends with a form feed

    def _pypdf_pages(self, file_path: FilePath, start_page: int | None, end_page: int | None) -> list[str]:
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


def _page_range(owner: str, name: str, n_pages: int | None, start: int | None, end: int | None) -> tuple[int, int]:
    first = 1 if start is None else start
    last = (n_pages or 0) if end is None else min(end, n_pages if n_pages is not None else end)
    if not is_int(first, 1) or (end is not None and (not is_int(end, 1) or end < first)):
        pages = "" if n_pages is None else f" (the file has {n_pages} pages)"
        raise FileConversionError(
            f"{owner}: invalid page range start_page={start}, end_page={end} for {name!r}; pages count from 1 "
            f"and end_page must be >= start_page{pages}."
        )
    return first, last

