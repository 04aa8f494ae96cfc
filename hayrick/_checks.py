"""The one set of argument checks: each raises an error that names the owner, the argument and what came.

```python
from hayrick._checks import check_int, check_choice

check_int(top_k, "top_k", owner="BM25Retriever")                 # ComponentError unless an int >= 1
check_int(batch_size, "batch_size", error=DocumentStoreError)    # pick the error class of your layer
check_int(top_k_join, "top_k_join", owner="JoinDocuments", allow_none=True)
check_choice(similarity, "similarity", ("dot_product", "cosine"), owner="FAISSDocumentStore")
```

Booleans are never ints here (`True` is refused where an int is wanted); numpy integers and
floats count as ints and numbers. Messages read "`owner`: `name` must be <what>, got <value>."
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from hayrick.errors import ComponentError


def is_int(value: Any, minimum: int | None = None) -> bool:
    """Whether `value` is an int (not a bool), at least `minimum` when given."""
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and (minimum is None or value >= minimum)
    )


def is_number(value: Any) -> bool:
    """Whether `value` is a real number (int or float, not a bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _fail(error: type[Exception], owner: str | None, name: str, expected: str, value: Any, show_type: bool = False) -> None:
    got = f"{type(value).__name__}: {value!r}" if show_type else repr(value)
    prefix = f"{owner}: " if owner else ""
    raise error(f"{prefix}{name} must be {expected}, got {got}.")


def int_phrase(minimum: int) -> str:
    """How the checks name an int of at least `minimum`: "a positive int" or "an int >= N"."""
    return "a positive int" if minimum == 1 else f"an int >= {minimum}"


def check_int(
    value: Any,
    name: str,
    *,
    owner: str | None = None,
    minimum: int = 1,
    allow_none: bool = False,
    error: type[Exception] = ComponentError,
) -> None:
    """Raise `error` unless `value` is an int >= `minimum` (or None, with `allow_none`)."""
    if allow_none and value is None:
        return
    if not is_int(value, minimum):
        _fail(error, owner, name, int_phrase(minimum) + (" or None" if allow_none else ""), value)


def check_number(
    value: Any,
    name: str,
    *,
    owner: str | None = None,
    allow_nan: bool = True,
    error: type[Exception] = ComponentError,
) -> None:
    """Raise `error` unless `value` is a real number (and not NaN, without `allow_nan`)."""
    if not is_number(value) or (not allow_nan and math.isnan(float(value))):
        _fail(error, owner, name, "a number", value, show_type=True)


def check_bool(value: Any, name: str, *, owner: str | None = None, error: type[Exception] = ComponentError) -> None:
    """Raise `error` unless `value` is True or False."""
    if not isinstance(value, bool):
        _fail(error, owner, name, "True or False", value)


def check_choice(
    value: Any,
    name: str,
    choices: Iterable[Any],
    *,
    owner: str | None = None,
    error: type[Exception] = ComponentError,
) -> None:
    """Raise `error` unless `value` is one of `choices`."""
    choices = tuple(choices)
    try:
        found = value in choices
    except TypeError:  # an unhashable value against a set-like container
        found = False
    if not found:
        _fail(error, owner, name, "one of " + ", ".join(repr(c) for c in choices), value)
