"""The trust store: partners' package-signing public keys, and the newest package seen from each signer.

A package carries its signer's public key, but a key anyone can put in a package proves only that the
package is intact, not who made it. Imports therefore check the signature with a key from this store (added
by an administrator with ``compoundgraph package trust add``); a package from any other key is refused
unless the caller accepts that key's fingerprint explicitly (``--accept-fingerprint``), which adds it.

Replays: for every signer the store keeps the ``signed_at`` time and manifest hash of the newest package
imported. A package signed earlier than that is refused; the same package again is allowed (importing
twice changes nothing). The file is JSON, mode 0600, written atomically under an exclusive lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..errors import InvalidInput, NotFound
from .archive import PackageInvalid
from .keys import fingerprint, load_public_key, public_pem

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["TrustStore", "TrustedSigner", "default_trust_path", "parse_signed_at"]


def default_trust_path(settings: Settings | None = None) -> Path:
    """Where the trust store lives for ``settings`` (default: the process's settings)."""
    from ..settings import get_settings

    s = settings or get_settings()
    return s.trust_store_path or s.embedded_path.parent / "trusted-signers.json"


@dataclass(frozen=True)
class TrustedSigner:
    fingerprint: str
    name: str
    added: str
    public_key: str  # PEM

    @property
    def key(self) -> Ed25519PublicKey:
        return load_public_key(self.public_key.encode("ascii"))


def parse_signed_at(value: Any, where: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise PackageInvalid(f"the manifest's signed_at {str(value)[:40]!r} is not a time", where=where) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _norm(fp: str) -> str:
    return fp.strip().lower().replace(":", "")


class TrustStore:
    """The trust file: add, list, remove signers; look one up; check and record a signer's newest package."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_trust_path()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"signers": {}, "seen": {}}
        except ValueError as exc:
            raise InvalidInput(f"the trust store is not valid JSON ({exc})", where=str(self.path)) from exc
        data.setdefault("signers", {})
        data.setdefault("seen", {})
        return data  # type: ignore[no-any-return]

    def _write(self, data: dict[str, Any]) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
        os.replace(tmp, self.path)

    # -- signers -------------------------------------------------------------------------------------
    def add(self, key: Path | bytes | Ed25519PublicKey, name: str) -> TrustedSigner:
        public = load_public_key(key)
        signer = TrustedSigner(
            fingerprint(public), name.strip()[:100] or "unnamed", _now(), public_pem(public).decode("ascii")
        )
        with self._locked():
            data = self._read()
            data["signers"][signer.fingerprint] = {
                "name": signer.name,
                "added": signer.added,
                "public_key": signer.public_key,
            }
            self._write(data)
        return signer

    def list(self) -> list[TrustedSigner]:
        data = self._read()
        return sorted((TrustedSigner(fp, **rec) for fp, rec in data["signers"].items()), key=lambda s: s.added)

    def get(self, fp: str) -> TrustedSigner | None:
        rec = self._read()["signers"].get(_norm(fp))
        return TrustedSigner(_norm(fp), **rec) if rec else None

    def remove(self, fp: str) -> TrustedSigner:
        with self._locked():
            data = self._read()
            rec = data["signers"].pop(_norm(fp), None)
            if rec is None:
                raise NotFound(f"no trusted signer with fingerprint {fp[:70]!r}")
            self._write(data)
        return TrustedSigner(_norm(fp), **rec)

    # -- replays -------------------------------------------------------------------------------------
    def check_fresh(self, fp: str, signed_at: dt.datetime, manifest_sha256: str, where: str) -> None:
        """Refuse a package older than the newest one imported from this signer (the same one is fine)."""
        last = self._read()["seen"].get(_norm(fp))
        if not last:
            return
        seen_at = parse_signed_at(last["signed_at"], where)
        if signed_at < seen_at or (signed_at == seen_at and manifest_sha256 != last["manifest_sha256"]):
            raise PackageInvalid(
                f"this package was signed at {signed_at.isoformat()}, before the newest package already "
                f"imported from the same signer ({seen_at.isoformat()}): refused as a replay",
                where=where,
            )

    def record(self, fp: str, signed_at: dt.datetime, manifest_sha256: str) -> None:
        with self._locked():
            data = self._read()
            last = data["seen"].get(_norm(fp))
            if last and parse_signed_at(last["signed_at"], "trust store") > signed_at:
                return
            data["seen"][_norm(fp)] = {
                "signed_at": signed_at.isoformat(),
                "manifest_sha256": manifest_sha256,
                "imported": _now(),
            }
            self._write(data)
