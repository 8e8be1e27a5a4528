"""Shared helpers for the API tests (no tests here): an app over the ``world`` store, one key per role.

``api`` (function): the app built with ``create_app(store=world)``, its key file and audit log in
``tmp_path``, rate limiting off; ``keys`` maps each role to a valid key; ``client`` is a TestClient.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
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
    values: dict[str, object] = {"keys_path": tmp / "keys.json", "audit_path": tmp / "audit.jsonl",
                                 "rate_per_minute": 0, **kw}
    return ApiSettings(**values)  # type: ignore[arg-type]


def make_api(store: GraphStore, tmp: Path, **kw: object) -> Api:
    settings = api_settings(tmp, **kw)
    ks = KeyStore(settings.keys_path)  # type: ignore[arg-type]
    keys = {role: ks.create(f"test {role}", role)[1] for role in ROLES}
    app = create_app(Settings(embedded_path=tmp / "unused.sqlite"), store=store, api=settings)
    client = TestClient(app, client=("127.0.0.1", 50000))
    return Api(app, client, keys, ks, AuditLog(settings.audit_path), store, tmp)  # type: ignore[arg-type]


@pytest.fixture
def api(world: GraphStore, tmp_path: Path) -> Iterator[Api]:
    a = make_api(world, tmp_path)
    yield a
    a.client.close()


def problem(resp) -> dict:  # type: ignore[no-untyped-def]
    """The body of a problem response, after checking it is one."""
    assert resp.headers["content-type"].startswith("application/problem+json"), resp.text
    body = resp.json()
    assert body["status"] == resp.status_code
    assert body["title"] and body["detail"] and body["type"].startswith("https://")
    return body
