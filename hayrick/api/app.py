"""The FastAPI app: `create_app(...)` for any ASGI server, `app_from_env()` for uvicorn's factory mode.

```python
from hayrick.api import create_app
app = create_app("yaml_pipelines/service.yml")          # models are loaded here, before serving
# uvicorn.run(app, host="127.0.0.1", port=8000)
```
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import FileResponse, JSONResponse

import hayrick
from hayrick.api.limits import BodySizeLimit
from hayrick.api.routes import documents, feedback, health, search, upload
from hayrick.api.service import APIError, Service
from hayrick.api.settings import APISettings

logger = logging.getLogger("hayrick.api")
STATIC = Path(__file__).parent / "static"


def create_app(
    pipeline_yaml_path: str | None = None,
    *,
    settings: APISettings | None = None,
    pipelines: dict[str, Any] | None = None,
    cors_origins: list[str] | None = None,
    **overrides: Any,
) -> FastAPI:
    """Load the pipelines and build the app that serves them.

    Args:
        pipeline_yaml_path: the YAML file (default: `settings`, else the environment's `PIPELINE_YAML_PATH`).
        settings: all settings at once; default `APISettings.from_env()`.
        pipelines: already built pipelines by name, instead of a file (e.g. from a notebook).
        cors_origins: origins a browser page elsewhere may call the API from (default: none; the
            search page at `/` is same-origin and needs none).
        overrides: single settings, e.g. `concurrent_request_per_worker=16`, `max_upload_size=10_000_000`.

    Raises:
        PipelineConfigError: the file or its pipelines are wrong (before anything listens).
    """
    settings = (settings or APISettings.from_env()).with_overrides(pipeline_yaml_path=pipeline_yaml_path, **overrides)
    logging.getLogger("hayrick").setLevel(settings.log_level.upper())
    service = Service.load(settings, pipelines)
    settings.upload_dir()

    app = FastAPI(
        title="hayrick REST API",
        version=hayrick.__version__,
        root_path=settings.root_path,
        description="Search and question answering over your documents (Haystack 1.x's REST API).",
        generate_unique_id_function=lambda route: route.name,  # operation ids `query`, `upload_file`, ...
        strict_content_type=False,  # JSON sent without a Content-Type is read, as Haystack 1.x's API read it
    )
    app.state.service = service
    for router in (search.router, feedback.router, upload.router, documents.router, health.router):
        app.include_router(router)
    _add_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def search_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=cors_origins, allow_methods=["*"], allow_headers=["*"])

    def limit(path: str) -> tuple[int, str]:
        if path.rstrip("/").endswith("/file-upload"):
            return settings.max_upload_size, "MAX_UPLOAD_SIZE"
        return settings.max_request_size, "MAX_REQUEST_SIZE"

    app.add_middleware(BodySizeLimit, limit=limit)
    logger.info("Serving %s (query pipeline %r)", settings.pipeline_yaml_path, settings.query_pipeline_name)
    return app


def app_from_env() -> FastAPI:
    """`create_app()` from environment variables only: `uvicorn --factory hayrick.api.app:app_from_env`."""
    return create_app()


def _errors(*messages: str) -> dict[str, list[str]]:
    return {"errors": list(messages)}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def api_error(_: Request, exc: APIError) -> JSONResponse:
        return JSONResponse(_errors(exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        if exc.status_code == 400 and detail == "There was an error parsing the body":  # FastAPI's own words
            detail = ("The request body could not be parsed: it is malformed, or nested too deeply for the parser. "
                      "Send JSON (or multipart form data for /file-upload) of reasonable depth.")
        return JSONResponse(_errors(detail), status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = exc.errors()
        messages = []
        for error in details:
            if error.get("type") == "json_invalid":
                reason = (error.get("ctx") or {}).get("error", "JSON decode error")
                messages.append(f"The request body is not valid JSON ({reason} at character {error['loc'][-1]}).")
                continue
            where = ".".join(str(part) for part in error.get("loc", ()))
            messages.append(f"{where}: {error.get('msg')}")
        safe = [{k: v for k, v in error.items() if k in ("type", "loc", "msg")} for error in details]
        return JSONResponse({"errors": messages, "detail": safe}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.error("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            _errors(f"Internal error ({type(exc).__name__}: {exc}); the server log has the details."), status_code=500
        )
