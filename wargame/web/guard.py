"""What every request and every answer passes, whatever its route: a body size limit (checked
before any handler reads the body), refusals and bad input as JSON errors, and the security
headers on every response (no framing, no sniffing, no referrer, no caching, scripts only from
the server itself)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wargame.errors import WargameError
from wargame.web.refused import Refused
from wargame.web.scenarios import UPLOAD_LIMIT

BODY_LIMIT = UPLOAD_LIMIT + 64 * 1024  # any request body (an upload travels as JSON text)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def error_response(refused: Refused) -> JSONResponse:
    """A refusal as the pages read it: ``{"error": message}`` with its status."""
    return JSONResponse({"error": refused.message}, status_code=refused.status, headers=HEADERS)


class BodyLimit:
    """Refuses a request body over ``limit`` bytes (declared or streamed) with 413, before any
    handler reads it (ASGI middleware: it wraps the whole app, error handlers included)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise Refused(413, f"request body over {self.limit // 1024} KB")
            return message

        try:
            await self.app(scope, counted, send)
        except Refused as refused:
            await error_response(refused)(scope, receive, send)


def _too_large(limit: int) -> JSONResponse:
    return error_response(
        Refused(413, f"request body over {limit // 1024} KB (uploads: at most {UPLOAD_LIMIT // 1024} KB)")
    )


def install(app: FastAPI) -> None:
    """Refusals and bad input as JSON errors, and the security headers on every response."""

    async def refused(request: Request, err: Exception) -> Response:
        assert isinstance(err, Refused)
        return error_response(err)

    async def bad_input(request: Request, err: Exception) -> Response:
        return error_response(Refused(400, str(err)))

    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(WargameError, bad_input)
    app.middleware("http")(headers)
