"""hayrick's filter language as Milvus boolean expressions over a JSON `meta` field.

The translation keeps the semantics of `hayrick.stores.filters` (see its docstring):

- every comparison is total (`exists P and ...`), so `$not` and `$or` follow two-valued logic, as in
  Python, and not Milvus's three-valued one, where a missing field makes `not (P == 1)` unknown;
- a missing field matches `$ne` and `$nin` only;
- a list value matches `$eq v` / `$in [...]` if it contains a match (`json_contains`, `json_contains_any`);
- numbers never equal strings (Milvus compares JSON values within one kind, as hayrick does);
- a dotted field that is not a key reaches into nested dicts (`classification.label`).

Values and keys are written as JSON string literals, so a quote or a backslash in a filter value or a
meta key cannot end the literal (no expression injection). One difference is left: a range (`$gt`, ...)
on a field whose value is a list compares the list, not its elements, so it matches nothing (Milvus
has no "any element of a JSON array" comparison).
"""

from __future__ import annotations

import json
import math
from typing import Any

from hayrick.errors import FilterError
from hayrick.stores.filters import Comparison, FilterNode, fold

NEVER = '(id == "" and id != "")'  # an expression no row matches (an empty $in)

_RANGE = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def literal(value: Any) -> str:
    """A value as a Milvus expression literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FilterError(f"Filter values must be finite numbers, got {value}.")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise FilterError(f"Milvus filters compare with strings, numbers and bools, got {type(value).__name__}: {value!r}.")


def json_path(parts: list[str], column: str = "meta") -> str:
    return column + "".join(f"[{json.dumps(part, ensure_ascii=False)}]" for part in parts)


def _comparison(path: str, node: Comparison) -> str:
    op, value = node.op, node.value
    if op in ("$eq", "$ne"):
        if value is None:
            raise FilterError(f"'{op}' with None on field '{node.field}' is not supported by MilvusDocumentStore.")
        test = f"({path} == {literal(value)} or json_contains({path}, {literal(value)}))"
    elif op in ("$in", "$nin"):
        values = [v for v in value if v is not None]
        if not values:
            test = NEVER
        else:
            equals = " or ".join(f"{path} == {literal(v)}" for v in values)
            test = f"({equals} or json_contains_any({path}, [{', '.join(literal(v) for v in values)}]))"
    else:
        return f"(exists {path} and {path} {_RANGE[op]} {literal(value)})"
    if op in ("$eq", "$in"):
        return f"(exists {path} and {test})"
    return f"(not exists {path} or not {test})"


def _leaf(node: Comparison) -> str:
    parts = node.field.split(".")
    literal_key = json_path([node.field])
    if len(parts) == 1:
        return _comparison(literal_key, node)
    nested = json_path(parts)
    # a key with a dot in it wins, as `meta_value` reads it; else the nested value
    return f"((exists {literal_key} and {_comparison(literal_key, node)}) or " \
           f"(not exists {literal_key} and {_comparison(nested, node)}))"


def to_expression(node: FilterNode | None) -> str:
    """The Milvus expression for a parsed filter (`parse_filters`); "" for no filter."""
    if node is None:
        return ""
    return fold(
        node,
        _leaf,
        lambda parts: "(" + " and ".join(parts) + ")",
        lambda parts: "(" + " or ".join(parts) + ")",
        lambda part: f"(not {part})",
    )


def combine(*expressions: str) -> str:
    """Several expressions ANDed; empty ones left out."""
    kept = [e for e in expressions if e]
    return " and ".join(f"({e})" for e in kept) if len(kept) > 1 else (kept[0] if kept else "")
