"""Errors the desk can report to a caller.

Every error carries a stable machine-readable ``code``, a human ``message`` and optional
``details``; the HTTP and websocket entrypoints map them to their wire shapes in one place.
"""

from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """Base of every error a caller may see. ``status`` is the HTTP status it maps to."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class BadRequestError(DeskError):
    status = 400
    code = "bad_request"


class ValidationError(DeskError):
    """The body is well-formed JSON but does not match the operation's schema."""

    status = 400
    code = "validation_failed"


class AuthenticationError(DeskError):
    status = 401
    code = "unauthenticated"


class PermissionDeniedError(DeskError):
    status = 403
    code = "forbidden"


class NotFoundError(DeskError):
    status = 404
    code = "not_found"


class ConflictError(DeskError):
    """A write lost a race: the caller's view of the resource is stale."""

    status = 409
    code = "conflict"


class PayloadTooLargeError(DeskError):
    status = 413
    code = "payload_too_large"


class UnprocessableError(DeskError):
    """Valid input that the domain refuses (e.g. a status change a help desk does not allow)."""

    status = 422
    code = "unprocessable"


class PreconditionRequiredError(DeskError):
    status = 428
    code = "precondition_required"


class RateLimitedError(DeskError):
    status = 429
    code = "rate_limited"


class ServiceUnavailableError(DeskError):
    """A service the desk depends on cannot be reached; not the caller's fault."""

    status = 503
    code = "service_unavailable"
