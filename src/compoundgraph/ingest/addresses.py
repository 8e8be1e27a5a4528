"""Crypto address validation: TRON and Bitcoin base58check, Bitcoin bech32 / bech32m, Ethereum EIP-55.

Only checksum-valid addresses enter the graph: a typo in one character of a wallet address would
otherwise create a new wallet and break every money trail through it. Ethereum addresses are written in
their EIP-55 mixed-case form; one given in mixed case must already carry a valid checksum (all-lower and
all-upper addresses carry none, as EIP-55 says).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3
_ETH = re.compile(r"^0x[0-9a-fA-F]{40}$")
_CHAIN_ALIASES = {
    "tron": "tron", "trx": "tron", "trc20": "tron",
    "ethereum": "ethereum", "eth": "ethereum", "erc20": "ethereum", "erc-20": "ethereum",
    "bitcoin": "bitcoin", "btc": "bitcoin",
}


@dataclass(frozen=True)
class WalletAddress:
    chain: str  # tron | ethereum | bitcoin
    address: str  # canonical form (EIP-55 for Ethereum, lower case for bech32)


class AddressError(ValueError):
    """An address that fails its checksum or format (the message says which)."""


def b58decode_check(text: str) -> bytes:
    """Decode base58check and verify its 4-byte double-SHA-256 checksum; returns the payload."""
    n = 0
    for ch in text:
        if ch not in _B58_INDEX:
            raise AddressError(f"{ch!r} is not a base58 character")
        n = n * 58 + _B58_INDEX[ch]
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(text) - len(text.lstrip("1"))) + raw
    if len(raw) < 5:
        raise AddressError("too short for base58check")
    payload, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        raise AddressError("base58check checksum does not match")
    return payload


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def bech32_decode(text: str) -> tuple[str, int, bytes]:
    """Decode a segwit address (BIP-173 / BIP-350): (hrp, witness version, program)."""
    if text.lower() != text and text.upper() != text:
        raise AddressError("bech32 must not mix upper and lower case")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        raise AddressError("not a bech32 string")
    hrp, rest = text[:pos], text[pos + 1 :]
    if any(c not in _BECH32 for c in rest):
        raise AddressError("invalid bech32 character")
    data = [_BECH32.index(c) for c in rest]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _polymod(expanded + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        raise AddressError("bech32 checksum does not match")
    version = data[0]
    program = _convertbits(data[1:-6], 5, 8)
    if program is None or not 2 <= len(program) <= 40 or version > 16:
        raise AddressError("invalid witness program")
    if version == 0 and len(program) not in (20, 32):
        raise AddressError("invalid v0 witness program length")
    # v0 uses bech32, v1+ bech32m: the wrong one is a checksum error (BIP-350)
    if (version == 0) != (const == _BECH32_CONST):
        raise AddressError("wrong checksum variant for the witness version (bech32 vs bech32m)")
    return hrp, version, bytes(program)


# -- Keccak-256 (the pre-standard SHA-3 Ethereum uses; hashlib's sha3_256 pads differently) --------
_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
    0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
    0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
    0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
# rotation offsets and pi-permutation targets for lane i = x + 5y, flattened so the rounds are simple loops
_ROT_XY = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
_RHO = [_ROT_XY[i % 5][i // 5] for i in range(25)]
_PI = [((i // 5) + 5 * ((2 * (i % 5) + 3 * (i // 5)) % 5)) for i in range(25)]
_M64 = (1 << 64) - 1


def _keccak_f(a: list[int]) -> None:
    """Keccak-f[1600] on 25 lanes (index x + 5y), in place."""
    rho, pi, m = _RHO, _PI, _M64
    b = [0] * 25
    for rc in _RC:
        c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
        c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
        c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
        c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
        c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
        d = (
            c4 ^ (((c1 << 1) | (c1 >> 63)) & m),
            c0 ^ (((c2 << 1) | (c2 >> 63)) & m),
            c1 ^ (((c3 << 1) | (c3 >> 63)) & m),
            c2 ^ (((c4 << 1) | (c4 >> 63)) & m),
            c3 ^ (((c0 << 1) | (c0 >> 63)) & m),
        )
        for i in range(25):
            v = a[i] ^ d[i % 5]
            r = rho[i]
            b[pi[i]] = ((v << r) | (v >> (64 - r))) & m if r else v
        for y in range(0, 25, 5):
            b0, b1, b2, b3, b4 = b[y], b[y + 1], b[y + 2], b[y + 3], b[y + 4]
            a[y] = b0 ^ (~b1 & b2)
            a[y + 1] = b1 ^ (~b2 & b3)
            a[y + 2] = b2 ^ (~b3 & b4)
            a[y + 3] = b3 ^ (~b4 & b0)
            a[y + 4] = b4 ^ (~b0 & b1)
        a[0] ^= rc


def keccak256(data: bytes) -> bytes:
    rate = 136
    msg = bytearray(data) + b"\x01"
    msg += b"\0" * (-len(msg) % rate)
    msg[-1] |= 0x80
    a = [0] * 25
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            a[i] ^= int.from_bytes(msg[off + 8 * i : off + 8 * i + 8], "little")
        _keccak_f(a)
    return b"".join(a[i].to_bytes(8, "little") for i in range(4))


def to_checksum_address(address: str) -> str:
    """EIP-55 mixed-case form of a 0x address."""
    body = address[2:].lower()
    digest = keccak256(body.encode("ascii")).hex()
    return "0x" + "".join(ch.upper() if int(digest[i], 16) >= 8 else ch for i, ch in enumerate(body))


def checksum_addresses(addresses: list[str]) -> list[str]:
    """EIP-55 forms of many ``0x`` + 40-hex addresses at once: what :func:`to_checksum_address` gives each.

    Keccak in pure Python costs about a millisecond per address; an export with tens of thousands of
    Ethereum wallets would spend most of its load time here. This runs Keccak-f over all of them as numpy
    vectors (one 136-byte block each: the 40 hex digits, then the padding), about a thousand times cheaper
    per address in batches of a few hundred.
    """
    if not addresses:
        return []
    import numpy as np  # numpy comes with the analytics stack; only this batch path needs it

    n = len(addresses)
    bodies = "".join(a[2:].lower() for a in addresses).encode("ascii")
    if len(bodies) != 40 * n:
        raise AddressError("an Ethereum address is 0x followed by 40 hex digits")
    chars = np.frombuffer(bodies, dtype=np.uint8).reshape(n, 40)
    block = np.zeros((n, 200), dtype=np.uint8)
    block[:, :40] = chars
    block[:, 40] = 0x01  # Keccak padding (not SHA-3's 0x06)
    block[:, 135] = 0x80
    state = np.ascontiguousarray(block.view("<u8").T).reshape(5, 5, n)  # state[y, x] = lane x + 5y
    _keccak_f_many(state)
    digest = np.ascontiguousarray(state.reshape(25, n)[:4].T).astype("<u8").view(np.uint8)  # (n, 32)
    # hex digit i of the digest is >= 8 when the top bit of its nibble is set
    upper = np.empty((n, 40), dtype=bool)
    upper[:, 0::2] = (digest[:, :20] & 0x80) != 0
    upper[:, 1::2] = (digest[:, :20] & 0x08) != 0
    out = np.where(upper & (chars >= ord("a")), chars - 32, chars).astype(np.uint8).tobytes().decode("ascii")
    return ["0x" + out[i : i + 40] for i in range(0, 40 * n, 40)]


def _keccak_f_many(s: object) -> None:
    """Keccak-f[1600] in place on ``s`` of shape (5, 5, n): ``s[y, x]`` is lane x + 5y of n states."""
    import numpy as np

    a: np.ndarray = s  # type: ignore[assignment]
    rot = np.array(_RHO, dtype=np.uint64).reshape(5, 5, 1)
    back = (np.uint64(64) - rot) % np.uint64(64)  # a zero rotation shifts by 0 both ways
    # pi: lane x + 5y goes to y + 5((2x + 3y) mod 5); as a gather: target t takes source _PI_FROM[t]
    src = np.empty(25, dtype=np.intp)
    for i in range(25):
        src[_PI[i]] = i
    one, sixty3 = np.uint64(1), np.uint64(63)
    n = a.shape[2]
    for rc in _RC:
        c = a[0] ^ a[1] ^ a[2] ^ a[3] ^ a[4]  # (5, n): column parity over y
        d = np.roll(c, 1, axis=0) ^ ((np.roll(c, -1, axis=0) << one) | (np.roll(c, -1, axis=0) >> sixty3))
        a ^= d
        b = ((a << rot) | (a >> back)).reshape(25, n)[src].reshape(5, 5, n)
        a[...] = b ^ (~np.roll(b, -1, axis=1) & np.roll(b, -2, axis=1))
        a[0, 0] ^= np.uint64(rc)


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
