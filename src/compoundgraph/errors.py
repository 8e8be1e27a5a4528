"""One root error for the project; each subclass carries the HTTP status the API maps it to."""

from __future__ import annotations

__all__ = [
    "CompoundGraphError",
    "InvalidInput",
    "NotFound",
    "Forbidden",
    "Unauthorized",
    "Conflict",
    "StoreUnavailable",
    "TooLarge",
]


class CompoundGraphError(Exception):
    """Root of every error the project raises on purpose."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, detail: str, *, where: str | None = None) -> None:
        self.detail = detail
        self.where = where
        super().__init__(f"{where}: {detail}" if where else detail)


class InvalidInput(CompoundGraphError):
    """Input refused: says where and why."""

    status = 422
    title = "Invalid input"


class NotFound(CompoundGraphError):
    status = 404
    title = "Not found"


class Unauthorized(CompoundGraphError):
    status = 401
    title = "Unauthorized"


class Forbidden(CompoundGraphError):
    status = 403
    title = "Forbidden"


class Conflict(CompoundGraphError):
    status = 409
    title = "Conflict"


class TooLarge(CompoundGraphError):
    status = 413
    title = "Too large"


class StoreUnavailable(CompoundGraphError):
    status = 503
    title = "Store unavailable"
