"""One JSON error shape for every failure, and the mapping from Temporal's errors to HTTP.

Every error body is ``{"error": {"code": ..., "message": ..., "details": [...]}}``::

    401 unauthenticated      no or bad credentials
    403 forbidden            not routed to you, or your key lacks the scope
    404 not_found            unknown review (or route)
    409 conflict             claimed by another, stale revision, already decided, wrong status
    413 body_too_large       request body over the configured limit
    422 invalid_request      body, query or header does not fit; invalid response or content
    503 unavailable          Temporal unreachable, or no worker answered in time

Temporal errors are mapped by type (``WorkflowUpdateFailedError`` cause type,
``RPCError.status``), never by message text.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from temporal_review.workflows import errors as review_errors

log = logging.getLogger("temporal_review.gateway")


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the gateway answers with ``status`` and the JSON shape above."""

    def __init__(
        self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []


def unauthenticated() -> ApiError:
    return ApiError(401, "unauthenticated", "missing or invalid credentials")


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def not_found(review_id: str) -> ApiError:
    return ApiError(404, "not_found", f"no review {review_id}")


def unavailable(message: str) -> ApiError:
    return ApiError(503, "unavailable", message)


_REJECTIONS = {
    review_errors.NOT_ROUTED: (403, "forbidden"),
    review_errors.CLAIMED_BY_OTHER: (409, "claimed_by_other"),
    review_errors.STALE_REVISION: (409, "stale_revision"),
    review_errors.REVIEW_ENDED: (409, "review_ended"),
    review_errors.WRONG_STATUS: (409, "wrong_status"),
    review_errors.ROUND_LIMIT: (409, "round_limit"),
    review_errors.INVALID_RESPONSE: (422, "invalid_response"),
    review_errors.INVALID_CONTENT: (422, "invalid_content"),
}


def from_update_failure(err: WorkflowUpdateFailedError) -> ApiError:
    """The HTTP form of an action the review workflow rejected."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in _REJECTIONS:
        status, code = _REJECTIONS[cause.type]
        details = cause.details[0] if cause.details and isinstance(cause.details[0], list) else []
        return ApiError(status, code, cause.message, details)
    log.error("review action failed unexpectedly: %r", cause)
    return ApiError(500, "internal", "the review could not apply the action")


def from_rpc_error(err: RPCError, review_id: str) -> ApiError:
    """The HTTP form of a failed call to Temporal."""
    if err.status is RPCStatusCode.NOT_FOUND:
        return not_found(review_id)
    if err.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
        return unavailable("no review worker answered in time")
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.UNKNOWN):
        return unavailable("Temporal is unreachable")
    log.error("Temporal call failed: %s %s", err.status.name, err.message)
    return ApiError(502, "temporal_error", f"Temporal refused the call ({err.status.name})")


def json_response(error: ApiError) -> JSONResponse:
    """The JSON response for ``error``."""
    body = ErrorBody(
        error=ErrorDetail(code=error.code, message=error.message, details=error.details)
    )
    return JSONResponse(body.model_dump(), status_code=error.status)


def install(app: FastAPI) -> None:
    """Answer every error with the JSON shape above."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return json_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": [str(part) for part in e.get("loc", ())], "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        where = ", ".join(".".join(d["loc"]) for d in details[:3])
        return json_response(ApiError(422, "invalid_request", f"invalid input at {where}", details))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not decode the body at all
            message = f"the body could not be parsed ({exc.detail}); send UTF-8 JSON"
            return json_response(ApiError(422, "invalid_request", message))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return json_response(ApiError(exc.status_code, code, str(exc.detail)))

    @app.exception_handler(RPCError)
    async def _rpc(request: Request, exc: RPCError) -> JSONResponse:
        return json_response(from_rpc_error(exc, request.path_params.get("review_id", "")))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return json_response(ApiError(500, "internal", "internal error"))
