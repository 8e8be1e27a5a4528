"""Annotated dependencies: the store, the caller (key and role), the rate limit, and audit details.

``Reader``, ``Investigator``, ``Analyst``, ``Editor`` and ``Admin`` are the principal of a request that has a
valid key (401 otherwise) with at least that role (403 otherwise); ``Reader`` admits partners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..errors import InvalidInput, Unauthorized
from ..settings import Settings
from ..store import GraphStore
from .audit import AuditLog
from .config import ApiSettings
from .limits import ConcurrencyLimiter, RateLimiter
from .security import LOOPBACK, KeyStore, Principal, require_role

__all__ = [
    "AppContext",
    "ctx_of",
    "Ctx",
    "Store",
    "OptionalCaller",
    "Reader",
    "Investigator",
    "Analyst",
    "Editor",
    "Admin",
    "audit_detail",
    "authorize",
    "api_key_of",
    "KEYED",
    "READING",
    "param",
]

R = TypeVar("R")


@dataclass
class AppContext:
    """Everything a request needs, made once by the lifespan."""

    settings: Settings
    api: ApiSettings
    store: GraphStore
    keys: KeyStore
    audit: AuditLog
    limiter: RateLimiter
    console_slots: ConcurrencyLimiter


# Dependencies are ``async def`` although they do not await: FastAPI runs plain ``def`` dependencies in the
# thread pool, and a thread hop per dependency costs more than the work (key check: a stat and a dict lookup).
async def ctx_of(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


Ctx = Annotated[AppContext, Depends(ctx_of)]


async def _store(ctx: Ctx) -> GraphStore:
    return ctx.store


Store = Annotated[GraphStore, Depends(_store)]


# Declared as OpenAPI security schemes (either one will do); ``auto_error=False`` so a missing key is our own
# 401 problem (or demo mode), not FastAPI's plain 403.
_API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key from `compoundgraph keys create`")
_BEARER = HTTPBearer(auto_error=False, description="the same API key as a bearer token")


def api_key_of(request: Request) -> str | None:
    """The key a request presents: ``X-API-Key``, else ``Authorization: Bearer <key>``, else ``Authorization:
    ApiKey <key>`` (what clients of OpenSanctions' yente send to /match). The two security schemes below
    read the first two the same way; they are there so OpenAPI documents both."""
    key = request.headers.get("x-api-key")
    if key:
        return key
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    return value if value and scheme.lower() in ("bearer", "apikey") else None


def _admit(request: Request, ctx: AppContext, key: str | None) -> Principal:
    """The principal of ``key`` (demo mode: of no key, from loopback), counted against its rate limit."""
    client = request.client.host if request.client else ""
    if not key and ctx.api.demo and client in LOOPBACK:
        principal = Principal("demo", ctx.api.demo_role, "demo mode (loopback, no key)")
    else:
        principal = ctx.keys.authenticate(key)
    request.state.principal = principal
    ctx.limiter.check(principal.key_id)
    return principal


async def _principal(
    request: Request,
    ctx: Ctx,
    x_api_key: Annotated[str | None, Security(_API_KEY)] = None,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)] = None,
) -> Principal:
    del x_api_key, bearer  # declared for OpenAPI; the key is read, the same way, by api_key_of
    return _admit(request, ctx, api_key_of(request))


async def _optional_principal(request: Request, ctx: Ctx) -> Principal | None:
    """The caller when a valid key is presented, else None (no 401: for endpoints open to everyone).

    Reads the headers itself rather than through the security schemes, so the endpoint stays documented as
    open in OpenAPI."""
    key = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    if not key and auth[:7].lower() == "bearer ":
        key = auth[7:].strip()
    if not key:
        return None
    try:
        principal = ctx.keys.authenticate(key)
    except Unauthorized:
        return None
    request.state.principal = principal
    ctx.limiter.check(principal.key_id)
    return principal


OptionalCaller = Annotated[Principal | None, Depends(_optional_principal)]


def _role(needed: str, what: str) -> Any:
    async def check(principal: Annotated[Principal, Depends(_principal)]) -> Principal:
        require_role(principal, needed, what)
        return principal

    return Depends(check)


READING = ("partner", "reading the graph")
Reader = Annotated[Principal, _role(*READING)]
Investigator = Annotated[Principal, _role("investigator", "this endpoint")]
Analyst = Annotated[Principal, _role("analyst", "this endpoint")]
Editor = Annotated[Principal, _role("editor", "this endpoint")]
Admin = Annotated[Principal, _role("admin", "this endpoint")]


# what a route that checks its caller with :func:`authorize` declares as its ``openapi_extra``: the security
# FastAPI would list for ``Reader`` and the other role dependencies
KEYED: dict[str, Any] = {"security": [{_API_KEY.scheme_name: []}, {_BEARER.scheme_name: []}]}


def authorize(request: Request, needed: str, what: str) -> Principal:
    """The check of ``Reader`` ... ``Admin`` as one plain call (401, 429, 403 as theirs), for the chart's hot
    route: FastAPI resolves a dependency chain anew on every request (the role check, the principal, the
    context and two security schemes: a fifth of the API's own work on the chart's query). Such a route takes
    ``request`` only, calls this first, and declares :data:`KEYED` so OpenAPI documents the same security."""
    principal = _admit(request, request.app.state.ctx, api_key_of(request))
    require_role(principal, needed, what)
    return principal


def audit_detail(request: Request, **fields: Any) -> None:
    """Add fields to this request's audit entry (written by the audit middleware after the response)."""
    extra = getattr(request.state, "audit", None) or {}
    extra.update(fields)
    request.state.audit = extra


def param(name: str, fn: Callable[..., R], *args: Any) -> R:
    """Call a parser; an ``InvalidInput`` it raises names the query parameter ``name``."""
    try:
        return fn(*args)
    except InvalidInput as exc:
        raise InvalidInput(exc.detail, where=name) from exc
