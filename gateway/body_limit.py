"""Refuse request bodies above a size, whether or not they announce their length.

A declared ``Content-Length`` over the limit is refused before anything is read. A body
sent in chunks is counted as it arrives: past the limit the app sees the client go away,
stops reading, and the client gets 413. So no request can make the gateway buffer more
than the limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from temporal_review.gateway import errors


class BodyLimit:
    """Pure ASGI middleware (a ``BaseHTTPMiddleware`` would buffer the body first)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        received = 0
        too_large = False
        answered = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if too_large:
                if not answered:
                    answered = True
                    await self._refuse(scope, receive, send)
                return  # the app's own answer to a truncated body is dropped
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not answered:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = errors.ApiError(413, "body_too_large", f"bodies are limited to {self.limit} bytes")
        await errors.json_response(error)(scope, receive, send)
