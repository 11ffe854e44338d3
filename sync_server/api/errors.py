"""Every 4xx answers ``ErrorBody``: ``{"code": ..., "message": ...}``, never FastAPI's ``detail``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync_server.api.json_response import JSONResponse

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "bad_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    426: "please_update",
}


class ApiError(Exception):
    """Raise from anywhere under a route to answer ``status`` with our error body."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra
        self.headers: dict[str, str] = {}


MAX_MESSAGE = 1000  # a last guard: messages quote sent values cut short (``quoted``), never whole


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra) -> JSONResponse:
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return JSONResponse({"code": code, "message": message, **extra}, status_code=status, headers=headers)


def _where(loc: tuple) -> str:
    # ("query", "limit") → "query parameter 'limit'"; ("body",) → "request body"
    if not loc:
        return "request"
    kind, *rest = loc
    name = ".".join(str(part) for part in rest)
    label = {"query": "query parameter", "header": "header", "path": "path parameter"}.get(kind, str(kind))
    return f"{label} '{name}'" if name else f"request {kind}"


async def _on_api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.headers or None, **exc.extra)


async def _on_http_exception(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _CODES_BY_STATUS.get(exc.status_code, f"http_{exc.status_code}")
    return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))


async def _on_validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    reasons = [f"{_where(tuple(err.get('loc', ())))}: {err.get('msg', 'invalid')}" for err in exc.errors()]
    return error_response(422, "invalid_request", "; ".join(reasons) or "invalid request")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
