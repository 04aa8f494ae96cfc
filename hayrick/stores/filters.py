"""The filter language, implemented once: parsing, in-memory matching, and a fold that stores translate to SQL.

Filters select documents by their `meta`:

```python
{"item_id": ["B0074BW614"], "split": "train"}           # a list means $in, a value $eq; keys are ANDed
{"$or": [{"split": "train"}, {"rating": {"$gte": 4}}]}  # logical operators: $and, $or, $not
{"date": {"$gte": "2020-01-01", "$lt": "2021-01-01"}}   # several operators on one field are ANDed
{"$not": {"item_id": {"$in": ["B00", "B01"]}}}
```

Comparison operators: `$eq $ne $in $nin $gt $gte $lt $lte`. Logical operators take a
dict (its entries ANDed) or a list of dicts.

Semantics, the same in every store:
- a missing field matches `$ne` and `$nin` and nothing else;
- a meta value that is a list matches `$eq v` if it contains v, `$in [..]` if any element is
  in the list, `$ne`/`$nin` if none is, and a range if any element is in the range;
- values compare within one kind only: numbers with numbers (bools count as numbers),
  strings with strings (so ISO dates compare as dates); a number never equals a string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, Union

from hayrick.errors import FilterError

COMPARISON_OPERATORS = ("$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte")
LOGICAL_OPERATORS = ("$and", "$or", "$not")
T = TypeVar("T")


@dataclass(frozen=True)
class Comparison:
    """`field op value`: a leaf of the filter tree."""

    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class Logical:
    """`$and`, `$or` or `$not` over child conditions (`$not` negates the AND of its children)."""

    op: str
    conditions: tuple[FilterNode, ...]


FilterNode = Union[Comparison, Logical]


def parse_filters(filters: Mapping[str, Any] | None) -> FilterNode | None:
    """Parse a filter dict into a tree; None or {} means "no filter".

    Raises:
        FilterError: an unknown operator, or a value of the wrong shape, with the fix.
    """
    if filters is None:
        return None
    if not isinstance(filters, Mapping):
        raise FilterError(
            f"filters must be a dict like {{'item_id': ['B00'], 'rating': {{'$gte': 4}}}}, got {type(filters).__name__}."
        )
    if not filters:
        return None
    return _parse_mapping(filters)


def _parse_mapping(filters: Mapping[str, Any]) -> FilterNode:
    conditions = [_parse_entry(key, value) for key, value in filters.items()]
    return conditions[0] if len(conditions) == 1 else Logical("$and", tuple(conditions))


def _parse_entry(key: str, value: Any) -> FilterNode:
    if not isinstance(key, str):
        raise FilterError(f"Filter keys must be strings (meta field names or operators), got {key!r}.")
    if key in LOGICAL_OPERATORS:
        if isinstance(value, Mapping):
            children = [_parse_entry(k, v) for k, v in value.items()]
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            children = [_parse_mapping(v) for v in value]
        else:
            raise FilterError(f"'{key}' takes a dict of conditions or a list of dicts, got {value!r}.")
        if not children:
            raise FilterError(f"'{key}' needs at least one condition.")
        if key == "$not":
            inner = children[0] if len(children) == 1 else Logical("$and", tuple(children))
            return Logical("$not", (inner,))
        return Logical(key, tuple(children))
    if key.startswith("$"):
        raise FilterError(
            f"Unknown operator '{key}' at the top of a filter. Logical operators: {', '.join(LOGICAL_OPERATORS)}; "
            f"comparison operators go under a field: {{'rating': {{'$gte': 4}}}}."
        )
    if isinstance(value, Mapping):
        if not value:
            raise FilterError(f"Filter on '{key}' is an empty dict; give a value, a list, or {{'$op': value}}.")
        comparisons = []
        for op, operand in value.items():
            if op in LOGICAL_OPERATORS:
                raise FilterError(
                    f"'{op}' cannot go under the field '{key}'; put it at the top: {{'{op}': [{{'{key}': ...}}, ...]}}."
                )
            if op not in COMPARISON_OPERATORS:
                raise FilterError(
                    f"Unknown operator '{op}' on field '{key}'; valid operators: {', '.join(COMPARISON_OPERATORS)}."
                )
            comparisons.append(_comparison(key, op, operand))
        return comparisons[0] if len(comparisons) == 1 else Logical("$and", tuple(comparisons))
    if isinstance(value, (list, tuple, set)):
        return _comparison(key, "$in", list(value))
    return _comparison(key, "$eq", value)


def _comparison(field: str, op: str, value: Any) -> Comparison:
    if op in ("$in", "$nin"):
        if not isinstance(value, (list, tuple, set)):
            raise FilterError(f"'{op}' on field '{field}' takes a list of values, got {value!r}.")
        for v in value:
            _check_scalar(field, op, v)
        return Comparison(field, op, tuple(value))
    _check_scalar(field, op, value)
    if op in ("$gt", "$gte", "$lt", "$lte") and (value is None or isinstance(value, bool)):
        raise FilterError(f"'{op}' on field '{field}' needs a number or a string (e.g. an ISO date), got {value!r}.")
    return Comparison(field, op, value)


def _check_scalar(field: str, op: str, value: Any) -> None:
    if value is not None and not isinstance(value, (str, int, float, bool)):
        raise FilterError(
            f"'{op}' on field '{field}' compares with a string, number, bool or None, got {type(value).__name__}."
        )


# ---------------------------------------------------------------------------------- matching
def _kind(value: Any) -> str | None:
    if isinstance(value, (int, float)):  # bool is an int
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def _equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return _kind(a) == _kind(b) and _kind(a) is not None and a == b


def _compare(a: Any, op: str, b: Any) -> bool:
    if _kind(a) is None or _kind(a) != _kind(b):
        return False
    if op == "$gt":
        return a > b
    if op == "$gte":
        return a >= b
    if op == "$lt":
        return a < b
    return a <= b


_MISSING = object()


def meta_value(meta: Mapping[str, Any], field: str) -> Any:
    """`meta[field]`; a dotted field that is not a key reaches into nested dicts (`classification.score`).

    Returns `_MISSING` when there is no such value.
    """
    if field in meta:
        return meta[field]
    if "." not in field:
        return _MISSING
    value: Any = meta
    for part in field.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _match_comparison(node: Comparison, meta: Mapping[str, Any]) -> bool:
    value = meta_value(meta, node.field)
    if value is _MISSING:
        return node.op in ("$ne", "$nin")
    values = value if isinstance(value, (list, tuple)) else (value,)
    op = node.op
    if op == "$eq":
        return any(_equal(v, node.value) for v in values)
    if op == "$ne":
        return not any(_equal(v, node.value) for v in values)
    if op == "$in":
        return any(_equal(v, c) for v in values for c in node.value)
    if op == "$nin":
        return not any(_equal(v, c) for v in values for c in node.value)
    return any(_compare(v, op, node.value) for v in values)


def matches(node: FilterNode | None, meta: Mapping[str, Any]) -> bool:
    """Whether a document with this `meta` passes the parsed filter `node`."""
    if node is None:
        return True
    if isinstance(node, Comparison):
        return _match_comparison(node, meta)
    if node.op == "$and":
        return all(matches(c, meta) for c in node.conditions)
    if node.op == "$or":
        return any(matches(c, meta) for c in node.conditions)
    return not matches(node.conditions[0], meta)


class EqualityIndex:
    """Which documents hold which meta values: candidates for the `$eq`/`$in` parts of a filter.

    Built from `(id, meta)` pairs. `candidates(tree)` returns a set of ids that holds every
    document the filter can match (a superset: match them with `matches` afterwards), or None
    when the filter has no part the index can narrow (`$ne`, `$nin`, ranges, `$not`, an `$or`
    with such a branch). Values are indexed by kind, as they compare: numbers with numbers,
    strings with strings; a list value is indexed under each of its elements.
    """

    __slots__ = ("_ids",)

    def __init__(self, items: Iterable[tuple[str, Mapping[str, Any]]]):
        self._ids: dict[str, dict[tuple, set[str]]] = {}
        for doc_id, meta in items:
            self._add(doc_id, meta, "")

    def _add(self, doc_id: str, meta: Mapping[str, Any], prefix: str) -> None:
        for field, value in meta.items():
            if isinstance(value, Mapping):  # nested meta: filed under "field.key" too
                self._add(doc_id, value, f"{prefix}{field}.")
                continue
            values = value if isinstance(value, (list, tuple)) else (value,)
            by_value = self._ids.get(prefix + field)
            if by_value is None:
                by_value = self._ids[prefix + field] = {}
            for v in values:
                key = _index_key(v)
                if key is not None:
                    by_value.setdefault(key, set()).add(doc_id)

    def candidates(self, node: FilterNode | None) -> set[str] | None:
        if node is None:
            return None
        if isinstance(node, Comparison):
            if node.op not in ("$eq", "$in"):
                return None
            by_value = self._ids.get(node.field, {})
            wanted = node.value if node.op == "$in" else (node.value,)
            found: set[str] = set()
            for v in wanted:
                found |= by_value.get(_index_key(v), set())  # type: ignore[arg-type]
            return found
        if node.op == "$not":
            return None
        children = [self.candidates(c) for c in node.conditions]
        known = [c for c in children if c is not None]
        if node.op == "$and":
            if not known:
                return None
            smallest = min(known, key=len)
            return smallest.intersection(*[c for c in known if c is not smallest])
        if len(known) < len(children):  # $or with a branch the index cannot narrow
            return None
        return set().union(*known)


def _index_key(value: Any) -> tuple | None:
    """How `EqualityIndex` files a scalar meta value (None for values no filter can equal)."""
    if value is None:
        return ("none",)
    kind = _kind(value)
    return None if kind is None else (kind, value)


def fold(
    node: FilterNode,
    leaf: Callable[[Comparison], T],
    and_: Callable[[list[T]], T],
    or_: Callable[[list[T]], T],
    not_: Callable[[T], T],
) -> T:
    """Translate a filter tree bottom-up: how SQL stores turn filters into WHERE clauses."""
    if isinstance(node, Comparison):
        return leaf(node)
    children = [fold(c, leaf, and_, or_, not_) for c in node.conditions]
    if node.op == "$and":
        return and_(children)
    if node.op == "$or":
        return or_(children)
    return not_(children[0])
