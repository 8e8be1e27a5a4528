"""API keys and roles.

A key is ``cg_<key id>_<secret>``; only the SHA-256 of the whole key is stored (keys are random 256-bit
strings, so a fast hash is enough - there is nothing to brute-force). The key file is JSON beside the
embedded store (or ``COMPOUNDGRAPH_API_KEYS_PATH``), written atomically, re-read when it changes, so a key
revoked with ``compoundgraph keys revoke`` stops working on a running server.

Roles are ordered: each includes the ones before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import Forbidden, InvalidInput, NotFound, Unauthorized

__all__ = ["ROLES", "role_rank", "Principal", "KeyRecord", "KeyStore", "require_role", "LOOPBACK"]

ROLES = ("partner", "investigator", "analyst", "editor", "admin")
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_PREFIX = "cg_"


def role_rank(role: str) -> int:
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role[:30]!r}; roles: {', '.join(ROLES)}", where="role")
    return ROLES.index(role)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key id (or ``demo``) and its role."""

    key_id: str
    role: str
    name: str = ""

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"


def require_role(principal: Principal, needed: str, what: str) -> None:
    if role_rank(principal.role) < role_rank(needed):
        raise Forbidden(f"{what} needs the {needed} role; this key has {principal.role}")


@dataclass
class KeyRecord:
    id: str
    name: str
    role: str
    sha256: str
    created: str
    revoked: str | None = None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    """The key file: create, list, revoke, and check a presented key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._by_id: dict[str, KeyRecord] = {}

    # -- file ----------------------------------------------------------------------------------------
    def _load(self) -> dict[str, KeyRecord]:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            self._by_id, self._mtime = {}, None
            return self._by_id
        if mtime != self._mtime:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._by_id = {k["id"]: KeyRecord(**k) for k in data.get("keys", [])}
            self._mtime = mtime
        return self._by_id

    def _save(self, keys: dict[str, KeyRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        text = json.dumps({"keys": [asdict(k) for k in keys.values()]}, indent=2)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.path)

    # -- admin ---------------------------------------------------------------------------------------
    def create(self, name: str, role: str) -> tuple[KeyRecord, str]:
        """Make a key; returns the record and the key itself (shown once, never stored)."""
        role_rank(role)
        with self._lock:
            keys = dict(self._load())
            key_id = secrets.token_hex(4)
            while key_id in keys:
                key_id = secrets.token_hex(4)
            key = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
            rec = KeyRecord(key_id, name[:100], role, _hash(key), _now())
            keys[key_id] = rec
            self._save(keys)
            self._mtime = None
        return rec, key

    def list(self) -> list[KeyRecord]:
        with self._lock:
            return sorted(self._load().values(), key=lambda k: k.created)

    def revoke(self, key_id: str) -> KeyRecord:
        with self._lock:
            keys = dict(self._load())
            if key_id not in keys:
                raise NotFound(f"no API key with id {key_id[:20]!r}")
            rec = keys[key_id]
            if rec.revoked is None:
                rec.revoked = _now()
                self._save(keys)
                self._mtime = None
            return rec

    # -- check ---------------------------------------------------------------------------------------
    def authenticate(self, key: str | None) -> Principal:
        """The principal of a presented key, or 401 (missing, malformed, unknown or revoked)."""
        if not key:
            raise Unauthorized("an API key is needed: send it as 'X-API-Key: <key>' or 'Authorization: Bearer <key>'")
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] + "_" != _PREFIX:
            raise Unauthorized("the API key is malformed")
        with self._lock:
            rec = self._load().get(parts[1])
        if rec is None or not hmac.compare_digest(rec.sha256, _hash(key)):
            raise Unauthorized("the API key is not valid")
        if rec.revoked:
            raise Unauthorized("the API key has been revoked")
        return Principal(rec.id, rec.role, rec.name)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
