"""`/query`, `/query-batch`, `/initialized`, `/hs_version`, `/version`, `/pipelines`."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request

import hayrick
from hayrick.api.schema import QueryBatchRequest, QueryRequest, QueryResponse
from hayrick.api.serialize import JSON, query_body
from hayrick.api.service import APIError, Service, logger
from hayrick.core.component import accepted_parameters
from hayrick.stores.filters import parse_filters

router = APIRouter(tags=["search"])


def service_of(request: Request) -> Service:
    return request.app.state.service


@router.get("/initialized")
def check_status() -> bool:
    """True once the pipelines are loaded. The service only starts listening after that, so a reply means ready."""
    return True


@router.get("/hs_version")
def haystack_version() -> dict[str, str]:
    """The running version (Haystack 1.x's endpoint name)."""
    return {"hs_version": hayrick.__version__}


@router.get("/version")
def version() -> dict[str, str]:
    """The running hayrick version."""
    return {"version": hayrick.__version__, "hs_version": hayrick.__version__}


@router.get("/pipelines")
def pipelines(request: Request) -> dict[str, Any]:
    """The served pipelines: each node's name, type and the run parameters it accepts (the search page builds
    its controls from this)."""
    service = service_of(request)

    def describe(pipeline: Any) -> list[dict[str, Any]] | None:
        if pipeline is None:
            return None
        nodes = []
        for name, component in pipeline.node_components.items():
            accepted, _ = accepted_parameters(component.run)
            params = sorted(accepted - ROOT_INPUTS)
            nodes.append({"name": name, "type": type(component).__name__, "params": params})
        return nodes

    return {"query": describe(service.query_pipeline), "indexing": describe(service.indexing_pipeline)}


def check_query(query: str, service: Service, field: str = "query") -> None:
    if not query.strip():
        raise APIError(422, f"{field} is empty; send the question or search terms as a non-empty string.")
    if len(query) > service.settings.max_query_length:
        raise APIError(
            422,
            f"{field} is {len(query):,} characters long; at most {service.settings.max_query_length:,} are accepted "
            "(MAX_QUERY_LENGTH). Send a shorter query.",
        )


#: What a run's params may not set: the pipeline's inputs come from the request itself. (Through params a
#: client could otherwise point a converter at any file the server can read: `{"file_paths": ["/etc/..."]}`.)
ROOT_INPUTS = frozenset({"query", "queries", "file_paths", "meta", "documents", "labels", "root_node", "inputs"})


def check_params(params: dict[str, Any] | None, where: str = "params", batch: bool = False) -> dict[str, Any]:
    """Params as the pipeline takes them, checked before anything runs: no pipeline inputs, node entries that
    are objects, filters that parse (a list of them, one per query, for a batch)."""
    params = dict(params or {})
    for key, value in params.items():
        _check_param(key, value, where, batch)
        if isinstance(value, dict) and key != "filters":
            for inner, inner_value in value.items():
                _check_param(inner, inner_value, f"{where}.{key}", batch)
    return params


def _check_param(key: str, value: Any, where: str, batch: bool) -> None:
    if key in ROOT_INPUTS:
        raise APIError(422, f"{where}.{key}: params may not set the pipeline's inputs "
                            f"({', '.join(sorted(ROOT_INPUTS))}); they come from the request itself.")  # fmt: skip
    if key == "filters":
        _check_filters(value, f"{where}.filters", batch)


def _check_filters(filters: Any, where: str, batch: bool = False) -> None:
    if filters is None:
        return
    if batch and isinstance(filters, list):
        for i, one in enumerate(filters):
            _check_filters(one, f"{where}[{i}]")
        return
    if not isinstance(filters, dict):
        raise APIError(422, f"{where} must be an object like {{\"product\": [\"ereader\"]}}"
                            f"{' (or a list of them, one per query)' if batch else ''}, got {type(filters).__name__}.")  # fmt: skip
    try:
        parse_filters(filters)
    except RecursionError:
        raise APIError(422, f"{where} nests too deeply; flatten it.") from None
    except ValueError as exc:
        raise APIError(422, f"{where}: {exc}") from None


@router.post("/query", response_model=QueryResponse, response_model_exclude_none=True)
async def query(request: QueryRequest, http: Request) -> JSON:
    """Run the query pipeline: `{"query": "Is it good for reading?", "params": {"Retriever": {"top_k": 5}}}`.

    Answers `{query, answers, documents[, _debug]}`; 422 for a bad query, params or filters; 503 when
    CONCURRENT_REQUEST_PER_WORKER requests are running already; 500 names the node that failed.
    """
    service = service_of(http)
    check_query(request.query, service)
    params = check_params(request.params)
    with service.limiter.run():
        start = time.perf_counter()
        result = await service.run_async(service.query_pipeline, query=request.query, params=params or None,
                                         debug=bool(request.debug), client_params=params)  # fmt: skip
        logger.info("query %r answered in %.1f ms", request.query[:80], (time.perf_counter() - start) * 1000)
    return JSON(query_body(request.query, result.get("answers"), result.get("documents"), result.get("_debug"),
                           result.get("results")))  # fmt: skip


@router.post("/query-batch", response_model=list[QueryResponse], response_model_exclude_none=True)
async def query_batch(request: QueryBatchRequest, http: Request) -> JSON:
    """Run several queries through the pipeline's `run_batch`; answers one `/query` body per query, in order."""
    service = service_of(http)
    if not request.queries:
        raise APIError(422, "queries is empty; send a list of one or more query strings.")
    if len(request.queries) > service.settings.max_batch_queries:
        raise APIError(
            422,
            f"queries holds {len(request.queries):,} queries; at most {service.settings.max_batch_queries:,} are "
            "accepted per request (MAX_BATCH_QUERIES). Split it into smaller batches.",
        )
    for i, text in enumerate(request.queries):
        check_query(text, service, field=f"queries[{i}]")
    params = check_params(request.params, batch=True)
    with service.limiter.run():
        result = await service.run_async(service.query_pipeline, batch=True, queries=request.queries,
                                         params=params or None, debug=bool(request.debug), client_params=params)  # fmt: skip
    answers = result.get("answers") or [[] for _ in request.queries]
    documents = result.get("documents") or [[] for _ in request.queries]
    bodies = []
    for i, text in enumerate(request.queries):
        per_answers = answers[i] if i < len(answers) else []
        per_documents = documents[i] if i < len(documents) and isinstance(documents[i], list) else []
        bodies.append(query_body(text, per_answers, per_documents, result.get("_debug") if i == 0 else None))
    return JSON(bodies)
