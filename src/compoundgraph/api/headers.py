"""Security headers on every answer: a Content-Security-Policy the web UI passes, and the usual companions.

The UI loads only its own files (scripts from ``/static``, no inline script, no CDN) and talks only to this
server, so the policy allows ``'self'`` and nothing else for scripts, connections and frames; it may not be
framed (``frame-ancestors 'none'``, clickjacking). Inline *styles* are allowed: vis-network injects its own
``<style>`` elements (Chromium reports them as violations under ``style-src 'self'``). OpenAPI's ``/docs``
and ``/redoc`` pages load their viewers from a CDN with an inline bootstrap script, so they get the other
headers but not the policy.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders", "CSP"]

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

        async def add(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, add)
