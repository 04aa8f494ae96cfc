"""A pure ASGI middleware that refuses request bodies over a size limit with 413, before they are parsed.

The `Content-Length` header is checked first; bodies without one (chunked) are counted as they
arrive, and reading stops at the limit, so an oversized upload never fills the disk.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


def _too_large(limit: int, setting: str) -> tuple[bytes, int]:
    message = (
        f"The request body is larger than {limit:,} bytes, the most this service accepts here ({setting}). "
        "Send smaller files, fewer files per request, or raise the limit."
    )
    body = json.dumps({"errors": [message]}).encode()
    return body, 413


class BodySizeLimit:
    """Refuse bodies over `limit(path)` bytes; `limit` returns `(bytes, name of the setting)`."""

    def __init__(self, app: ASGIApp, limit: Callable[[str], tuple[int, str]]):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self.limit(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await _send_413(send, limit, setting)
                    return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to a cut-off body is replaced by the 413 below
            started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _send_413(send, limit, setting)


async def _send_413(send: Callable[[Message], Awaitable[None]], limit: int, setting: str) -> None:
    body, status = _too_large(limit, setting)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
