"""Errors that services raise; each maps onto one HTTP status and a message for people."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused operation, with the HTTP status it maps to and words for the person who tried it."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details or {}

    def to_json(self) -> dict[str, Any]:
        """The JSON error body: `{"error": code, "message": text, ...details}`."""
        return {"error": self.code, "message": self.message, **self.details}


class InvalidInput(ServiceError):
    """A field is missing or wrong (400)."""

    status = 400
    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, details={"field": field})
        self.field = field


class NotAllowed(ServiceError):
    """The actor may not do this (403)."""

    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    """No such thing, or not one the actor may see (404)."""

    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The current state does not allow this (409)."""

    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    """A save based on an older version than the one stored (409); carries both texts."""

    code = "stale_version"
