"""The data model: `Document`, `Span`, `Answer`, `Label` and `MultiLabel` (pydantic v2).

Every class converts to and from plain dicts and JSON with `to_dict`, `from_dict`, `to_json`
and `from_json`, and `Cls.from_json(obj.to_json()) == obj` holds for all of them, numpy
embeddings included. Objects are mutable and validated on assignment (`doc.embedding = [0.1]`
stores a float32 array); a rejected assignment leaves the object as it was.

A document's id is Haystack 1.x's: the 128-bit murmur3 hash (`mmh3`) of its content, or of what
`id_hash_keys` names, in lower-case hex, so ids exported from Haystack match documents indexed
here. A label's id is `stable_hash` (the SHA-256 hex digest of canonical JSON) of what makes two
labels the same, so writing a label twice de-duplicates (Haystack draws a random uuid4 instead).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticSerializationError, to_jsonable_python
from typing_extensions import Self

from hayrick._checks import is_number

ContentType = Literal["text", "table", "image", "audio"]


def json_default(value: Any) -> Any:
    """A `json.dumps(..., default=json_default)` for pipeline results: schema objects as their dicts,
    numpy values as lists, sets as sorted lists, paths as strings, anything else as its repr."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return repr(value)


def _jsonable(value: Any) -> Any:
    """Converts `value` to plain JSON types (numpy values, models and sets included).

    Raises:
        TypeError: `value` holds an object that has no JSON form.
    """
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if _is_dataframe(value):
        return _jsonable(dataframe_to_list(value))
    if isinstance(value, BaseModel):
        return _jsonable(value.model_dump())
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=repr)
    try:
        return to_jsonable_python(value)  # datetime, Path, UUID, Decimal, Enum, ...
    except PydanticSerializationError as exc:
        raise TypeError(
            f"Cannot convert a value of type {type(value).__name__} to JSON: {value!r:.80}. "
            "Keep meta, filters and content to str, numbers, bool, None, lists and dicts."
        ) from exc


def stable_hash(value: Any) -> str:
    """Returns the SHA-256 hex digest of the canonical JSON form of `value`.

    The canonical form is `json.dumps(value, sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))` encoded as UTF-8, once numpy values are lists and numbers and
    models are dicts (a `Span` is `{"start": s, "end": e}`).

    Args:
        value: anything JSON-compatible.

    Returns:
        A 64-character lower-case hex string, the same in every process and Python version.
    """
    text = json.dumps(_jsonable(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _to_embedding(value: Any) -> np.ndarray:
    """Validates an embedding: a 1-D numeric sequence becomes a float32 numpy array (a copy)."""
    try:
        array = np.array(value, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"Document.embedding must be a 1-D sequence of numbers, got {type(value).__name__}: {exc}"
        ) from exc
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"Document.embedding must be one non-empty 1-D vector, got shape {array.shape}. "
            "Pass a single vector, e.g. `embeddings[i]`, not the whole matrix."
        )
    return array


def _is_dataframe(value: Any) -> bool:
    return type(value).__name__ == "DataFrame" and type(value).__module__.startswith("pandas")


def dataframe_to_list(df: Any) -> list[list[Any]]:
    """A DataFrame as Haystack 1.x writes a table: the header row, then the rows (the index dropped)."""
    return [df.columns.tolist(), *df.values.tolist()]


def dataframe_from_list(rows: Sequence[Sequence[Any]]) -> Any:
    """The DataFrame of a table written as a header row then the rows."""
    import pandas as pd

    rows = [list(row) for row in rows]
    return pd.DataFrame(columns=rows[0], data=rows[1:]) if rows else pd.DataFrame()


def _score_order(obj: Any) -> tuple[bool, float]:
    """How documents and answers sort: by score, None lowest."""
    return (obj.score is not None, obj.score or 0.0)


def _table_text(df: Any) -> str:
    """The text a table's id hashes.

    A table that pandas prints whole under its default options (at most 60 rows and 20 columns, cells
    of at most 50 characters) hashes as Haystack 1.x printed it, so its id is Haystack's. A larger one
    hashes its whole CSV text instead: pandas would print it cut short, so two tables that differ in a
    hidden row would get one id (and one would overwrite the other).
    """
    import pandas as pd

    defaults = {"display.max_rows": 60, "display.min_rows": 10, "display.max_columns": 20, "display.width": 80,
                "display.max_colwidth": 50, "display.expand_frame_repr": True}
    fits = df.shape[0] <= 60 and df.shape[1] <= 20 and all(
        len(str(v)) <= 50 for v in [*df.columns, *df.to_numpy().ravel().tolist()]
    )
    if fits:
        with pd.option_context(*[x for item in defaults.items() for x in item]):
            return str(df)
    return "table:" + df.to_csv(index=False)


def _to_score(value: Any) -> float | None:
    """Validates a score: None or a number (numpy scalars such as a reader's np.float32 included)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return None
    if not is_number(value):
        raise ValueError(f"score must be a number or None, got {type(value).__name__}: {value!r:.80}")
    return float(value)


Embedding = Annotated[
    np.ndarray,
    PlainValidator(_to_embedding),
    PlainSerializer(lambda array: array.tolist(), when_used="json"),
    WithJsonSchema({"type": "array", "items": {"type": "number"}}),
]
Score = Annotated[
    float | None, PlainValidator(_to_score), WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "null"}]})
]
DocumentContent = Annotated[
    Any,  # str, or a pandas DataFrame for tables (rows are accepted and converted)
    PlainValidator(lambda v: str(v) if isinstance(v, Path) else v),  # checked against content_type later
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "array"}}]}),
]


class _Schema(BaseModel):
    """Shared base: positional arguments, validation on assignment, field-wise equality, dict/JSON helpers."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    _none_means_default: ClassVar[tuple[str, ...]] = ("meta",)  # None given for these = not given

    def __init__(self, *args: Any, **data: Any) -> None:
        # Positional arguments fill the fields in declaration order. pydantic also calls this from
        # model_validate, with keywords only. Subclasses declare typed signatures under TYPE_CHECKING.
        names = list(type(self).model_fields)
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}() takes at most {len(names)} positional arguments")
        for name, value in zip(names, args):
            if name in data:
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {name!r}")
            data[name] = value
        super().__init__(**data)

    @model_validator(mode="before")
    @classmethod
    def _drop_none_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if not (v is None and k in cls._none_means_default)}
        return data

    def __setattr__(self, name: str, value: Any) -> None:
        before = dict(self.__dict__)
        try:
            super().__setattr__(name, value)
        except Exception:
            self.__dict__.update(before)  # pydantic has stored the rejected value already
            raise

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        for name in type(self).model_fields:
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, np.ndarray) or isinstance(theirs, np.ndarray):
                if mine is None or theirs is None or not np.array_equal(mine, theirs, equal_nan=True):
                    return False
            elif _is_dataframe(mine) or _is_dataframe(theirs):
                if not (_is_dataframe(mine) and _is_dataframe(theirs) and mine.equals(theirs)):
                    return False
            elif mine != theirs:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]  # mutable, so not hashable

    def to_dict(self, field_map: dict[str, str] | None = None) -> dict[str, Any]:
        """Returns a JSON-safe dict: embeddings as lists, nested objects as dicts.

        Args:
            field_map: `{"your_key": "field_name"}`; the field is written under your key.
        """
        inverse = {field: key for key, field in (field_map or {}).items()}
        return {inverse.get(key, key): value for key, value in _jsonable(self.model_dump()).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any], field_map: dict[str, str] | None = None) -> Self:
        """Builds an object from a dict such as `to_dict` returns.

        Args:
            data: the fields, nested objects as dicts.
            field_map: `{"your_key": "field_name"}`; your key is read as that field.
        """
        return cls.model_validate({(field_map or {}).get(key, key): value for key, value in data.items()})

    def to_json(self, field_map: dict[str, str] | None = None) -> str:
        """Returns `to_dict(field_map)` as a JSON string."""
        return json.dumps(self.to_dict(field_map), ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str | bytes | dict[str, Any], field_map: dict[str, str] | None = None) -> Self:
        """Builds an object from a JSON string such as `to_json` returns (or its dict, as Haystack 1.x allows)."""
        return cls.from_dict(data if isinstance(data, dict) else json.loads(data), field_map)


#: The Document fields `id_hash_keys` may name (besides "meta.<key>"), as in Haystack 1.x.
_HASH_FIELDS = ("content", "content_type", "score", "meta", "embedding")


class Document(_Schema):
    """A unit of content to search: a text passage, a table, or the path of an image or audio file.

    Attributes:
        content: a str for "text"; a pandas DataFrame for "table" (a list of rows, the header first,
            is converted); a file path for "image"/"audio". `to_dict` writes a table as its rows.
        content_type: "text", "table", "image" or "audio".
        id: given, or Haystack 1.x's: `murmur3_128(str(content))` in hex; with `id_hash_keys`, the hash of
            ":" + str(value) for each item in order: "content", "content_type", "score", "meta" (the
            whole meta), "embedding" or "meta.<key>" (skipped when the key is missing). A table's
            content counts as the DataFrame Haystack held. A bare meta key ("item_id", hayrick's
            older form) means the content plus that key: ["content", "meta.item_id"].
        meta: free-form metadata; document stores filter on it.
        score: relevance set by a retriever or ranker.
        embedding: a float32 1-D numpy array (lists and other arrays are converted).
        id_hash_keys: what the id covers (see `id`); ["content"] when not given.

    Example:
        >>> doc = Document("Berlin is the capital.", meta={"item_id": "B1"}, id_hash_keys=["item_id"])
        >>> doc.id == Document("Berlin is the capital.", meta={"item_id": "B2"}, id_hash_keys=["item_id"]).id
        False
        >>> Document.from_json(doc.to_json()) == doc
        True
        >>> Document.from_dict({"text": "Old style.", "item_id": "B3"}).meta
        {'item_id': 'B3'}
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    _none_means_default: ClassVar[tuple[str, ...]] = ("id", "meta")

    content: DocumentContent
    content_type: ContentType = "text"
    id: str = Field(default=None, description="Derived from content (+ id_hash_keys) when not given.")  # type: ignore[assignment]
    meta: dict[str, Any] = Field(default_factory=dict)
    score: Score = None
    embedding: Embedding | None = None
    id_hash_keys: list[str] | None = None

    if TYPE_CHECKING:

        def __init__(
            self,
            content: str | Sequence[Sequence[Any]] | Path,
            content_type: ContentType = "text",
            id: str | None = None,
            meta: dict[str, Any] | None = None,
            score: float | None = None,
            embedding: np.ndarray | Sequence[float] | None = None,
            id_hash_keys: list[str] | None = None,
        ) -> None: ...

    @model_validator(mode="before")
    @classmethod
    def _legacy_text_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "text" in data and "content" not in data:  # Haystack 1.x documents
            data = {("content" if k == "text" else k): v for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _check_content_and_set_id(self) -> Self:
        content, kind = self.content, self.content_type
        if kind == "table":
            if not _is_dataframe(content):
                if not isinstance(content, (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in content):
                    raise ValueError(
                        f"Document.content must be a pandas DataFrame or a list of rows (the header first) when "
                        f"content_type='table', got {type(content).__name__}."
                    )
                self.__dict__["content"] = dataframe_from_list(content)
        elif not isinstance(content, str):
            what = "the text" if kind == "text" else f"the path of the {kind} file"
            raise ValueError(
                f"Document.content must be a str ({what}) when content_type={kind!r}, got "
                f"{type(content).__name__}: {content!r:.80}. Pass a str, or content_type='table' for rows."
            )
        keys = self._hash_keys()
        if self.id is None:
            self.__dict__["id"] = self._haystack_id(keys)
        if self.id_hash_keys is None:
            self.__dict__["id_hash_keys"] = ["content"]
        return self

    def _hash_keys(self) -> list[str] | None:
        """`id_hash_keys` in Haystack's form (a bare meta key becomes "content" plus "meta.<key>")."""
        if self.id_hash_keys is None:
            return None
        keys: list[str] = []
        bare = [k for k in self.id_hash_keys if k not in _HASH_FIELDS and not k.startswith("meta.")]
        for key in bare:
            if key not in self.meta:
                choices = [*(repr(k) for k in _HASH_FIELDS), "'meta.<key>'", *(repr(k) for k in self.meta)]
                raise ValueError(
                    f"Document.id_hash_keys has {key!r}, which is neither a Document field nor a key in meta. "
                    f"Valid choices: {', '.join(choices)}."
                )
        if bare and "content" not in self.id_hash_keys:
            keys.append("content")
        keys += [f"meta.{k}" if k in bare else k for k in self.id_hash_keys]
        return keys

    def _haystack_id(self, keys: list[str] | None) -> str:
        """Haystack 1.x's `Document._get_id`: murmur3 128-bit, unsigned, as lower-case hex (not padded)."""
        import mmh3

        if keys is None:
            return f"{mmh3.hash128(self._content_text(), signed=False):02x}"
        text = ""
        for key in keys:
            if key.startswith("meta."):
                meta_key = key.split(".", 1)[1]
                if meta_key in self.meta:
                    text += ":" + str(self.meta[meta_key])
            elif key == "content":
                text += ":" + self._content_text()
            else:
                text += ":" + str(getattr(self, key))
        if not text:
            raise ValueError(
                f"Document.id_hash_keys {self.id_hash_keys!r} names only meta keys this document lacks, so there is "
                "nothing to hash: include 'content', or give the meta keys, or leave id_hash_keys out."
            )
        return f"{mmh3.hash128(text, signed=False):02x}"

    def _content_text(self) -> str:
        """`str(content)`, as Haystack hashes it (a table: the printed DataFrame, see `_table_text`)."""
        return _table_text(self.content) if self.content_type == "table" else str(self.content)

    @classmethod
    def from_dict(cls, data: dict[str, Any], field_map: dict[str, str] | None = None) -> Self:
        """Builds a Document from a dict as Haystack 1.x does.

        The older key `text` is read as `content`, and keys that are not Document fields go
        into `meta`, so `{"content": "...", "item_id": "B1"}` works.

        Args:
            data: the document's fields.
            field_map: `{"your_key": "field_name"}`, e.g. `{"body": "content"}`.
        """
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in data.items():
            name = (field_map or {}).get(key, key)
            (fields if name in cls.model_fields else extra)[name] = value
        if "content" not in fields and "text" in extra:
            fields["content"] = extra.pop("text")
        fields["meta"] = {**(fields.get("meta") or {}), **extra}
        return cls.model_validate(fields)

    def __lt__(self, other: object) -> bool:
        """Documents sort by score (None lowest), so `sorted(documents, reverse=True)` puts the best first."""
        if not isinstance(other, Document):
            return NotImplemented
        return _score_order(self) < _score_order(other)

    def __repr__(self) -> str:
        text = str(self.content)
        parts = [f"id={self.id[:12]!r}", f"content={text if len(text) <= 60 else text[:57] + '...'!r}"]
        if self.content_type != "text":
            parts.insert(1, f"content_type={self.content_type!r}")
        if self.score is not None:
            parts.append(f"score={self.score:.4g}")
        if self.embedding is not None:
            parts.append(f"embedding=<{self.embedding.shape[0]} floats>")
        return f"Document({', '.join(parts)})"

    __str__ = __repr__


class Span(_Schema):
    """A half-open character range `[start, end)` in a document or a context.

    Example:
        >>> span = Span(0, 6)
        >>> "Berlin is big"[span.start:span.end]
        'Berlin'
    """

    start: int
    end: int

    if TYPE_CHECKING:

        def __init__(self, start: int, end: int) -> None: ...

    @model_validator(mode="after")
    def _check_range(self) -> Self:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"Span needs 0 <= start <= end, got start={self.start}, end={self.end}.")
        return self

    def __contains__(self, value: Any) -> bool:
        """As in Haystack 1.x: a number is in `[start, end)`; a Span is in when `start <= its start` and
        `its end < end`.

        Raises:
            ValueError: `value` is neither a number (or a numeric string) nor a Span.
        """
        if isinstance(value, Span):
            return self.start <= value.start and self.end > value.end
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"Cannot use 'in' with a value of type {type(value)}. Use numeric values or Span objects."
            ) from exc
        return self.start <= number < self.end


class TableCell(_Schema):
    """A cell of a table document, by row and column (the header row not counted), as Haystack 1.x has it.

    Example:
        >>> Answer("text_2", offsets_in_document=[TableCell(1, 0)]).offsets_in_document[0].row
        1
    """

    row: int
    col: int

    if TYPE_CHECKING:

        def __init__(self, row: int, col: int) -> None: ...


class Answer(_Schema):
    """An answer to a query: extracted from documents, generated, or from elsewhere.

    Answers sort by score with `None` lowest, so `sorted(answers, reverse=True)` puts the best first.

    Example:
        >>> best = Answer("Berlin", score=0.9, context="Berlin is the capital.",
        ...               offsets_in_context=[Span(0, 6)], document_ids=["d1"])
        >>> max([best, Answer("Bonn", score=0.1)]).answer
        'Berlin'
    """

    answer: str
    type: Literal["generative", "extractive", "other"] = "extractive"
    score: Score = None
    context: str | None = None
    offsets_in_document: list[Span | TableCell] | None = None
    offsets_in_context: list[Span | TableCell] | None = None
    document_ids: list[str] | None = None
    meta: dict[str, Any] = Field(default_factory=dict)

    if TYPE_CHECKING:

        def __init__(
            self,
            answer: str,
            type: Literal["generative", "extractive", "other"] = "extractive",
            score: float | None = None,
            context: str | None = None,
            offsets_in_document: list[Span | TableCell] | None = None,
            offsets_in_context: list[Span | TableCell] | None = None,
            document_ids: list[str] | None = None,
            meta: dict[str, Any] | None = None,
            document_id: str | None = None,
        ) -> None: ...

    @model_validator(mode="before")
    @classmethod
    def _legacy_document_id(cls, data: Any) -> Any:
        """Haystack 1.x's older `document_id="..."` is `document_ids=["..."]` (it wins over `document_ids`)."""
        if isinstance(data, dict) and "document_id" in data:
            data = dict(data)
            document_id = data.pop("document_id")
            data["document_ids"] = None if document_id is None else [document_id]
        return data

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Answer):
            return NotImplemented
        return _score_order(self) < _score_order(other)


class Label(_Schema):
    """One annotation of a query: the document, the answer (if any), and whether both are correct.

    `no_answer` defaults to True when there is no answer or its text is "". `id` defaults to the
    `stable_hash` of query, answer text and offsets, document id, both correctness flags, origin
    and filters, so the same label written twice gets the same id.

    Example:
        >>> label = Label(query="capital of Germany?", document=Document("Berlin is the capital."),
        ...               is_correct_answer=True, is_correct_document=True, origin="gold-label",
        ...               answer=Answer("Berlin"))
        >>> label.no_answer
        False
    """

    _none_means_default: ClassVar[tuple[str, ...]] = ("id", "no_answer", "meta")

    query: str
    document: Document
    is_correct_answer: bool
    is_correct_document: bool
    origin: Literal["user-feedback", "gold-label"]
    answer: Answer | None = None
    no_answer: bool = Field(default=None, description="Derived from answer when not given.")  # type: ignore[assignment]
    pipeline_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
    filters: dict[str, Any] | None = None
    id: str = Field(default=None, description="Derived from the label's content when not given.")  # type: ignore[assignment]

    @model_validator(mode="after")
    def _derive_no_answer_and_id(self) -> Self:
        answer = self.answer
        text = answer.answer if answer is not None else None
        if self.no_answer is None:
            self.__dict__["no_answer"] = not text
        elif self.no_answer and text:
            raise ValueError(f"Label has no_answer=True but also the answer {text!r}; drop one of them.")
        elif not self.no_answer and text == "":
            raise ValueError('Label has no_answer=False but its answer is ""; pass no_answer=True or an answer.')
        if self.id is None:
            self.__dict__["id"] = stable_hash({
                "query": self.query,
                "answer": text,
                "offsets_in_document": answer.offsets_in_document if answer is not None else None,
                "offsets_in_context": answer.offsets_in_context if answer is not None else None,
                "document_id": self.document.id,
                "is_correct_answer": self.is_correct_answer,
                "is_correct_document": self.is_correct_document,
                "origin": self.origin,
                "filters": self.filters,
            })
        return self

    def to_dict(self, field_map: dict[str, str] | None = None) -> dict[str, Any]:
        """Haystack 1.x's dict of the label: `no_answer` is left out (`from_dict` derives it again)."""
        data = super().to_dict(field_map)
        data.pop("no_answer", None)
        return data

    @property
    def is_positive(self) -> bool:
        """Haystack 1.x's positive label: a correct answer in a correct document, or a correct document
        without an answer. `drop_negative_labels` keeps only these."""
        return self.is_correct_document and (self.is_correct_answer or self.answer is None)


def _label_identity(label: Label) -> str:
    """What makes two labels the same for `MultiLabel`, as Haystack 1.x's `Label.__eq__`: everything but
    `id`, `meta`, `created_at`, `updated_at` and `filters`."""
    document = label.document.model_dump(exclude={"embedding"})
    answer = None if label.answer is None else label.answer.model_dump()
    return json.dumps(_jsonable([
        label.query, answer, label.is_correct_answer, label.is_correct_document, label.origin, document,
        label.no_answer, label.pipeline_id,
    ]), sort_keys=True, default=str)


class MultiLabel(_Schema):
    """All labels for one query, aggregated as in Haystack 1.x: what evaluation compares against.

    Labels that differ only in `id`, `meta`, `created_at`, `updated_at` or `filters` count once (the
    first is kept), as Haystack 1.x drops duplicates. `drop_negative_labels` keeps only positive labels
    (`Label.is_positive`); `drop_no_answers` drops no-answer labels. The aggregates (`query`, `answers`, `no_answer`,
    `document_ids`, `contexts`, `offsets_in_documents`, `offsets_in_contexts`, `filters`, `id`)
    are read-only properties over the labels kept.

    Example:
        >>> label = Label(query="capital?", document=Document("Berlin is the capital."),
        ...               is_correct_answer=True, is_correct_document=True, origin="gold-label",
        ...               answer=Answer("Berlin"))
        >>> MultiLabel([label]).answers
        ['Berlin']
    """

    labels: list[Label]
    drop_negative_labels: bool = False
    drop_no_answers: bool = False
    # query, filters and id are computed when the labels are set (as Haystack 1.x's constructor does),
    # because evaluation reads them for every query; they are kept in the instance `__dict__` under
    # "_aggregates" (plain attribute speed; not a field, so never serialised or compared). Other
    # modules may keep what they derive from the labels under other "_" keys there (evaluation's
    # GoldLabels). Assigning `labels` drops all of them and recomputes the aggregates; changing the
    # list or a label in place does not: build a new MultiLabel.

    if TYPE_CHECKING:

        def __init__(
            self, labels: list[Label], drop_negative_labels: bool = False, drop_no_answers: bool = False
        ) -> None: ...

    @model_validator(mode="after")
    def _drop_and_check(self) -> Self:
        if not self.labels:
            raise ValueError("MultiLabel needs at least one Label, got an empty list.")
        first: dict[str, Label] = {}
        for label in self.labels:
            first.setdefault(_label_identity(label), label)
        kept = list(first.values())
        if self.drop_negative_labels:
            kept = [label for label in kept if label.is_positive]
        if self.drop_no_answers:
            kept = [label for label in kept if not label.no_answer]
        if not kept:
            flags = " and ".join(f for f in ("drop_negative_labels", "drop_no_answers") if getattr(self, f))
            raise ValueError(
                f"MultiLabel: {flags} dropped all {len(self.labels)} labels of query "
                f"{self.labels[0].query!r}; keep some labels or leave the flag off."
            )
        self.__dict__["labels"] = kept
        queries = list(dict.fromkeys(label.query for label in kept))
        if len(queries) > 1:
            raise ValueError(f"MultiLabel labels must share one query, got {len(queries)}: {queries!r}.")
        distinct: list[dict[str, Any] | None] = []
        for label in kept:
            if label.filters not in distinct:
                distinct.append(label.filters)
        if len(distinct) > 1:
            raise ValueError(f"MultiLabel labels of query {queries[0]!r} have different filters: {distinct!r}.")
        for key in [key for key in self.__dict__ if key.startswith("_")]:  # whatever was derived from old labels
            del self.__dict__[key]
        # Haystack 1.x's id: the md5 of the query and the filters
        key = queries[0] + json.dumps(distinct[0], sort_keys=True)
        self.__dict__["_aggregates"] = (queries[0], distinct[0], hashlib.md5(key.encode("utf-8")).hexdigest())
        return self

    def _aggregate(self, position: int) -> Any:
        aggregates = self.__dict__.get("_aggregates")
        if aggregates is None:  # built without validation (model_construct): compute them now
            self._drop_and_check()
            aggregates = self.__dict__["_aggregates"]
        return aggregates[position]

    @property
    def query(self) -> str:
        """The one query all labels share."""
        return self._aggregate(0)

    @property
    def filters(self) -> dict[str, Any] | None:
        """The filters all labels share (None when they have none)."""
        return self._aggregate(1)

    @property
    def meta(self) -> dict[str, Any]:
        """The meta entries every label shares (same key, equal value), e.g. `item_id` after
        `get_all_labels_aggregated(aggregate_by_meta=["item_id"])`, as the book reads `l.meta["item_id"]`."""
        first, *rest = self.labels
        return {k: v for k, v in first.meta.items() if all(k in label.meta and label.meta[k] == v for label in rest)}

    @property
    def no_answer(self) -> bool:
        """True when every label is a no-answer label."""
        return all(label.no_answer for label in self.labels)

    @property
    def _answered(self) -> list[Answer]:
        answers = [label.answer for label in self.labels if not label.no_answer]
        return [answer for answer in answers if answer is not None and answer.answer]

    @property
    def answers(self) -> list[str]:
        """The non-empty answer texts in label order; `[""]` when every label is a no-answer."""
        return [""] if self.no_answer else [answer.answer for answer in self._answered]

    @property
    def offsets_in_documents(self) -> list[Span]:
        """The answer spans in their documents (empty for no-answers)."""
        return [span for answer in self._answered for span in answer.offsets_in_document or []]

    @property
    def offsets_in_contexts(self) -> list[Span]:
        """The answer spans in their contexts (empty for no-answers)."""
        return [span for answer in self._answered for span in answer.offsets_in_context or []]

    @property
    def document_ids(self) -> list[str]:
        """The document ids of the labels that are not no-answers."""
        return [label.document.id for label in self.labels if not label.no_answer]

    @property
    def contexts(self) -> list[str]:
        """The document contents (as str) of the labels that are not no-answers."""
        return [str(label.document.content) for label in self.labels if not label.no_answer]

    @property
    def id(self) -> str:
        """Haystack 1.x's id: the md5 hex digest of the query followed by the filters as sorted-key JSON."""
        return self._aggregate(2)

    def __repr__(self) -> str:
        return f"MultiLabel(query={self.query!r}, answers={self.answers!r}, labels={len(self.labels)})"

    __str__ = __repr__


__all__ = [
    "Answer",
    "ContentType",
    "Document",
    "Label",
    "MultiLabel",
    "Span",
    "TableCell",
    "dataframe_from_list",
    "dataframe_to_list",
    "stable_hash",
]
