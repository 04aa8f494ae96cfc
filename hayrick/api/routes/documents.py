"""`/documents/get_by_filters`, `/documents/delete_by_filters`, `/documents/meta-fields`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from hayrick.api.routes.search import _check_filters, service_of
from hayrick.api.schema import DocumentBody, FilterRequest
from hayrick.api.serialize import JSON, document_body

router = APIRouter(tags=["document"])


@router.post("/documents/get_by_filters", response_model=list[DocumentBody], response_model_exclude_none=True)
def get_documents(filters: FilterRequest, http: Request, index: str | None = None) -> JSON:
    """The documents that match `filters` (`{"filters": {}}` for all of them), embeddings left out.

    Example: `{"filters": {"product": ["ereader"], "rating": {"$gte": 4}}}`.
    """
    service = service_of(http)
    store = service.require_store()
    _check_filters(filters.filters, "filters")
    with service.limiter.run(), service.using_store():
        documents = store.get_all_documents(filters=filters.filters or None, index=index, return_embedding=False)
    return JSON([document_body(d, embedding=False) for d in documents])


@router.post("/documents/delete_by_filters", response_model=bool)
def delete_documents(filters: FilterRequest, http: Request, index: str | None = None) -> bool:
    """Delete the documents that match `filters`; `{"filters": {}}` deletes every document. Answers true."""
    service = service_of(http)
    store = service.require_store()
    _check_filters(filters.filters, "filters")
    with service.limiter.run(), service.using_store():
        store.delete_documents(filters=filters.filters or None, index=index)
    return True


@router.get("/documents/meta-fields")
def meta_fields(
    http: Request,
    max_values: int = Query(50, ge=1, le=1000, description="leave out fields with more distinct values than this"),
    max_documents: int = Query(10_000, ge=1, le=1_000_000, description="look at this many documents at most"),
    index: str | None = None,
) -> dict[str, Any]:
    """The meta fields with few distinct values (product, category, ...) and their values, for filter menus.

    Fields whose values are not strings, numbers or booleans, or that take more than `max_values`
    values among the first `max_documents` documents, are left out.
    """
    service = service_of(http)
    store = service.require_store()
    values: dict[str, set] = {}
    dropped: set[str] = set()
    with service.limiter.run(), service.using_store():
        for i, document in enumerate(store.get_all_documents_generator(index=index, return_embedding=False)):
            if i >= max_documents:
                break
            for key, value in (document.meta or {}).items():
                if key in dropped or key.startswith("_"):
                    continue
                if not isinstance(value, (str, int, float, bool)):
                    dropped.add(key)
                    values.pop(key, None)
                    continue
                seen = values.setdefault(key, set())
                seen.add(value)
                if len(seen) > max_values:
                    dropped.add(key)
                    del values[key]
    return {"fields": {key: sorted(seen, key=lambda v: (str(type(v)), v)) for key, seen in sorted(values.items())}}

