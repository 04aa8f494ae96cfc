"""`MarkdownConverter`: Markdown files to plain-text documents, as Haystack 1.x converts them."""

from __future__ import annotations

import datetime
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
_PRE = re.compile(r"<pre>(.*?)</pre>", re.DOTALL)
_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class MarkdownConverter(BaseConverter):
    """Converts a Markdown file into one plain-text `Document`.

    The text is Haystack 1.x's: the Markdown is rendered to HTML (python-markdown, fenced code
    blocks on) and the text of that HTML is kept (BeautifulSoup): markup is dropped, links keep
    their text, lists keep one item per line, tables stay as their `| ... |` lines, and with
    `remove_code_snippets` code blocks and inline code are dropped.

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
        require("markdown", owner="MarkdownConverter")
        require("bs4", owner="MarkdownConverter", package="beautifulsoup4")
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
        cleaned = self.clean_text(text, file_path, remove_numeric_tables, valid_languages, split_lines=False)
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
    """Plain text of `markdown` and its headlines (`headline`, `start_idx`, 0-based `level`), as Haystack 1.x.

    The Markdown becomes HTML (python-markdown with fenced code blocks), code blocks and inline
    code are dropped with `remove_code_snippets`, and the text is that of the HTML (BeautifulSoup).
    """
    to_html = require("markdown", owner="MarkdownConverter").markdown
    bs4 = require("bs4", owner="MarkdownConverter", package="beautifulsoup4")
    html = to_html(markdown, extensions=["fenced_code"])
    if remove_code_snippets:
        html = _PRE.sub(" ", html)
        html = _CODE.sub(" ", html)
    soup = bs4.BeautifulSoup(html, "html.parser")
    parts: list[str] = []
    headlines: list[dict[str, Any]] = []
    length = 0
    for node in soup.descendants:
        if node.name in _HEADINGS:
            headlines.append({"headline": node.get_text(), "start_idx": length, "level": int(node.name[1]) - 1})
        elif isinstance(node, bs4.NavigableString):
            text = node.get_text()
            parts.append(text)
            length += len(text)
    return "".join(parts), headlines
