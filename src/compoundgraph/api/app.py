"""``create_app()``: the FastAPI service over the configured store.

The lifespan opens the store once (``open_store``) and closes it at shutdown - unless a store is passed in
(tests, the benchmark), which the caller owns. One router per resource; errors are problem+json
(``problems.py``); limits and the audit trail wrap every request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..settings import Settings, get_settings
from ..store import GraphStore, open_store
from . import problems
from .config import ApiSettings
from .deps import AppContext
from .headers import SecurityHeaders
from .limits import BodyLimit, ConcurrencyLimiter, RateLimiter, limited_json
from .routers import ROUTERS
from .security import KeyStore

__all__ = ["create_app", "AUDITED_PREFIXES"]

log = logging.getLogger("compoundgraph.api")

# Requests under these paths read or change the graph: each one is written to the audit log.
AUDITED_PREFIXES = (
    "/entities",
    "/search",
    "/subgraph",
    "/analytics",
    "/flows",
    "/cypher",
    "/ingest",
    "/exports",
    "/stats",
    "/screen",
    "/match",
    "/investigations",
    "/review",
    "/funnel",
)

DESCRIPTION = """\
Query, analyse and export the compoundgraph knowledge graph of online-scam compounds.

Authenticate with an API key (`X-API-Key: <key>` or `Authorization: Bearer <key>`); keys are made with
`compoundgraph keys create`. Roles, each including the ones before: **partner** (redacted reads),
**investigator** (+ money-flow traces), **analyst** (+ analytics, Cypher console), **editor** (+ ingest),
**admin**. Errors are RFC 9457 `application/problem+json`. Every graph read is audited.
"""


def _context(settings: Settings, api: ApiSettings, store: GraphStore) -> AppContext:
    return AppContext(
        settings=settings,
        api=api,
        store=store,
        keys=KeyStore(api.resolved_keys_path(settings)),
        audit=api.audit_log(settings),
        limiter=RateLimiter(api.rate_per_minute),
        console_slots=ConcurrencyLimiter(api.cypher_concurrent_per_key, api.cypher_concurrent_total),
    )


def create_app(
    settings: Settings | None = None, store: GraphStore | None = None, api: ApiSettings | None = None
) -> FastAPI:
    """The app. ``store``: use this open store (not closed by the app); else open the configured one."""
    settings = settings or get_settings()
    api = api or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if api.demo:
            log.warning(
                "DEMO MODE: no API key needed from loopback clients (role %s); other clients need keys", api.demo_role
            )
        if store is not None:
            yield
            return
        with open_store(settings) as opened:
            app.state.ctx = _context(settings, api, opened)
            yield

    json_response = limited_json(api.max_response_bytes)
    app = FastAPI(
        title="compoundgraph",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=json_response,
        responses={k: v for k, v in problems.PROBLEM_RESPONSES.items() if k in (413, 422, 429, 503)},
    )
    app.state.json_response = json_response
    if store is not None:
        app.state.ctx = _context(settings, api, store)
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    from .. import web

    app.include_router(web.router)
    # the last added is the outermost: the audit trail sees everything, 413s from the body limit included
    app.add_middleware(
        BodyLimit,
        max_bytes=api.max_body_bytes,
        upload_bytes=api.max_upload_bytes,
        upload_paths=("/ingest", "/investigations"),
        multipart_paths=("/screen",),
    )
    app.add_middleware(AuditTrail)
    app.add_middleware(SecurityHeaders)
    return app


class AuditTrail:
    """Writes one audit entry per request under :data:`AUDITED_PREFIXES`, after the response, with its status.

    Endpoints add detail (the Cypher text, an upload's hash, an export's format) with ``deps.audit_detail``.
    Refused requests (401, 403, 429) are audited too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(AUDITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            state = scope.get("state") or {}
            principal = state.get("principal")
            ctx: AppContext = scope["app"].state.ctx
            _append_safely(
                ctx,
                f"{scope['method']} {scope['path'].split('/')[1]}",
                principal.key_id if principal else "-",
                principal.role if principal else "-",
                method=scope["method"],
                path=scope["path"][:500],
                query=scope.get("query_string", b"").decode("latin-1")[:2000],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 2),
                client=(scope.get("client") or ("", 0))[0],
                **(state.get("audit") or {}),
            )


def _append_safely(ctx: AppContext, action: str, actor: str, role: str, **fields: Any) -> None:
    """Write the entry; a failure is logged loudly but never turns an answered request into a dropped one."""
    try:
        ctx.audit.append(action, actor, role, **fields)
    except Exception:
        log.exception("AUDIT ENTRY NOT WRITTEN for %s %s", fields.get("method"), fields.get("path"))
