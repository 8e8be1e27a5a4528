"""RFC 9457 problem details: every error the API returns is mapped here, in one place.

A problem is ``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and, where the
error knows it, ``where`` (the parameter or field at fault) and ``errors`` (validation details).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import CompoundGraphError

__all__ = ["Problem", "problem_response", "problem_docs", "install", "PROBLEM_RESPONSES", "MEDIA_TYPE"]

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://compoundgraph.example/problems/"


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(examples=[TYPE_BASE + "forbidden"])
    title: str = Field(examples=["Forbidden"])
    status: int = Field(examples=[403])
    detail: str = Field(examples=["this endpoint needs the analyst role; the key has investigator"])
    where: str | None = Field(None, examples=["min_grade"])
    errors: list[dict[str, Any]] | None = None


def _slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def problem_response(
    status: int,
    title: str,
    detail: str,
    where: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_BASE + _slug(title), "title": title, "status": status, "detail": detail}
    if where:
        body["where"] = where
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    501: "Not implemented",
    504: "Query timeout",
}

# Declared on every route so OpenAPI documents the error shape (schemathesis checks against it).
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": _TITLES.get(code, "Error"), "content": {MEDIA_TYPE: {}}}
    for code in (401, 403, 404, 409, 413, 422, 429, 503, 504)
}


def problem_docs(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry of a route that may answer with these problem statuses."""
    return {code: PROBLEM_RESPONSES[code] for code in codes}


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    """Validation errors as JSON (pydantic's ``ctx`` may hold exceptions; ``input`` may be huge)."""
    out = []
    for e in errors:
        out.append(
            {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        )
    return out


def install(app: FastAPI) -> None:
    """Map project errors, validation errors and Starlette's HTTP errors to problems."""

    @app.exception_handler(CompoundGraphError)
    async def _project(request: Request, exc: CompoundGraphError) -> JSONResponse:
        headers = getattr(exc, "headers", None)
        return problem_response(exc.status, exc.title, exc.detail, exc.where, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean(list(exc.errors()))
        where = ".".join(errors[0]["loc"][1:] or errors[0]["loc"]) if errors else None
        detail = "; ".join(f"{'.'.join(e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors[:5])
        return problem_response(422, "Invalid input", detail or "invalid request", where, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = _TITLES.get(exc.status_code, "Error")
        detail = str(exc.detail) if exc.detail else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no endpoint at {request.url.path[:200]}"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path[:200]}"
        return problem_response(exc.status_code, title, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - last resort
        return problem_response(500, "Internal error", f"unexpected {type(exc).__name__}; see the server log")
