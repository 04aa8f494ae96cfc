"""The REST API and the search page: Haystack 1.x's `rest_api`, served by `hayrick serve`.

```bash
pip install -e ".[api]"
hayrick serve yaml_pipelines/service.yml --port 8000     # then open http://127.0.0.1:8000
```

Or build the app for any ASGI server: `from hayrick.api import create_app; app = create_app("pipelines.yml")`,
or `uvicorn --factory hayrick.api.app:app_from_env` with `PIPELINE_YAML_PATH` set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hayrick.api.settings import APISettings
from hayrick.lazy_imports import require

if TYPE_CHECKING:
    from fastapi import FastAPI


def require_api() -> None:
    """Raise an ImportError naming the `[api]` extra if a package the service needs is missing."""
    for module in ("fastapi", "python_multipart", "psutil"):
        require(module, owner="The REST API", extra="api")


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """Build the app; see `hayrick.api.app.create_app`."""
    require_api()
    from hayrick.api.app import create_app as build

    return build(*args, **kwargs)


__all__ = ["APISettings", "create_app"]
