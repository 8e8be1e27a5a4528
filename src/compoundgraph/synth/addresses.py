"""Checksum-valid, fictional crypto addresses from seeded bytes (nobody holds their keys).

TRON addresses are base58check of ``0x41`` + 20 bytes; Ethereum addresses are ``0x`` + 20 bytes in
EIP-55 mixed case, which needs Keccak-256 (not the standard library's SHA3-256: the padding differs): the
scalar Keccak and the checksum validators are the ingest loader's (``ingest.addresses``); a vectorised
Keccak for generating many addresses at once is here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from ..ingest.addresses import AddressError, keccak256, validate_address

__all__ = [
    "keccak256",
    "b58encode",
    "tron_address",
    "eth_address",
    "eth_addresses",
    "is_tron_address",
    "is_eip55_address",
]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {ch: i for i, ch in enumerate(_B58)}

# -- Keccak-f[1600] -------------------------------------------------------------------------------
_MASK = (1 << 64) - 1
_RC = [
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808A,
    0x8000000080008000,
    0x000000000000808B,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008A,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000A,
    0x000000008000808B,
    0x800000000000008B,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800A,
    0x800000008000000A,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008,
]
# rotation offsets r[x + 5y] and the pi permutation as (source lane -> target lane)
_ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14]
_PI = [(x + 5 * y, y + 5 * ((2 * x + 3 * y) % 5)) for y in range(5) for x in range(5)]


def _keccak_f_np(a: list[np.ndarray]) -> None:
    """Keccak-f over many states at once: lane i of every state is ``a[i]`` (a uint64 vector)."""
    u1, u63 = np.uint64(1), np.uint64(63)
    rots = [(np.uint64(r), np.uint64(64 - r)) for r in _ROT]
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ ((c[(x + 1) % 5] << u1) | (c[(x + 1) % 5] >> u63)) for x in range(5)]
        for i in range(25):
            a[i] ^= d[i % 5]
        b: list[np.ndarray] = [a[0]] * 25
        for src, dst in _PI:
            left, right = rots[src]
            b[dst] = (a[src] << left) | (a[src] >> right) if _ROT[src] else a[src]
        for y in range(0, 25, 5):
            for x in range(5):
                a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5])
        a[0] = a[0] ^ np.uint64(rc)


def keccak256_many(messages: Sequence[bytes]) -> list[bytes]:
    """Keccak-256 of many short messages (each under 136 bytes) in one vectorised pass."""
    rate = 136
    if not messages:
        return []
    block = np.zeros((len(messages), 200), dtype=np.uint8)
    for row, msg in enumerate(messages):
        if len(msg) >= rate:
            raise ValueError("keccak256_many takes messages shorter than 136 bytes")
        block[row, : len(msg)] = np.frombuffer(msg, dtype=np.uint8)
        block[row, len(msg)] ^= 0x01
    block[:, rate - 1] ^= 0x80
    lanes = block.view("<u8")  # (n, 25)
    state = [np.ascontiguousarray(lanes[:, i]) for i in range(25)]
    _keccak_f_np(state)
    out = np.stack(state[:4], axis=1).astype("<u8").view(np.uint8)  # (n, 32)
    return [bytes(row) for row in out]


# -- base58check ----------------------------------------------------------------------------------
_B58_POW = 58**10
_B58_PAIRS = [a + b for a in _B58 for b in _B58]


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:  # ten base-58 digits per big-integer division, then small-int arithmetic
        n, chunk = divmod(n, _B58_POW)
        for _ in range(5):
            chunk, r = divmod(chunk, 3364)
            out.append(_B58_PAIRS[r])
    text = "".join(reversed(out)).lstrip("1")
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + text


def _check4(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def tron_address(body: bytes) -> str:
    """``T…``: base58check of 0x41 + 20 bytes."""
    payload = b"\x41" + body[:20]
    return b58encode(payload + _check4(payload))


def eth_address(body: bytes) -> str:
    """``0x…`` with the EIP-55 mixed-case checksum."""
    hexed = body[:20].hex()
    return _eip55(hexed, keccak256(hexed.encode("ascii")))


def _eip55(hexed: str, digest: bytes) -> str:
    hexd = digest.hex()
    return "0x" + "".join(ch.upper() if ch > "9" and hexd[i] > "7" else ch for i, ch in enumerate(hexed))


def eth_addresses(bodies: Sequence[bytes]) -> list[str]:
    """Many EIP-55 addresses at once (vectorised Keccak): what the generator uses."""
    hexes = [b[:20].hex() for b in bodies]
    return [_eip55(h, d) for h, d in zip(hexes, keccak256_many([h.encode("ascii") for h in hexes]), strict=True)]


def is_tron_address(text: str) -> bool:
    """The ingest validator's verdict (one implementation of the checksum rules for the project)."""
    try:
        return validate_address(text, "tron").address == text
    except AddressError:
        return False


def is_eip55_address(text: str) -> bool:
    """True only for the exact EIP-55 mixed-case form."""
    try:
        return validate_address(text, "ethereum").address == text
    except AddressError:
        return False
