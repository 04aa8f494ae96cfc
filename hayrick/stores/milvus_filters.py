"""hayrick's filter language as Milvus boolean expressions over a JSON `meta` field.

The translation keeps the semantics of `hayrick.stores.filters` (see its docstring):

- every comparison is total (`exists P and ...`), so `$not` and `$or` follow two-valued logic, as in
  Python, and not Milvus's three-valued one, where a missing field makes `not (P == 1)` unknown;
- a missing field matches `$ne` and `$nin` only;
- a list value matches `$eq v` / `$in [...]` if it contains a match (`json_contains`, `json_contains_any`);
- numbers never equal strings (Milvus compares JSON values within one kind, as hayrick does);
- a dotted field that is not a key reaches into nested dicts (`classification.label`).

Values and keys are written as escaped string literals, so a quote or a backslash in a filter value or
a meta key cannot end the literal (no expression injection). Differences left, all about ranges
(`$gt`, ...) and `None`:
- a range on a field whose value is a list compares the list, not its elements, so it matches nothing
  (Milvus has no "any element of a JSON array" comparison);
- a range on a value of the other kind (`{"r": {"$gt": 3}}` on `r: "high"`) is unknown to Milvus, not
  false, so under `$not` it still matches nothing (hayrick's other stores: `$not` of it matches);
- `None` in `$eq`/`$ne`/`$in`/`$nin` is refused with a FilterError: Milvus reads a null value as a missing key.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from hayrick.errors import FilterError
from hayrick.stores.filters import Comparison, FilterNode, fold

NEVER = '(id == "" and id != "")'  # an expression no row matches (an empty $in)

_RANGE = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_INT64 = 2**63


def string_literal(text: str) -> str:
    """A double-quoted Milvus string literal. Only the escapes every Milvus grammar reads are written
    (a backslash, a quote, newline, return, tab); other characters go in as they are."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FilterError(f"The filter string {text[:40]!r} holds a lone surrogate (a badly decoded text); fix it.") from None
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


def literal(value: Any) -> str:
    """A value as a Milvus expression literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        if not -_INT64 <= int(value) < _INT64:
            raise FilterError(f"Milvus compares 64-bit integers; {value} is out of range.")
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise FilterError(f"Filter values must be finite numbers, got {value}.")
        return repr(number)
    if isinstance(value, str):
        return string_literal(value)
    raise FilterError(f"Milvus filters compare with strings, numbers and bools, got {type(value).__name__}: {value!r}.")


def json_path(parts: list[str], column: str = "meta") -> str:
    return column + "".join(f"[{string_literal(part)}]" for part in parts)


def id_list(ids: list[str]) -> str:
    """`id in [...]` for a list of document or label ids."""
    return f"id in [{', '.join(string_literal(i) for i in ids)}]"


def _comparison(path: str, node: Comparison) -> str:
    op, value = node.op, node.value
    if op in ("$eq", "$ne"):
        if value is None:
            raise FilterError(f"'{op}' with None on field '{node.field}' is not supported by MilvusDocumentStore.")
        test = f"({path} == {literal(value)} or json_contains({path}, {literal(value)}))"
    elif op in ("$in", "$nin"):
        if any(v is None for v in value):
            raise FilterError(f"'{op}' with None on field '{node.field}' is not supported by MilvusDocumentStore "
                              "(Milvus cannot tell a null value from a missing one).")  # fmt: skip
        values = list(value)
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
