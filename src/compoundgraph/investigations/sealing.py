"""Saved charts are sealed at rest: AES-256-GCM with a key kept apart from the database.

A saved chart holds an investigator's notes (on the investigation, its entities and claims), which may say
more than any claim in the graph. On Neo4j every analyst's Cypher console reads every node, and Neo4j
Community has no per-label access control, so the chart and its notes are stored sealed: readable only
through the investigations API, which checks who may open what. The investigation's id is bound to its
ciphertext (authenticated data), so a sealed chart copied onto another investigation does not open.

The key is 32 random bytes, written hex-encoded to ``investigations.key`` beside the embedded store (mode
0600) the first time one is needed, or read from ``COMPOUNDGRAPH_INVESTIGATIONS_KEY_PATH``. Keep it out of
the database's backups and in your own: without it, saved charts cannot be opened
(``compoundgraph investigations export`` writes them out in the clear for a backup).
"""

from __future__ import annotations

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import InvalidInput
from ..settings import get_settings

__all__ = ["seal", "unseal", "key_path", "SEALED"]

SEALED = "sealed1:"


def key_path() -> Path:
    s = get_settings()
    return s.investigations_key_path or s.embedded_path.parent / "investigations.key"


@cache
def _key(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(os.urandom(32).hex() + "\n")
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError as exc:
        raise InvalidInput(f"{path} does not hold a hex key", where="investigations key") from exc
    if len(key) != 32:
        raise InvalidInput(f"{path} holds {len(key)} bytes; the key is 32", where="investigations key")
    return key


def seal(text: str, inv_id: str) -> str:
    """``text`` sealed for the investigation ``inv_id``."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(key_path())).encrypt(nonce, text.encode("utf-8"), inv_id.encode("utf-8"))
    return SEALED + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(stored: str, inv_id: str) -> str:
    """The text of a stored chart (one saved before sealing is returned as it is)."""
    if not stored.startswith(SEALED):
        return stored
    raw = base64.b64decode(stored[len(SEALED) :])
    try:
        return AESGCM(_key(key_path())).decrypt(raw[:12], raw[12:], inv_id.encode("utf-8")).decode("utf-8")
    except InvalidTag as exc:
        raise InvalidInput(
            f"the saved chart of investigation {inv_id[:80]} does not open with the key in {key_path()}: "
            "another server's key, or a chart copied from another investigation",
            where=f"investigation {inv_id[:80]}",
        ) from exc
