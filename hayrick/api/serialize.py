"""Pipeline results as JSON bodies: schema objects as their dicts, embeddings left out, None fields dropped."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from hayrick.schema import json_default as jsonable

try:  # orjson is optional: about 5x faster on large results, same output
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised where orjson is not installed
    _orjson = None


def document_body(document: Any, embedding: bool = True) -> dict[str, Any]:
    """A Document as the API sends it: None fields left out, and the embedding with `embedding=False`.

    `/query` sends embeddings where the documents have them, as Haystack 1.x does; `/documents/get_by_filters`
    leaves them out."""
    data = document.to_dict()
    if not embedding:
        data.pop("embedding", None)
    return {k: v for k, v in data.items() if v is not None}


def answer_body(answer: Any) -> dict[str, Any]:
    return {k: v for k, v in answer.to_dict().items() if v is not None}


def label_body(label: Any) -> dict[str, Any]:
    """A Label with every field (`no_answer` included), as Haystack 1.x's `GET /feedback` sends it."""
    data = label.to_dict()
    data["no_answer"] = label.no_answer
    return data


def query_body(query: Any, answers: Any, documents: Any, debug: Any = None, results: Any = None) -> dict[str, Any]:
    """One `QueryResponse`: `{query, answers, documents[, results][, _debug]}`."""
    body: dict[str, Any] = {
        "query": query,
        "answers": [answer_body(a) for a in answers or []],
        "documents": [document_body(d) for d in documents or [] if hasattr(d, "to_dict")],
    }
    if results is not None:
        body["results"] = results
    if debug is not None:
        body["_debug"] = debug
    return body


class JSON(Response):
    """A JSON response that serialises pipeline objects (and is quick about it)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if _orjson is not None:
            return _orjson.dumps(content, default=jsonable, option=_orjson.OPT_SERIALIZE_NUMPY)
        return json.dumps(content, default=jsonable, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
