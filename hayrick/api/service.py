"""What the endpoints share: the pipelines, their document store, the request limiter, error mapping.

No FastAPI here, so the rules (which failure is the client's, which is the server's) are plain
functions that tests and other front ends can reuse.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hayrick.api.placement import RunPlacement
from hayrick.api.settings import APISettings
from hayrick.errors import (
    ComponentError,
    DocumentStoreValueError,
    FileConversionError,
    FilterError,
    HayrickError,
    NodeError,
    PipelineConfigError,
)

logger = logging.getLogger("hayrick.api")

#: Errors a client causes (a bad filter, a bad top_k, an unknown param): answered 422, never 500.
CLIENT_ERRORS: tuple[type[Exception], ...] = (
    PipelineConfigError,  # PipelineValidationError: unknown params, params for a node that does not take them
    FilterError,
    ComponentError,  # argument checks at run time (top_k="x")
    DocumentStoreValueError,
)


class APIError(Exception):
    """An error the service answers with `status` and `{"errors": [message]}` (Haystack 1.x's error body)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


class RequestLimiter:
    """At most `limit` requests at once; one more is refused at once (503), never queued."""

    def __init__(self, limit: int):
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(limit)

    @contextmanager
    def run(self) -> Iterator[None]:
        if not self._semaphore.acquire(blocking=False):
            raise APIError(
                503,
                f"The server is busy processing requests: {self.limit} are running "
                "(CONCURRENT_REQUEST_PER_WORKER). Retry in a moment.",
                headers={"Retry-After": "1"},
            )
        try:
            yield
        finally:
            self._semaphore.release()


def node_of(pipeline: Any, exc: NodeError) -> Any:
    """The component of the node that raised `exc`, or None."""
    return pipeline.get_node(exc.node_name) if exc.node_name else None


def _touched_by_client(pipeline: Any, node_name: str | None, client_params: dict[str, Any] | None) -> bool:
    """Whether the client's params reached node `node_name`: named it, or held a global key."""
    if not client_params or node_name is None:
        return False
    if node_name in client_params:
        return True
    node_names = set(getattr(pipeline, "node_components", {}) or {})
    return any(key not in node_names for key in client_params)


def classify_run_error(exc: Exception, pipeline: Any, client_params: dict[str, Any] | None = None) -> APIError:
    """The HTTP answer to an exception raised by `pipeline.run`: 4xx for the client's mistakes, else 500.

    A client's mistake is a bad param (refused by the pipeline before any node runs), a hayrick argument
    check in a node, a bad file, or a ValueError/TypeError from a node the client's params reached
    (`{"PreProcessor": {"split_by": "banana"}}`). A 500 names the node and the error, never a traceback
    (that goes to the server log).
    """
    from hayrick.nodes.file_converter.base import BaseConverter
    from hayrick.nodes.routing.file_type_classifier import FileTypeClassifier

    if isinstance(exc, NodeError):
        cause = exc.__cause__
        component = node_of(pipeline, exc)
        if isinstance(component, FileTypeClassifier) and isinstance(cause, ValueError):
            return APIError(415, f"{cause} Nothing was indexed.")
        if isinstance(component, BaseConverter) and isinstance(cause, (ValueError, FileConversionError, OSError)):
            return APIError(422, f"A file could not be converted: {cause} Nothing was indexed.")
        if isinstance(cause, CLIENT_ERRORS):
            return APIError(422, f"{exc}")
        if isinstance(cause, (ValueError, TypeError)) and _touched_by_client(pipeline, exc.node_name, client_params):
            return APIError(422, f"{exc} (check the params sent for it)")
        logger.error("Node %r failed", exc.node_name, exc_info=exc)
        return APIError(500, f"{exc}")
    if isinstance(exc, CLIENT_ERRORS):
        return APIError(422, str(exc))
    if isinstance(exc, RecursionError):
        return APIError(422, "The request nests too deeply (params or filters); flatten it.")
    if isinstance(exc, HayrickError):
        logger.error("Pipeline failed", exc_info=exc)
        return APIError(500, f"{type(exc).__name__}: {exc}")
    logger.error("Pipeline failed", exc_info=exc)
    return APIError(500, f"Internal error ({type(exc).__name__}: {exc}); the server log has the details.")


@dataclass
class Service:
    """The loaded pipelines and what the endpoints need of them."""

    settings: APISettings
    query_pipeline: Any
    indexing_pipeline: Any | None
    limiter: RequestLimiter

    @classmethod
    def load(cls, settings: APISettings, pipelines: dict[str, Any] | None = None) -> Service:
        """Load the query and indexing pipelines of `settings.pipeline_yaml_path`, sharing their components.

        Args:
            pipelines: already built pipelines by name, instead of the YAML file.

        Raises:
            PipelineConfigError: no file, no query pipeline in it, or a broken config.
        """
        from hayrick.pipelines.base import Pipeline
        from hayrick.pipelines.config import normalize_config, read_config

        query_name, indexing_name = settings.query_pipeline_name, settings.indexing_pipeline_name
        if pipelines is None:
            if not settings.pipeline_yaml_path:
                raise PipelineConfigError(
                    "No pipeline file to serve: pass one (hayrick serve PIPELINES.yml, "
                    "create_app('PIPELINES.yml')) or set PIPELINE_YAML_PATH."
                )
            config = read_config(settings.pipeline_yaml_path)
            names = list(normalize_config(config)[1])
            if query_name not in names:
                raise PipelineConfigError(
                    f"{settings.pipeline_yaml_path} has no pipeline named {query_name!r} to answer /query; its "
                    f"pipelines are: {', '.join(names)}. Set QUERY_PIPELINE_NAME (hayrick serve --query-pipeline)."
                )
            wanted = [query_name] + ([indexing_name] if indexing_name in names and indexing_name != query_name else [])
            pipelines = Pipeline.load_many(config, wanted)
        elif query_name not in pipelines:
            raise PipelineConfigError(f"No pipeline named {query_name!r} among {', '.join(pipelines)}.")
        query = pipelines[query_name]
        indexing = pipelines.get(indexing_name)
        if query.root_node != "Query":
            raise PipelineConfigError(
                f"Pipeline {query_name!r} starts at {query.root_node}, but /query needs a pipeline that starts at Query."
            )
        if indexing is not None and indexing.root_node != "File":
            raise PipelineConfigError(
                f"Pipeline {indexing_name!r} starts at {indexing.root_node}, but /file-upload needs a pipeline "
                "that starts at File."
            )
        if indexing is None:
            logger.warning("No pipeline named %r: /file-upload is not available.", indexing_name)
        service = cls(settings, query, indexing, RequestLimiter(settings.concurrent_request_per_worker))
        service.document_store  # noqa: B018  (several stores is an error at start, not at the first request)
        return service

    @property
    def document_store(self) -> Any:
        """The store of the query pipeline (else of the indexing pipeline), or None."""
        store = self.query_pipeline.get_document_store()
        if store is None and self.indexing_pipeline is not None:
            store = self.indexing_pipeline.get_document_store()
        return store

    def require_store(self) -> Any:
        store = self.document_store
        if store is None:
            raise APIError(501, "The pipelines hold no document store, so there are no documents or feedback to serve.")
        return store

    def __post_init__(self) -> None:
        self.placement = RunPlacement(self.settings.inline_below_ms)
        self._store_users = 0
        self._store_users_lock = threading.Lock()

    @contextmanager
    def using_store(self) -> Iterator[None]:
        """Mark a long store operation (an upload, a listing, a delete) while it runs: queries then go to
        worker threads, so none waits on the event loop for a store lock that operation holds."""
        with self._store_users_lock:
            self._store_users += 1
        try:
            yield
        finally:
            with self._store_users_lock:
                self._store_users -= 1

    async def run_async(self, pipeline: Any, batch: bool = False, **kwargs: Any) -> dict[str, Any]:
        """Run `pipeline` from the event loop: inline if it is fast, else in a worker thread
        (`hayrick.api.placement` says how it decides)."""
        from starlette.concurrency import run_in_threadpool

        method = self.run_batch if batch else self.run
        key = (id(pipeline), batch)  # a batch takes longer than one query: timed apart

        def timed(inline: bool) -> dict[str, Any]:  # the run's own time, without the wait for a thread
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return method(pipeline, **kwargs)
            finally:
                wall_ms = (time.perf_counter() - start) * 1000
                self.placement.record(key, wall_ms, (time.thread_time() - cpu) * 1000, inline)

        if self.placement.inline(key, busy=self._store_users > 0):
            return timed(True)
        return await run_in_threadpool(timed, False)

    def run(self, pipeline: Any, client_params: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """`pipeline.run(**kwargs)`, with its errors turned into `APIError`s (`client_params`: what the client
        sent as params, to tell its mistakes from the server's)."""
        try:
            return pipeline.run(**kwargs)
        except Exception as exc:
            raise classify_run_error(exc, pipeline, client_params) from exc

    def run_batch(self, pipeline: Any, client_params: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        try:
            return pipeline.run_batch(**kwargs)
        except Exception as exc:
            raise classify_run_error(exc, pipeline, client_params) from exc
