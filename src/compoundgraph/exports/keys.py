"""Ed25519 signing keys as PEM files (PKCS#8 private, SubjectPublicKeyInfo public).

A private key may be protected by a passphrase (``COMPOUNDGRAPH_PACKAGE_KEY_PASSPHRASE`` in the CLI). The
fingerprint of a public key is the SHA-256 of its raw 32 bytes, in hex; manifests record it so a
recipient can tell which key to check with.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import InvalidInput

__all__ = ["generate_keypair", "load_private_key", "load_public_key", "fingerprint", "public_pem"]


def generate_keypair(
    directory: Path, name: str = "compoundgraph", passphrase: bytes | None = None, overwrite: bool = False
) -> tuple[Path, Path]:
    """Write ``<name>.key`` (private, mode 0600) and ``<name>.pub`` (public) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / f"{name}.key", directory / f"{name}.pub"
    for p in (private, public):
        if p.exists() and not overwrite:
            raise InvalidInput(f"{p} exists; refusing to overwrite a key", where=str(p))
    key = Ed25519PrivateKey.generate()
    enc: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    public.write_bytes(public_pem(key.public_key()))
    return private, public


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=passphrase)
    except OSError as exc:
        raise InvalidInput(f"cannot read the key: {exc.strerror}", where=str(path)) from exc
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"not a usable PEM private key ({exc})", where=str(path)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput("not an Ed25519 private key", where=str(path))
    return key


def load_public_key(source: Path | bytes | Ed25519PublicKey) -> Ed25519PublicKey:
    """A public key from a PEM file, PEM bytes, or a key object."""
    if isinstance(source, Ed25519PublicKey):
        return source
    where = str(source) if isinstance(source, Path) else "public key"
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        key = serialization.load_pem_public_key(data)
    except OSError as exc:
        raise InvalidInput(f"cannot read the key: {exc.strerror}", where=where) from exc
    except ValueError as exc:
        raise InvalidInput(f"not a PEM public key ({exc})", where=where) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput("not an Ed25519 public key", where=where)
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()
