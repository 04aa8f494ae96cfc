"""`MarkdownConverter`: Markdown files to plain-text documents, with markdown-it-py."""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

import yaml

from hayrick.errors import FileConversionError
from hayrick.lazy_imports import require
from hayrick.nodes.file_converter.base import BaseConverter, FilePath
from hayrick.nodes.file_converter.txt import _check_encoding, read_text
from hayrick.nodes.preprocessing.cleaning import relocate_headlines
from hayrick.schema import Document

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HTML_HIDDEN = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>")
_CONTAINERS = frozenset({"bullet_list_open", "ordered_list_open", "table_open"})
_CONTAINER_ENDS = frozenset({"bullet_list_close", "ordered_list_close", "table_close"})


class MarkdownConverter(BaseConverter):
    """Converts a Markdown file into one plain-text `Document`.

    Markup is dropped: headings, paragraphs and block quotes become paragraphs separated by a
    blank line; each list item becomes a line (without its bullet or number); a table becomes
    one line per row with cells separated by a tab; links keep their text, images their alt
    text; raw HTML keeps its text without tags (scripts, styles and comments dropped). Code
    blocks are kept as they are unless `remove_code_snippets` (inline code is always kept: it is
    part of its sentence; Haystack 1.x dropped it too).

    YAML front matter (between `---` lines at the top) is never part of the text; with
    `add_frontmatter_to_meta=True` its keys go into the document's meta (dates as ISO strings).

    Args:
        remove_numeric_tables, valid_languages, id_hash_keys, progress_bar: see `BaseConverter`.
        remove_code_snippets: drop fenced and indented code blocks (default True, as Haystack 1.x).
        extract_headlines: add `meta["headlines"]`: `[{"headline": text, "start_idx": offset of the
            headline in the content, "level": 0 for "#", 1 for "##", ...}]` (as Haystack 1.x;
            `PreProcessor` carries them into the splits).
        add_frontmatter_to_meta: add the front matter's keys to meta (they override the file's
            `name`/`file_path` and the `meta` passed for it).
        encoding: the files' text encoding.

    Example:
        >>> converter = MarkdownConverter(extract_headlines=True, remove_code_snippets=False)
        >>> doc = converter.convert("README.md")[0]  # doctest: +SKIP
        >>> doc.meta["headlines"][0]  # doctest: +SKIP
        {'headline': 'Installation', 'start_idx': 0, 'level': 0}
    """

    def __init__(
        self,
        remove_numeric_tables: bool = False,
        valid_languages: list[str] | None = None,
        id_hash_keys: list[str] | None = None,
        progress_bar: bool = True,
        remove_code_snippets: bool = True,
        extract_headlines: bool = False,
        add_frontmatter_to_meta: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        require("markdown_it", owner="MarkdownConverter")
        super().__init__(
            remove_numeric_tables=remove_numeric_tables,
            valid_languages=valid_languages,
            id_hash_keys=id_hash_keys,
            progress_bar=progress_bar,
        )
        _check_encoding(type(self).__name__, encoding)
        self.remove_code_snippets = remove_code_snippets
        self.extract_headlines = extract_headlines
        self.add_frontmatter_to_meta = add_frontmatter_to_meta
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
        remove_code_snippets: bool | None = None,
        extract_headlines: bool | None = None,
        add_frontmatter_to_meta: bool | None = None,
    ) -> list[Document]:
        """Convert `file_path` to plain text; see `BaseConverter.convert` and the class options.

        Raises:
            FileNotFoundError: the file does not exist.
            ValueError: the file is not valid text in `encoding`, or (with
                `add_frontmatter_to_meta`) its front matter is not a YAML mapping.
        """
        path = self.check_file(file_path)
        owner = type(self).__name__
        source = read_text(path, encoding or self.encoding, owner)
        add_front = self.add_frontmatter_to_meta if add_frontmatter_to_meta is None else add_frontmatter_to_meta
        front, body = split_front_matter(source, strict=add_front, where=f"{owner}: {str(file_path)!r}")
        remove_code = self.remove_code_snippets if remove_code_snippets is None else remove_code_snippets
        text, headlines = markdown_to_text(body, remove_code_snippets=remove_code)
        cleaned = self.clean_text(text, file_path, remove_numeric_tables, valid_languages)
        doc_meta = self.file_meta(file_path, meta)
        if add_front:
            doc_meta.update(front)
        if self.extract_headlines if extract_headlines is None else extract_headlines:
            if cleaned != text:  # remove_numeric_tables dropped lines: find the headlines again
                headlines = relocate_headlines(headlines, cleaned)
            doc_meta["headlines"] = headlines
        keys = id_hash_keys if id_hash_keys is not None else self.id_hash_keys
        return [Document(content=cleaned, meta=doc_meta, id_hash_keys=keys)]


def split_front_matter(text: str, strict: bool = False, where: str = "front matter") -> tuple[dict[str, Any], str]:
    """`(front matter as a dict, the rest of the text)`; `({}, text)` when there is none.

    A leading `---` block that is not a YAML mapping is left in the text, or with `strict`
    is a `ValueError` naming `where`.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        if strict:
            raise FileConversionError(f"{where}: the front matter is not valid YAML: {exc}") from exc
        return {}, text
    if not isinstance(data, dict):
        if strict:
            raise FileConversionError(
                f"{where}: the front matter must be a YAML mapping (key: value lines), got {type(data).__name__}."
            )
        return {}, text
    return {str(k): _plain(v) for k, v in data.items()}, text[match.end() :]


def _plain(value: Any) -> Any:
    """YAML dates and times as ISO strings, so meta stays JSON-friendly."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def markdown_to_text(markdown: str, remove_code_snippets: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Plain text of `markdown` and its headlines (`headline`, `start_idx`, 0-based `level`)."""
    parser = _parser()
    blocks: list[tuple[str, int | None]] = []  # (text, heading level or None)
    lines: list[str] | None = None  # lines of the list or table being read
    row: list[str] | None = None
    depth = 0
    level: int | None = None

    def add(text: str) -> None:
        if row is not None:
            row.append(text)
        elif lines is not None:
            lines.append(text)
        else:
            blocks.append((text, level))

    for token in parser.parse(markdown):
        kind = token.type
        if kind in _CONTAINERS:
            depth += 1
            lines = [] if lines is None else lines
        elif kind in _CONTAINER_ENDS:
            depth -= 1
            if depth == 0 and lines is not None:
                blocks.append(("\n".join(line for line in lines if line), None))
                lines = None
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None and lines is not None:
            lines.append("\t".join(row))
            row = None
        elif kind == "heading_open":
            level = int(token.tag[1:]) - 1
        elif kind == "heading_close":
            level = None
        elif kind == "inline":
            add(_inline_text(token.children or []).strip())
        elif kind in ("fence", "code_block"):
            if not remove_code_snippets:
                add(token.content.rstrip("\n"))
        elif kind == "html_block":
            add(_HTML_TAG.sub("", _HTML_HIDDEN.sub("", token.content)).strip())
    parts: list[str] = []
    headlines: list[dict[str, Any]] = []
    length = 0
    for text, heading in blocks:
        if not text:
            continue
        if parts:
            length += 2  # the "\n\n" between blocks
        if heading is not None:
            headlines.append({"headline": text, "start_idx": length, "level": heading})
        parts.append(text)
        length += len(text)
    return "\n\n".join(parts), headlines


def _inline_text(children: list[Any]) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            out.append(child.content)  # the alt text
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """One CommonMark parser with tables, built on first use (parsing does not change it)."""
    return require("markdown_it", owner="MarkdownConverter").MarkdownIt("commonmark").enable("table")

