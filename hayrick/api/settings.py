"""The service's settings: Haystack 1.x's environment variables, plus hayrick's limits."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from hayrick.errors import PipelineConfigError


@dataclass(frozen=True)
class APISettings:
    """What `create_app` serves and how much it accepts.

    Every field can be set by the environment variable of the same name in upper case
    (`APISettings.from_env()`), as Haystack 1.x's REST API reads them.

    Attributes:
        pipeline_yaml_path: the YAML file with the query (and indexing) pipeline.
        query_pipeline_name: the pipeline `/query` runs.
        indexing_pipeline_name: the pipeline `/file-upload` runs; absent from the file = uploads answer 501.
        file_upload_path: where uploaded files are written while they are indexed (and kept with `keep_files`).
        concurrent_request_per_worker: requests that run at once in one worker; more are answered 503.
        max_query_length: the longest query accepted, in characters.
        max_batch_queries: the most queries one `/query-batch` request may hold.
        max_request_size: the largest request body in bytes, uploads aside.
        max_upload_size: the largest `/file-upload` body in bytes (all files together).
        root_path: the path prefix when the service runs behind a proxy (as uvicorn's `root_path`).
        log_level: the level of hayrick's loggers (`INFO`, `WARNING`, ...), as Haystack 1.x's `LOG_LEVEL`.
        inline_below_ms: a query pipeline whose recent runs took less than this runs on the event loop
            itself, not in a worker thread (the hop costs about as much as a BM25 query); 0 = always a thread.
    """

    pipeline_yaml_path: str | None = None
    query_pipeline_name: str = "query"
    indexing_pipeline_name: str = "indexing"
    file_upload_path: str = "file-upload"
    concurrent_request_per_worker: int = 4
    max_query_length: int = 10_000
    max_batch_queries: int = 100
    max_request_size: int = 2 * 1024 * 1024
    max_upload_size: int = 100 * 1024 * 1024
    root_path: str = ""
    log_level: str = "INFO"
    inline_below_ms: int = 3

    def __post_init__(self) -> None:
        if self.log_level.upper() not in ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"):
            raise PipelineConfigError(
                f"APISettings: log_level must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG, got {self.log_level!r} "
                "(environment variable LOG_LEVEL)."
            )
        for field in fields(self):
            value = getattr(self, field.name)
            minimum = 0 if field.name == "inline_below_ms" else 1
            if field.type == "int" and (not isinstance(value, int) or isinstance(value, bool) or value < minimum):
                raise PipelineConfigError(
                    f"APISettings: {field.name} must be an int >= {minimum}, got {value!r} "
                    f"(environment variable {field.name.upper()})."
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> APISettings:
        """Settings from environment variables (`PIPELINE_YAML_PATH`, `CONCURRENT_REQUEST_PER_WORKER`, ...),
        then `overrides` (None values ignored)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = environ.get(field.name.upper())
            if raw is None or raw == "":
                continue
            if field.type == "int":
                try:
                    values[field.name] = int(raw.replace("_", ""))
                except ValueError:
                    raise PipelineConfigError(
                        f"Environment variable {field.name.upper()} must be a positive int, got {raw!r}."
                    ) from None
            else:
                values[field.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_overrides(self, **overrides: object) -> APISettings:
        """A copy with the given fields changed (None values ignored)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def upload_dir(self) -> Path:
        """`file_upload_path` as an absolute folder, created if missing."""
        path = Path(self.file_upload_path).expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path
