"""`PreProcessor`: cleans documents and splits them into passages for retrieval (Haystack 1.x style)."""

from __future__ import annotations

import bisect
import copy
import logging
import re
from typing import Any, Literal

from tqdm import tqdm

from hayrick._checks import check_int
from hayrick.errors import ComponentError
from hayrick.nodes.preprocessing import cleaning
from hayrick.nodes.preprocessing.base import BasePreProcessor, DocumentLike
from hayrick.nodes.preprocessing.sentences import (
    split_passages,
    split_sentences,
    strip_span,
)
from hayrick.schema import Document

logger = logging.getLogger(__name__)

SplitBy = Literal["word", "sentence", "passage"]
SPLIT_BY_CHOICES: tuple[str, ...] = ("word", "sentence", "passage")
#: Show a progress bar only when processing at least this many documents.
PROGRESS_BAR_MIN_DOCS = 50

_WORD = re.compile(r"\S+")


class PreProcessor(BasePreProcessor):
    """Cleans the text of documents and splits them into smaller documents.

    Cleaning (in this order): repeated page headers and footers (`clean_header_footer`, pages
    are separated by "\\f"), `remove_substrings`, whitespace at the start and end of lines
    (`clean_whitespace`), runs of empty lines (`clean_empty_lines`). Haystack 1.x removes the
    substrings last; here the whitespace they leave behind is cleaned too. A cleaned document
    keeps its id and meta.

    Splitting makes windows of `split_length` units (`split_by` "word", "sentence" or
    "passage", i.e. blocks between blank lines), `split_overlap` units shared by neighbours.
    With `split_by="word"` and `split_respect_sentence_boundary=True` (the default), windows
    hold whole sentences of at most `split_length` words in all (a longer sentence is a split on
    its own) and overlap by whole sentences of at most `split_overlap` words; the option has no
    effect with other `split_by` values. Sentences come from a rule-based splitter (no model,
    no download; see `sentences.py`). A split longer than `max_chars_check` characters is cut
    into pieces of that size, with a warning. Splits carry no whitespace at their ends, and
    empty ones are dropped. `split_by=None` only cleans.

    Each split is a new `Document` (id from its content and `id_hash_keys`) whose meta is a
    copy of the source document's meta plus:
      - `_split_id`: its index among the splits of its source document;
      - `_split_offset`: where it starts in the cleaned text of the source document, so
        `cleaned.content[offset:offset + len(split.content)] == split.content` (the source's own
        content when cleaning changed nothing);
      - `_source_id`: the id of the source document;
      - `page` (with `add_page_number=True`): the page it starts on, counting "\\f" from the source's
        `meta["page"]` (1 if it has none);
      - `headlines` (when the source has them, e.g. from `MarkdownConverter(extract_headlines=True)`):
        the headlines inside the split with `start_idx` relative to it, after the headlines
        that enclose it, with `start_idx` None.

    In a pipeline, several nodes may feed one PreProcessor (say one converter per file type behind
    a `FileTypeClassifier`): `run()` takes `inputs` and gathers the documents of each
    predecessor that ran, so no join node is needed (see `BasePreProcessor.run`).

    Example:
        >>> processor = PreProcessor(split_by="word", split_length=100, split_overlap=10)
        >>> docs = processor.process([Document("A long text. " * 200)])
        >>> docs[1].meta["_split_id"], docs[1].meta["_split_offset"]
        (1, 390)
    """

    def __init__(
        self,
        clean_whitespace: bool = True,
        clean_header_footer: bool = False,
        clean_empty_lines: bool = True,
        remove_substrings: list[str] | None = None,
        split_by: SplitBy | None = "word",
        split_length: int = 200,
        split_overlap: int = 0,
        split_respect_sentence_boundary: bool = True,
        max_chars_check: int = 10_000,
        id_hash_keys: list[str] | None = None,
        progress_bar: bool = True,
        add_page_number: bool = False,
    ) -> None:
        _check_split(split_by, split_length, split_overlap, ComponentError)
        _check_substrings(remove_substrings, ComponentError)
        check_int(max_chars_check, "max_chars_check", owner="PreProcessor")
        if id_hash_keys is not None and (isinstance(id_hash_keys, str) or not isinstance(id_hash_keys, list)):
            raise ComponentError(f"PreProcessor: id_hash_keys must be a list like ['meta.name'], got {id_hash_keys!r}.")
        self.clean_whitespace = clean_whitespace
        self.clean_header_footer = clean_header_footer
        self.clean_empty_lines = clean_empty_lines
        self.remove_substrings = list(remove_substrings or [])
        self.split_by = split_by
        self.split_length = split_length
        self.split_overlap = split_overlap
        self.split_respect_sentence_boundary = split_respect_sentence_boundary
        self.max_chars_check = max_chars_check
        self.id_hash_keys = id_hash_keys
        self.progress_bar = progress_bar
        self.add_page_number = add_page_number

    # ------------------------------------------------------------------------- process
    def process(  # type: ignore[override]
        self,
        documents: DocumentLike | list[DocumentLike],
        clean_whitespace: bool | None = None,
        clean_header_footer: bool | None = None,
        clean_empty_lines: bool | None = None,
        remove_substrings: list[str] | None = None,
        split_by: SplitBy | None = None,
        split_length: int | None = None,
        split_overlap: int | None = None,
        split_respect_sentence_boundary: bool | None = None,
        id_hash_keys: list[str] | None = None,
    ) -> list[Document]:
        """Clean and split `documents` (one or a list); arguments left None keep the preprocessor's settings.

        Raises:
            ValueError: an invalid split setting (e.g. `split_overlap >= split_length`).
            TypeError: a document is neither a `Document` nor a dict.
        """
        docs = [documents] if isinstance(documents, (Document, dict)) else documents
        if not isinstance(docs, list):
            raise TypeError(f"PreProcessor: documents must be a list of Documents, got {type(documents).__name__}.")
        split_options = self._split_options(split_by, split_length, split_overlap, split_respect_sentence_boundary)
        _check_substrings(remove_substrings, ValueError)
        show = self.progress_bar and len(docs) >= PROGRESS_BAR_MIN_DOCS
        processed: list[Document] = []
        for document in tqdm(docs, desc="Preprocessing", unit="docs", disable=not show):
            cleaned = self.clean(
                self._to_document(document, id_hash_keys),
                clean_whitespace=clean_whitespace,
                clean_header_footer=clean_header_footer,
                clean_empty_lines=clean_empty_lines,
                remove_substrings=remove_substrings,
            )
            processed.extend(self.split(cleaned, **split_options, id_hash_keys=id_hash_keys))
        return processed

    # --------------------------------------------------------------------------- clean
    def clean(  # type: ignore[override]
        self,
        document: DocumentLike,
        clean_whitespace: bool | None = None,
        clean_header_footer: bool | None = None,
        clean_empty_lines: bool | None = None,
        remove_substrings: list[str] | None = None,
    ) -> Document:
        """`document` with its text cleaned (same id and meta); arguments left None keep the settings.

        A document that is not text is returned as it is. The input document is not changed.
        """
        document = self._to_document(document, None)
        if document.content_type != "text" or not isinstance(document.content, str):
            logger.debug("PreProcessor: document %s is not text (%s); not cleaned.", document.id, document.content_type)
            return document
        text = document.content
        if _pick(clean_header_footer, self.clean_header_footer):
            text = cleaning.remove_header_footer(text)
        text = cleaning.remove_substrings(text, _pick(remove_substrings, self.remove_substrings))
        if _pick(clean_whitespace, self.clean_whitespace):
            text = cleaning.clean_whitespace(text)
        if _pick(clean_empty_lines, self.clean_empty_lines):
            text = cleaning.clean_empty_lines(text)
        if text == document.content:
            return document
        meta = dict(document.meta)
        if isinstance(meta.get("headlines"), list):
            meta["headlines"] = cleaning.relocate_headlines(meta["headlines"], text)
        return document.model_copy(update={"content": text, "meta": meta})

    # --------------------------------------------------------------------------- split
    def split(  # type: ignore[override]
        self,
        document: DocumentLike,
        split_by: SplitBy | None = None,
        split_length: int | None = None,
        split_overlap: int | None = None,
        split_respect_sentence_boundary: bool | None = None,
        id_hash_keys: list[str] | None = None,
    ) -> list[Document]:
        """`document` split into documents as the class docstring says; arguments left None keep the settings.

        With `split_by` None (here and in the settings) the document is returned alone, unchanged.
        """
        document = self._to_document(document, None)
        options = self._split_options(split_by, split_length, split_overlap, split_respect_sentence_boundary)
        if options["split_by"] is None or document.content_type != "text" or not isinstance(document.content, str):
            return [document]
        text = document.content
        spans = split_spans(text, **options)
        spans = self._check_max_chars(spans, text, document.id)
        keys = id_hash_keys if id_hash_keys is not None else self.id_hash_keys
        page_breaks = [m.start() for m in re.finditer("\f", text)] if self.add_page_number else []
        first_page = document.meta.get("page") if isinstance(document.meta.get("page"), int) else 1
        headlines = document.meta.get("headlines") if isinstance(document.meta.get("headlines"), list) else None
        splits = []
        for index, (start, end) in enumerate(spans):
            meta = copy.deepcopy(document.meta)
            meta.update({"_split_id": index, "_split_offset": start, "_source_id": document.id})
            if self.add_page_number:
                meta["page"] = first_page + bisect.bisect_left(page_breaks, start)
            if headlines is not None:
                meta["headlines"] = _headlines_for(headlines, start, end)
            splits.append(Document(content=text[start:end], meta=meta, id_hash_keys=keys))
        return splits

    # ------------------------------------------------------------------------- helpers
    def _split_options(
        self,
        split_by: str | None,
        split_length: int | None,
        split_overlap: int | None,
        split_respect_sentence_boundary: bool | None,
    ) -> dict[str, Any]:
        options = {
            "split_by": _pick(split_by, self.split_by),
            "split_length": _pick(split_length, self.split_length),
            "split_overlap": _pick(split_overlap, self.split_overlap),
            "split_respect_sentence_boundary": _pick(
                split_respect_sentence_boundary, self.split_respect_sentence_boundary
            ),
        }
        _check_split(options["split_by"], options["split_length"], options["split_overlap"], ValueError)
        return options

    def _check_max_chars(self, spans: list[tuple[int, int]], text: str, doc_id: str) -> list[tuple[int, int]]:
        limit = self.max_chars_check
        if all(end - start <= limit for start, end in spans):
            return spans
        checked = []
        for start, end in spans:
            if end - start <= limit:
                checked.append((start, end))
                continue
            logger.warning(
                "PreProcessor: a split of document %s is %d characters long, more than max_chars_check=%d; it is cut "
                "into pieces of %d characters. Check the split settings (a text without sentence ends or blank "
                "lines makes long splits).",
                doc_id,
                end - start,
                limit,
                limit,
            )
            for piece in range(start, end, limit):
                span = strip_span(text, piece, min(piece + limit, end))
                if span[0] < span[1]:
                    checked.append(span)
        return checked

    @staticmethod
    def _to_document(document: Any, id_hash_keys: list[str] | None) -> Document:
        if isinstance(document, Document):
            return document
        if isinstance(document, dict):
            data = dict(document)
            if id_hash_keys is not None and "id_hash_keys" not in data:
                data["id_hash_keys"] = id_hash_keys
            return Document.from_dict(data)
        raise TypeError(
            f"PreProcessor: a document must be a Document or a dict with 'content' and 'meta', got "
            f"{type(document).__name__}: {document!r:.80}."
        )


def split_spans(
    text: str, split_by: str, split_length: int, split_overlap: int, split_respect_sentence_boundary: bool
) -> list[tuple[int, int]]:
    """`(start, end)` in `text` of each split, without surrounding whitespace (see `PreProcessor`)."""
    if split_by == "word" and split_respect_sentence_boundary:
        return _group_sentences(text, split_sentences(text), split_length, split_overlap)
    if split_by == "word":
        units = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    elif split_by == "sentence":
        units = split_sentences(text)
    else:
        units = split_passages(text)
    spans = []
    step = split_length - split_overlap
    for first in range(0, len(units), step):
        last = min(first + split_length, len(units)) - 1
        spans.append((units[first][0], units[last][1]))
        if last == len(units) - 1:
            break
    return spans


def _group_sentences(text: str, sentences: list[tuple[int, int]], length: int, overlap: int) -> list[tuple[int, int]]:
    """Whole sentences of at most `length` words per split, overlapping by at most `overlap` words."""
    words = [len(_WORD.findall(text, start, end)) for start, end in sentences]
    slices: list[tuple[int, int]] = []  # first and last sentence index
    first, count, fresh = 0, 0, 0  # fresh: sentences of this slice that are not overlap
    for i, n in enumerate(words):
        if n > length:
            logger.debug("PreProcessor: a sentence of %d words is longer than split_length=%d.", n, length)
        if fresh and count + n > length:
            slices.append((first, i - 1))
            start, kept = i, 0
            while start - 1 >= first and kept + words[start - 1] <= overlap:
                start -= 1
                kept += words[start]
            while start < i and kept + n > length:  # the overlap must leave room for sentence i
                kept -= words[start]
                start += 1
            first, count, fresh = start, kept, 0
        count += n
        fresh += 1
    if fresh:
        slices.append((first, len(words) - 1))
    return [(sentences[a][0], sentences[b][1]) for a, b in slices]


def _headlines_for(headlines: list[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    """The headlines enclosing `[start, end)` (start_idx None), then those inside it (start_idx relative)."""
    enclosing: list[dict[str, Any]] = []
    inside: list[dict[str, Any]] = []
    for headline in headlines:
        index = headline.get("start_idx")
        if not isinstance(index, int):
            continue
        if index < start:
            level = headline.get("level", 0)
            enclosing = [h for h in enclosing if h.get("level", 0) < level] + [{**headline, "start_idx": None}]
        elif index < end:
            inside.append({**headline, "start_idx": index - start})
    return enclosing + inside


def _pick(value: Any, default: Any) -> Any:
    return default if value is None else value


def _check_split(split_by: Any, split_length: Any, split_overlap: Any, error: type[Exception]) -> None:
    if split_by is not None and split_by not in SPLIT_BY_CHOICES:
        raise error(
            f"PreProcessor: split_by must be one of {', '.join(repr(c) for c in SPLIT_BY_CHOICES)} or None (no "
            f"splitting), got {split_by!r}."
        )
    check_int(split_length, "split_length", owner="PreProcessor", error=error)
    check_int(split_overlap, "split_overlap", owner="PreProcessor", minimum=0, error=error)
    if split_overlap >= split_length:
        raise error(
            f"PreProcessor: split_overlap ({split_overlap}) must be smaller than split_length ({split_length}), "
            "or no split would move forward. Lower split_overlap or raise split_length."
        )


def _check_substrings(remove_substrings: Any, error: type[Exception]) -> None:
    if remove_substrings is None:
        return
    if isinstance(remove_substrings, str) or not isinstance(remove_substrings, (list, tuple)):
        raise error(
            f"PreProcessor: remove_substrings must be a list of strings, got {remove_substrings!r}; "
            f"write [{remove_substrings!r}] for one string."
        )
    bad = [s for s in remove_substrings if not isinstance(s, str)]
    if bad:
        raise error(f"PreProcessor: remove_substrings must hold only strings, got {bad!r}.")
