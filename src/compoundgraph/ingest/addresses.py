"""Crypto address validation: TRON and Bitcoin base58check, Bitcoin bech32 / bech32m, Ethereum EIP-55.

Only checksum-valid addresses enter the graph: a typo in one character of a wallet address would
otherwise create a new wallet and break every money trail through it. Ethereum addresses are written in
their EIP-55 mixed-case form; one given in mixed case must already carry a valid checksum (all-lower and
all-upper addresses carry none, as EIP-55 says).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import base58
from Crypto.Hash import keccak
from embit import bech32 as segwit

__all__ = [
    "WalletAddress",
    "validate_address",
    "detect_chain",
    "b58decode_check",
    "bech32_decode",
    "keccak256",
    "to_checksum_address",
    "checksum_addresses",
    "validate_addresses",
    "CHAINS",
]

CHAINS = ("tron", "ethereum", "bitcoin")
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_SET = frozenset(_B58)
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_ETH = re.compile(r"^0x[0-9a-fA-F]{40}$")
_CHAIN_ALIASES = {
    "tron": "tron",
    "trx": "tron",
    "trc20": "tron",
    "ethereum": "ethereum",
    "eth": "ethereum",
    "erc20": "ethereum",
    "erc-20": "ethereum",
    "bitcoin": "bitcoin",
    "btc": "bitcoin",
}


@dataclass(frozen=True)
class WalletAddress:
    chain: str  # tron | ethereum | bitcoin
    address: str  # canonical form (EIP-55 for Ethereum, lower case for bech32)


class AddressError(ValueError):
    """An address that fails its checksum or format (the message says which)."""


def b58decode_check(text: str) -> bytes:
    """Decode base58check and verify its 4-byte double-SHA-256 checksum; returns the payload."""
    bad = set(text) - _B58_SET
    if bad:
        raise AddressError(f"{min(bad)!r} is not a base58 character")
    try:
        payload = base58.b58decode_check(text)
    except ValueError as exc:
        raise AddressError("base58check checksum does not match") from exc
    if len(payload) < 1:
        raise AddressError("too short for base58check")
    return payload


def bech32_decode(text: str) -> tuple[str, int, bytes]:
    """Decode a segwit address (BIP-173 / BIP-350): (hrp, witness version, program).

    The checksum and conversion are the BIP-350 reference implementation (as kept in ``embit``); the
    checks around it say which rule an address breaks."""
    if text.lower() != text and text.upper() != text:
        raise AddressError("bech32 must not mix upper and lower case")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        raise AddressError("not a bech32 string")
    hrp, rest = text[:pos], text[pos + 1 :]
    if any(c not in _BECH32 for c in rest):
        raise AddressError("invalid bech32 character")
    encoding, _hrp, data = segwit.bech32_decode(text)
    if encoding is None or data is None:
        raise AddressError("bech32 checksum does not match")
    version = data[0]
    program = segwit.convertbits(data[1:], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40 or version > 16:
        raise AddressError("invalid witness program")
    if version == 0 and len(program) not in (20, 32):
        raise AddressError("invalid v0 witness program length")
    # v0 uses bech32, v1+ bech32m: the wrong one is a checksum error (BIP-350)
    if (version == 0) != (encoding == segwit.Encoding.BECH32):
        raise AddressError("wrong checksum variant for the witness version (bech32 vs bech32m)")
    return hrp, version, bytes(program)


def keccak256(data: bytes) -> bytes:
    """Keccak-256, the pre-standard SHA-3 Ethereum uses (hashlib's sha3_256 pads differently)."""
    return keccak.new(digest_bits=256, data=data).digest()


def to_checksum_address(address: str) -> str:
    """EIP-55 mixed-case form of a 0x address."""
    body = address[2:].lower()
    digest = keccak.new(digest_bits=256, data=body.encode("ascii")).hexdigest()
    return "0x" + "".join(ch.upper() if d in "89abcdef" else ch for ch, d in zip(body, digest, strict=False))


def checksum_addresses(addresses: list[str]) -> list[str]:
    """EIP-55 forms of many ``0x`` + 40-hex addresses at once: what :func:`to_checksum_address` gives each."""
    out = []
    for a in addresses:
        if len(a) != 42:
            raise AddressError("an Ethereum address is 0x followed by 40 hex digits")
        out.append(to_checksum_address(a))
    return out


def normalize_chain(chain: str) -> str:
    c = _CHAIN_ALIASES.get(chain.strip().lower())
    if c is None:
        raise AddressError(f"unknown chain {chain[:30]!r}; known: {', '.join(CHAINS)}")
    return c


def detect_chain(address: str) -> str | None:
    """Guess the chain from the address shape (no checksum test)."""
    a = address.strip()
    if _ETH.match(a):
        return "ethereum"
    if a.startswith("T") and len(a) == 34:
        return "tron"
    if (a[:1] in ("1", "3") and 25 <= len(a) <= 35) or a.lower().startswith(("bc1", "tb1")):
        return "bitcoin"
    return None


@lru_cache(maxsize=1_000_000)
def validate_address(address: str, chain: str | None = None) -> WalletAddress:
    """Check an address against its chain's checksum; returns its canonical form or raises AddressError."""
    return _validate(address, chain, to_checksum_address)


def validate_addresses(
    items: list[tuple[str, str | None]],
) -> dict[tuple[str, str | None], WalletAddress | AddressError]:
    """:func:`validate_address` for many ``(address, chain)`` pairs: the canonical form or the error of each.

    The same checks, with every Ethereum checksum computed in one vectorised batch
    (:func:`checksum_addresses`) - what lets a transfer export with tens of thousands of wallets load fast.
    """
    eth = sorted({a.strip() for a, c in items if _ETH.match(a.strip())})
    canonical = dict(zip(eth, checksum_addresses(eth), strict=True))
    out: dict[tuple[str, str | None], WalletAddress | AddressError] = {}
    for address, chain in items:
        try:
            out[(address, chain)] = _validate(address, chain, canonical.__getitem__)
        except AddressError as exc:
            out[(address, chain)] = exc
    return out


def _validate(address: str, chain: str | None, eip55: Callable[[str], str]) -> WalletAddress:
    a = address.strip()
    c = normalize_chain(chain) if chain else detect_chain(a)
    if c is None:
        raise AddressError(f"{a[:60]!r} does not look like a TRON, Ethereum or Bitcoin address")
    if c == "tron":
        payload = b58decode_check(a)
        if len(payload) != 21 or payload[0] != 0x41:
            raise AddressError("a TRON address is base58check of 0x41 + 20 bytes")
        return WalletAddress(c, a)
    if c == "ethereum":
        if not _ETH.match(a):
            raise AddressError("an Ethereum address is 0x followed by 40 hex digits")
        canonical = eip55(a)
        body = a[2:]
        if body != body.lower() and body != body.upper() and a != canonical:
            raise AddressError("EIP-55 checksum (mixed case) does not match")
        return WalletAddress(c, canonical)
    if a.lower().startswith(("bc1", "tb1")):
        bech32_decode(a)
        return WalletAddress(c, a.lower())
    payload = b58decode_check(a)
    if len(payload) != 21 or payload[0] not in (0x00, 0x05, 0x6F, 0xC4):
        raise AddressError("a base58 Bitcoin address is a version byte (0x00, 0x05) + 20 bytes")
    return WalletAddress(c, a)
