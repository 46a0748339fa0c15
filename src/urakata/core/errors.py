"""Domain errors raised by services and selectors; the API and views turn them into 4xx."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a business rule refused the operation."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(DomainError):
    """Input failed validation; `errors` maps field name to messages (all problems, not the first)."""

    code = "validation_error"
    status = 422


class NotFound(DomainError):
    """The object does not exist or is outside the user's scope (never reveal which)."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The user's role may not use this feature."""

    code = "permission_denied"
    status = 403


class Conflict(DomainError):
    """The operation conflicts with the current state (duplicate, already done)."""

    code = "conflict"
    status = 409


class TooManyRequests(DomainError):
    """Too many attempts from one address, account or link: try again later (HTTP 429).

    `retry_after` (seconds), when known, goes into the `Retry-After` header of the API and pages.
    """

    code = "too_many_requests"
    status = 429

    def __init__(
        self,
        message: str,
        *,
        errors: dict[str, list[str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, errors=errors)
        self.retry_after = retry_after
