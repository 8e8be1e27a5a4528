"""The app under test, for the API tests: an app over a store with one key per role.

``make_api`` builds it with ``create_app(store=...)``, its key file and audit log in a temporary folder, rate
limiting off; ``Api.keys`` maps each role to a valid key; ``Api.client`` is a TestClient. The ``api`` fixture
(tests/conftest.py) is ``make_api`` over the ``world`` store. ``problem`` checks a problem+json answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from compoundgraph.api import create_app
from compoundgraph.api.audit import AuditLog
from compoundgraph.api.config import ApiSettings
from compoundgraph.api.security import ROLES, KeyStore
from compoundgraph.settings import Settings
from compoundgraph.store import GraphStore


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    keys: dict[str, str]
    keystore: KeyStore
    audit: AuditLog
    store: GraphStore
    tmp: Path

    def get(self, url: str, role: str | None = "admin", **kw: object):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers=_h(self.keys, role), **kw)  # type: ignore[arg-type]

    def post(self, url: str, role: str | None = "admin", **kw: object):  # type: ignore[no-untyped-def]
        return self.client.post(url, headers=_h(self.keys, role), **kw)  # type: ignore[arg-type]


def _h(keys: dict[str, str], role: str | None) -> dict[str, str]:
    return {"X-API-Key": keys[role]} if role else {}


def api_settings(tmp: Path, **kw: object) -> ApiSettings:
    values: dict[str, object] = {
        "keys_path": tmp / "keys.json",
        "audit_path": tmp / "audit.jsonl",
        "rate_per_minute": 0,
        **kw,
    }
    return ApiSettings(**values)  # type: ignore[arg-type]


def make_api(store: GraphStore, tmp: Path, **kw: object) -> Api:
    settings = api_settings(tmp, **kw)
    ks = KeyStore(settings.keys_path)  # type: ignore[arg-type]
    keys = {role: ks.create(f"test {role}", role)[1] for role in ROLES}
    app = create_app(Settings(embedded_path=tmp / "unused.sqlite"), store=store, api=settings)
    client = TestClient(app, client=("127.0.0.1", 50000))
    return Api(app, client, keys, ks, AuditLog(settings.audit_path), store, tmp)  # type: ignore[arg-type]


def problem(resp) -> dict:  # type: ignore[no-untyped-def]
    """The body of a problem response, after checking it is one."""
    assert resp.headers["content-type"].startswith("application/problem+json"), resp.text
    body = resp.json()
    assert body["status"] == resp.status_code
    assert body["title"] and body["detail"] and body["type"].startswith("https://")
    return body
