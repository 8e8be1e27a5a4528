"""Security headers on every answer: a Content-Security-Policy the web UI passes, and the usual companions.

The UI loads only its own files (scripts from ``/static``, no inline script, no CDN) and talks only to this
server, so the policy allows ``'self'`` and nothing else for scripts, connections and frames; it may not be
framed (``frame-ancestors 'none'``, clickjacking). Inline *styles* are allowed: vis-network injects its own
``<style>`` elements (Chromium reports them as violations under ``style-src 'self'``). OpenAPI's ``/docs``
and ``/redoc`` pages load their viewers from a CDN with an inline bootstrap script, so they get the other
headers but not the policy.

An answer to an in-house caller (a key of any role but partner) also says where its time went, in a
``Server-Timing`` header (shown by browsers' developer tools): ``app`` from the request's arrival in the
application to its answer, ``store`` the store calls' time in their worker threads, ``handoff`` the rest of the
time the event loop waited for them (passing the call to a thread and the result back). ``app - store -
handoff`` is the API's own work (routing, checks, rendering); a client's time minus ``app`` is the connection
and the HTTP server's. Partners and callers without a key get no such header: the store's time, before
redaction, would say more precisely than the answer's latency how much was left out.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders", "CSP", "timings"]

_TIMINGS: ContextVar[dict[str, float] | None] = ContextVar("compoundgraph_timings", default=None)


def timings() -> dict[str, float] | None:
    """This request's timings (seconds), for store calls to add to; None outside a request."""
    return _TIMINGS.get()


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_OPENAPI_PAGES = ("/docs", "/redoc")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_ALWAYS)
        if not scope["path"].startswith(_OPENAPI_PAGES):
            extra.append((b"content-security-policy", CSP.encode()))
        started = time.perf_counter()
        timed = {"store": 0.0, "handoff": 0.0}
        token = _TIMINGS.set(timed)

        async def add(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                headers = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
                principal = (scope.get("state") or {}).get("principal")
                if principal is not None and not principal.is_partner:
                    spent = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
                    if timed["store"] or timed["handoff"]:
                        spent += f", store;dur={timed['store'] * 1000:.2f}, handoff;dur={timed['handoff'] * 1000:.2f}"
                    headers.append((b"server-timing", spent.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, add)
        finally:
            _TIMINGS.reset(token)
