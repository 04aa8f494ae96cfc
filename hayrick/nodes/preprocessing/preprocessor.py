"""`PreProcessor`: cleans documents and splits them into passages for retrieval, as Haystack 1.x does."""

from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Callable
from typing import Any, Literal

from tqdm import tqdm

from hayrick._checks import check_int
from hayrick.errors import ComponentError
from hayrick.nodes.preprocessing import cleaning
from hayrick.nodes.preprocessing.base import BasePreProcessor, DocumentLike
from hayrick.nodes.preprocessing.sentences import haystack_sentences
from hayrick.schema import Document

logger = logging.getLogger(__name__)

SplitBy = Literal["token", "word", "sentence", "passage", "page"]
SPLIT_BY_CHOICES: tuple[str, ...] = ("token", "word", "sentence", "passage", "page")
#: Show a progress bar only when processing at least this many documents.
PROGRESS_BAR_MIN_DOCS = 50
#: The languages Haystack 1.x names for its sentence tokenizer (ISO 639-1 codes).
LANGUAGES: dict[str, str] = {
    "ru": "russian", "sl": "slovene", "es": "spanish", "sv": "swedish", "tr": "turkish", "cs": "czech",
    "da": "danish", "nl": "dutch", "en": "english", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "it": "italian", "no": "norwegian", "pl": "polish", "pt": "portuguese",
    "ml": "malayalam",
}  # fmt: skip
#: How each `split_by` cuts a text into units, and what joins units back.
_JOINERS = {"word": " ", "sentence": "", "passage": "\n\n", "page": "\f", "token": ""}

Split = tuple[str, int, int]  # text, page it starts on, where it starts in the cleaned text


class PreProcessor(BasePreProcessor):
    """Cleans the text of documents and splits them into smaller documents, as Haystack 1.x's PreProcessor.

    Cleaning (in this order): repeated page headers and footers (`clean_header_footer`, pages
    are separated by "\\f"), whitespace at the start and end of lines (`clean_whitespace`),
    runs of empty lines (`clean_empty_lines`), then `remove_substrings`. A cleaned document keeps
    its id and meta; its `headlines` are found again in the cleaned text.

    Splitting makes windows of `split_length` units, `split_overlap` units shared by neighbours:
      - "word": words separated by " "; with `split_respect_sentence_boundary=True` (the
        default) windows hold whole sentences of at most `split_length` words in all (a longer
        sentence is a split of its own) and overlap by whole sentences;
      - "sentence": sentences, each with the whitespace after it (rule-based, no model to
        download; see `sentences.py`);
      - "passage": blocks separated by a blank line ("\\n\\n");
      - "page": pages separated by "\\f";
      - "token": tokens of `tokenizer` ("tiktoken", or a Hugging Face tokenizer or its name);
        with `split_respect_sentence_boundary=True`, whole sentences of at most `split_length`
        tokens;
      - None: only clean.
    `split_respect_sentence_boundary` has no effect with "sentence", "passage" and "page"
    (Haystack 1.x refuses the combination). Splits keep their whitespace, as Haystack's do, and
    empty ones are dropped. `process` cuts a document longer than `max_chars_check` characters
    (a split, or with `split_by=None` a whole document) into pieces of that size, with a warning; the
    pieces after the first come after the other splits of the document.

    Each split is a new `Document` whose id comes from its content (and `id_hash_keys`, over the
    source's meta) and whose meta is a copy of the source document's meta plus:
      - `_split_id`: its index among the splits of its source document;
      - `page` (with `add_page_number=True`): the page it starts on, counting "\\f";
      - `_split_overlap` (with `split_overlap > 0`): `[{"doc_id": neighbour's id, "range": (start, end)}]`,
        where in this split the text shared with the previous and next split lies;
      - `headlines` (when the source has them, e.g. from `MarkdownConverter(extract_headlines=True)`):
        the headlines that enclose the split, with `start_idx` None, then those inside it, with
        `start_idx` relative to it.

    In a pipeline, several nodes may feed one PreProcessor (say one converter per file type behind
    a `FileTypeClassifier`): `run()` takes `inputs` and gathers the documents of each
    predecessor that ran, so no join node is needed (see `BasePreProcessor.run`).

    Args:
        tokenizer: for `split_by="token"`: "tiktoken" (the default, needs `pip install tiktoken`),
            a Hugging Face tokenizer, or the name or path of one (`AutoTokenizer.from_pretrained`).
        language: ISO 639-1 code of the texts' language (Haystack's sentence tokenizer took it;
            the rule-based splitter here handles the languages that end sentences with ".", "!"
            and "?"). An unknown code is logged and English is used.
        tokenizer_model_folder: ignored, with a warning (as Haystack 1.26).

    Example:
        >>> processor = PreProcessor(split_by="word", split_length=100, split_overlap=10)
        >>> docs = processor.process([Document("A long text. " * 200)])
        >>> docs[1].meta["_split_id"], docs[1].meta["_split_overlap"][0]["range"]
        (1, (0, 38))
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
        tokenizer_model_folder: str | None = None,
        tokenizer: Any = "tiktoken",
        language: str = "en",
        id_hash_keys: list[str] | None = None,
        progress_bar: bool = True,
        add_page_number: bool = False,
        max_chars_check: int = 10_000,
    ) -> None:
        _check_split(split_by, split_length, split_overlap, ComponentError)
        _check_substrings(remove_substrings, ComponentError)
        check_int(max_chars_check, "max_chars_check", owner="PreProcessor")
        if id_hash_keys is not None and (isinstance(id_hash_keys, str) or not isinstance(id_hash_keys, list)):
            raise ComponentError(f"PreProcessor: id_hash_keys must be a list like ['meta.name'], got {id_hash_keys!r}.")
        if not isinstance(language, str):
            raise ComponentError(f"PreProcessor: language must be an ISO 639-1 code like 'en', got {language!r}.")
        if language not in LANGUAGES:
            logger.error(
                "PreProcessor: no sentence rules for language %r (known: %s); using English ones.",
                language,
                ", ".join(LANGUAGES),
            )
        if tokenizer_model_folder is not None:
            warnings.warn(
                "PreProcessor: tokenizer_model_folder is ignored (as in Haystack 1.26): sentences come from built-in "
                "rules; set `language` instead.",
                UserWarning,
                stacklevel=2,
            )
        self.clean_whitespace = clean_whitespace
        self.clean_header_footer = clean_header_footer
        self.clean_empty_lines = clean_empty_lines
        self.remove_substrings = list(remove_substrings or [])
        self.split_by = split_by
        self.split_length = split_length
        self.split_overlap = split_overlap
        self.split_respect_sentence_boundary = split_respect_sentence_boundary
        self.tokenizer_model_folder = None
        self.tokenizer = tokenizer
        self.language = language
        self.id_hash_keys = id_hash_keys
        self.progress_bar = progress_bar
        self.add_page_number = add_page_number
        self.max_chars_check = max_chars_check
        self._tokenizers: dict[str, Any] = {}  # tokenizers loaded by name, once
        self._long_sentence_logged = False

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
        tokenizer: Any = None,
        id_hash_keys: list[str] | None = None,
    ) -> list[Document]:
        """Clean and split `documents` (a list; one document is accepted with a DeprecationWarning).

        Arguments left None keep the preprocessor's settings.

        Raises:
            ValueError: an invalid split setting (e.g. `split_overlap >= split_length`).
            TypeError: a document is neither a `Document` nor a dict.
        """
        if isinstance(documents, (Document, dict)):
            warnings.warn(
                "PreProcessor.process: pass a list of documents; one Document alone is deprecated (as in Haystack 1.x).",
                DeprecationWarning,
                stacklevel=2,
            )
            documents = [documents]
        if not isinstance(documents, list):
            raise TypeError(f"PreProcessor: documents must be a list of Documents, got {type(documents).__name__}.")
        split_options = self._split_options(split_by, split_length, split_overlap, split_respect_sentence_boundary)
        _check_substrings(remove_substrings, ValueError)
        show = self.progress_bar and len(documents) >= PROGRESS_BAR_MIN_DOCS
        processed: list[Document] = []
        for document in tqdm(documents, desc="Preprocessing", unit="docs", disable=not show):
            cleaned = self.clean(
                self._to_document(document, id_hash_keys),
                clean_whitespace=clean_whitespace,
                clean_header_footer=clean_header_footer,
                clean_empty_lines=clean_empty_lines,
                remove_substrings=remove_substrings,
            )
            splits = self.split(cleaned, **split_options, tokenizer=tokenizer, id_hash_keys=id_hash_keys)
            processed.extend(self._check_max_chars(splits))  # as Haystack: split or not
        return processed

    # --------------------------------------------------------------------------- clean
    def clean(  # type: ignore[override]
        self,
        document: DocumentLike,
        clean_whitespace: bool | None = None,
        clean_header_footer: bool | None = None,
        clean_empty_lines: bool | None = None,
        remove_substrings: list[str] | None = None,
        id_hash_keys: list[str] | None = None,
    ) -> Document:
        """`document` with its text cleaned (same id and meta); arguments left None keep the settings.

        A document that is not text is returned as it is. The input document is not changed.
        """
        document = self._to_document(document, id_hash_keys)
        if document.content_type != "text" or not isinstance(document.content, str):
            logger.debug("PreProcessor: document %s is not text (%s); not cleaned.", document.id, document.content_type)
            return document
        text = document.content
        headlines = document.meta.get("headlines")
        track = isinstance(headlines, list) and bool(headlines)  # headline offsets follow the text

        def moved(cuts: cleaning.Cuts) -> Any:
            return cleaning.move_headlines(headlines, cuts) if track else headlines

        if _pick(clean_header_footer, self.clean_header_footer):
            for cuts in cleaning.header_footer_cuts(text):
                text, headlines = cleaning.apply_cuts(text, cuts), moved(cuts)
        if _pick(clean_whitespace, self.clean_whitespace):
            headlines = moved(cleaning.whitespace_cuts(text)) if track else headlines
            text = cleaning.clean_whitespace(text)
        if _pick(clean_empty_lines, self.clean_empty_lines):
            headlines = moved(cleaning.empty_line_cuts(text)) if track else headlines
            text = cleaning.clean_empty_lines(text)
        for substring in remove_substrings or self.remove_substrings:
            if substring:
                headlines = moved(cleaning.substring_cuts(text, substring)) if track else headlines
                text = text.replace(substring, "")
        if text == document.content:
            return document
        meta = dict(document.meta)
        if track:
            meta["headlines"] = headlines
        return document.model_copy(update={"content": text, "meta": meta})

    # --------------------------------------------------------------------------- split
    def split(  # type: ignore[override]
        self,
        document: DocumentLike,
        split_by: SplitBy | None = None,
        split_length: int | None = None,
        split_overlap: int | None = None,
        split_respect_sentence_boundary: bool | None = None,
        tokenizer: Any = None,
        id_hash_keys: list[str] | None = None,
    ) -> list[Document]:
        """`document` split into documents as the class docstring says; arguments left None keep the settings.

        With `split_by` None (here and in the settings) the document is returned alone, unchanged.
        """
        document = self._to_document(document, id_hash_keys)
        options = self._split_options(split_by, split_length, split_overlap, split_respect_sentence_boundary)
        if not options["split_by"] or document.content_type != "text" or not isinstance(document.content, str):
            return [document]
        by, length, overlap = options["split_by"], options["split_length"], options["split_overlap"]
        text = document.content
        if by in ("word", "token") and options["split_respect_sentence_boundary"]:
            if by == "word":
                count: Callable[[str], int] = lambda sentence: len(sentence.split())
            else:
                count = lambda sentence: len(self._tokens(sentence, tokenizer))
            splits = self._group_sentences(haystack_sentences(text), length, overlap, count)
        else:
            splits = self._concatenate(self._units(text, by, tokenizer), length, overlap, _JOINERS[by])
        keys = id_hash_keys if id_hash_keys is not None else self.id_hash_keys
        return self._documents(document, splits, overlap, keys)

    # ------------------------------------------------------------------------- helpers
    def _units(self, text: str, split_by: str, tokenizer: Any) -> list[str]:
        if split_by == "passage":
            return text.split("\n\n")
        if split_by == "sentence":
            return haystack_sentences(text)
        if split_by == "word":
            return text.split(" ")
        if split_by == "page":
            return text.split("\f")
        return self._tokens(text, tokenizer)

    def _concatenate(self, units: list[str], length: int, overlap: int, joiner: str) -> list[Split]:
        """Windows of `length` units moving by `length - overlap`, joined by `joiner` (Haystack's arithmetic)."""
        splits: list[Split] = []
        page, start = 1, 0
        step = length - overlap
        for first in range(0, max(len(units), 1), step):
            if first and len(units) - first <= overlap:
                break  # only units already in the previous window are left
            window = units[first : first + length]
            text = joiner.join(window)
            if text:
                splits.append((text, page, start))
                moved = window[:step]
                start += len(joiner.join(moved)) + len(joiner)
                if self.add_page_number:
                    page += len(moved) if joiner == "\f" else sum(unit.count("\f") for unit in moved)
            elif self.add_page_number and joiner == "\f":
                page += 1  # an empty page
        return splits

    def _group_sentences(
        self, sentences: list[str], length: int, overlap: int, count: Callable[[str], int]
    ) -> list[Split]:
        """Whole sentences of at most `length` units per split, overlapping by whole sentences (as Haystack)."""
        splits: list[Split] = []
        current: list[str] = []
        units, page, start = 0, 1, 0
        for sentence in sentences:
            n = count(sentence)
            if n > length and not self._long_sentence_logged:
                self._long_sentence_logged = True
                logger.warning(
                    "PreProcessor: a sentence of %d units is longer than split_length=%d; it becomes a split of its "
                    "own.",
                    n,
                    length,
                )
            if units + n > length:
                if current:
                    splits.append(("".join(current), page, start))
                if overlap:
                    done, current, units = _overlap_of(current, length, overlap, count)
                else:
                    done, current, units = current, [], 0
                start += len("".join(done))
                if self.add_page_number:
                    page += _page_breaks(done, overlap, current, sentence)
            current.append(sentence)
            units += n
        if current:
            splits.append(("".join(current), page, start))
        return [split for split in splits if split[0]]

    def _documents(self, source: Document, splits: list[Split], overlap: int, keys: list[str] | None) -> list[Document]:
        headlines = source.meta.get("headlines") if isinstance(source.meta.get("headlines"), list) else None
        headlines = sorted((h for h in headlines or [] if isinstance(h.get("start_idx"), int)), key=lambda h: h["start_idx"])
        earliest = 0
        documents: list[Document] = []
        starts: list[int] = []
        for index, (text, page, start) in enumerate(splits):
            # the id covers the content and the source's meta, not the split's own keys (as Haystack)
            doc = Document(content=text, meta=copy.deepcopy(source.meta), id_hash_keys=keys)
            meta = doc.meta
            meta["_split_id"] = index
            if self.add_page_number:
                meta["page"] = page
            if headlines or source.meta.get("headlines"):
                meta["headlines"], earliest = _headlines_for(headlines, text, start, earliest)
            if overlap > 0:
                meta["_split_overlap"] = []
                if index:
                    _link_overlap(doc, start, documents[-1], starts[-1])
            documents.append(doc)
            starts.append(start)
        return documents

    def _check_max_chars(self, documents: list[Document]) -> list[Document]:
        limit = self.max_chars_check
        tails: list[Document] = []
        for i, doc in enumerate(documents):
            if not isinstance(doc.content, str) or len(doc.content) <= limit:
                continue
            logger.warning(
                "Document %s is %s characters long after preprocessing, where the maximum length should be %s. "
                "Something might be wrong with the splitting, check the document affected to prevent issues at "
                "query time. This document will be now hard-split at %s chars recursively.",
                doc.id, len(doc.content), limit, limit,
            )  # fmt: skip
            content = doc.content
            documents[i] = doc.model_copy(update={"content": content[:limit]})  # the head keeps its id and meta
            for piece in range(limit, len(content), limit):
                tails.append(
                    Document(content=content[piece : piece + limit], meta=dict(doc.meta), id_hash_keys=doc.id_hash_keys)
                )
        return documents + tails

    def _tokens(self, text: str, tokenizer: Any) -> list[str]:
        """`text` cut into the pieces of its tokens (each with the whitespace after it), as Haystack."""
        tokenizer = self.tokenizer if tokenizer is None else tokenizer
        if tokenizer == "tiktoken":
            from hayrick.lazy_imports import require

            encoding = self._tokenizers.get("tiktoken")
            if encoding is None:
                encoding = require("tiktoken", owner="PreProcessor(tokenizer='tiktoken')").get_encoding("cl100k_base")
                self._tokenizers["tiktoken"] = encoding
            ids = encoding.encode(text, disallowed_special=())
            return [encoding.decode_single_token_bytes(t).decode(errors="ignore") for t in ids]
        if isinstance(tokenizer, str):
            loaded = self._tokenizers.get(tokenizer)
            if loaded is None:
                try:
                    from transformers import AutoTokenizer

                    loaded = AutoTokenizer.from_pretrained(tokenizer)
                except Exception as exc:
                    raise ValueError(
                        f"Could not load tokenizer '{tokenizer}' from HuggingFace model hub. Please make sure that the "
                        "tokenizer is correct and exists (a model name, or a folder with tokenizer files)."
                    ) from exc
                self._tokenizers[tokenizer] = loaded
            tokenizer = loaded
        if not (callable(tokenizer) or hasattr(tokenizer, "encode_plus")) or not hasattr(tokenizer, "convert_ids_to_tokens"):
            raise ValueError(
                f"Unsupported tokenizer specification {tokenizer}. Please provide either the string 'tiktoken' or a "
                "HuggingFace tokenizer (PreTrainedTokenizerBase) or its name."
            )
        encode = getattr(tokenizer, "encode_plus", None) or tokenizer  # Haystack calls encode_plus
        encoded = encode(text, return_offsets_mapping=True, add_special_tokens=False)
        offsets = getattr(encoded, "offset_mapping", None) or encoded["offset_mapping"]
        starts = [begin for begin, _ in offsets]
        return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)])]

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


def _overlap_of(
    sentences: list[str], length: int, overlap: int, count: Callable[[str], int]
) -> tuple[list[str], list[str], int]:
    """(sentences done, sentences carried into the next split, their units): whole sentences from the end.

    The first sentence is never carried, so the next split never starts like this one.
    """
    carried: list[str] = []
    units = 0
    for sentence in reversed(sentences[1:]):
        n = count(sentence)
        if units < overlap and n < length:
            carried.insert(0, sentence)
            units += n
        else:
            break
    return sentences[: len(sentences) - len(carried)], carried, units


def _page_breaks(done: list[str], overlap: int, carried: list[str], sentence: str) -> int:
    """How many pages the next split starts after this one (Haystack's count)."""
    n = sum(s.count("\f") for s in done)
    if done and done[0].startswith("\f"):
        n -= 1  # counted with the split before
    if overlap and carried:
        n += carried[0].startswith("\f")
    else:
        n += sentence.startswith("\f")
    return n


def _link_overlap(doc: Document, start: int, previous: Document, previous_start: int) -> None:
    """Record in both documents where they share text (`_split_overlap`), as Haystack 1.x."""
    begin, end = start - previous_start, len(previous.content) - 1
    if begin < end and doc.content.startswith(previous.content[begin:end]):
        previous.meta["_split_overlap"].append({"doc_id": doc.id, "range": (begin, end)})
        doc.meta["_split_overlap"].append({"doc_id": previous.id, "range": (0, end - begin)})


def _headlines_for(
    headlines: list[dict[str, Any]], text: str, start: int, earliest: int
) -> tuple[list[dict[str, Any]], int]:
    """The headlines enclosing the split (start_idx None), then those inside it (relative start_idx).

    `earliest` is the first headline that may still enclose a split; returned moved on for the next one.
    """
    found: list[dict[str, Any]] = []
    end = start + len(text)
    for k in range(earliest, len(headlines)):
        headline = headlines[k]
        index = headline["start_idx"]
        if start <= index < end:
            found.append({**headline, "start_idx": index - start})
        elif index < start:
            level = headline.get("level", 0)
            closed = any(
                later.get("level", 0) <= level for later in headlines[k + 1 :] if later["start_idx"] <= start
            )
            if closed:  # a later headline of the same or a higher level starts before the split
                earliest += 1
            else:
                found.append({**headline, "start_idx": None})
        elif index > end:
            break
    return found, earliest


def _pick(value: Any, default: Any) -> Any:
    return default if value is None else value


def _check_split(split_by: Any, split_length: Any, split_overlap: Any, error: type[Exception]) -> None:
    if split_by and split_by not in SPLIT_BY_CHOICES:
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
