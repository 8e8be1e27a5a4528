"""Identifiers found by pattern and kept only when they validate.

Phone numbers go to E.164 through ``phonenumbers`` (only numbers written with a ``+`` country code are
taken from free text: a bare national number cannot be placed without guessing a country). E-mails, URLs,
bare domains (known top-level domains only), Telegram handles and ``t.me`` links, and wallet addresses
(checksum-validated by :mod:`.addresses`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers

from .addresses import AddressError, validate_address

__all__ = ["Found", "find_identifiers", "normalize_phone", "normalize_email", "normalize_handle", "domain_of"]

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b")
_URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]{3,2000}", re.I)
_TME = re.compile(r"(?<![\w/.])(?:https?://)?(?:t\.me|telegram\.me)/([A-Za-z][A-Za-z0-9_]{4,31})\b", re.I)
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z][A-Za-z0-9_]{4,31})\b")
_DOMAIN = re.compile(r"(?<![\w@./-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,12}))\b(?!@)")
_WALLET = re.compile(
    r"\b(?:0x[0-9a-fA-F]{40}|T[1-9A-HJ-NP-Za-km-z]{33}|bc1[02-9ac-hj-np-z]{11,87}|"
    r"[13][1-9A-HJ-NP-Za-km-z]{25,34})\b"
)
# Top-level domains accepted for bare domains in prose ("Jobs.com"); URLs with a scheme need no list.
TLDS = frozenset(
    "com net org info biz io co me app dev xyz top vip site online shop asia tv cc ws ly gg to in cn hk tw mo "
    "kh la mm th vn my sg ph id jp kr uk us eu ru de fr ch au nz ca br".split()
)
_FILE_EXT = frozenset("md txt pdf html htm doc docx xls xlsx csv json png jpg jpeg gif zip".split())


@dataclass(frozen=True)
class Found:
    kind: str  # phone | email | url | domain | telegram | wallet
    value: str  # normalised value (E.164, lower-case e-mail, handle without @, canonical address)
    text: str  # as written
    start: int
    extra: str = ""  # wallet chain, url domain


def normalize_phone(text: str, region: str | None = None) -> str | None:
    """E.164 for a valid number, else None."""
    try:
        num = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(text: str) -> str | None:
    t = text.strip()
    return t.lower() if _EMAIL.fullmatch(t) else None


def normalize_handle(text: str) -> str | None:
    """A Telegram handle from ``@name``, ``name`` or a ``t.me/name`` link (case-insensitive on Telegram)."""
    t = text.strip()
    m = _TME.fullmatch(t)
    if m:
        return m.group(1).lower()
    t = t.lstrip("@")
    return t.lower() if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{4,31}", t) else None


def domain_of(url: str) -> str:
    host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    return host.lower().removeprefix("www.")


def find_identifiers(text: str, region: str | None = None) -> Iterator[Found]:
    """Every validated identifier in ``text``, in order of appearance."""
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    out: list[Found] = []
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?")
        tm = _TME.fullmatch(url)
        if tm:
            out.append(Found("telegram", tm.group(1).lower(), url, m.start(), "t.me"))
        else:
            out.append(Found("url", url, url, m.start(), domain_of(url)))
        taken.append((m.start(), m.start() + len(url)))
    for m in _TME.finditer(text):
        if free(m.start(), m.end()):
            out.append(Found("telegram", m.group(1).lower(), m.group(0), m.start(), "t.me"))
            taken.append((m.start(), m.end()))
    for m in _EMAIL.finditer(text):
        if free(m.start(), m.end()):
            out.append(Found("email", m.group(0).lower(), m.group(0), m.start(), m.group(0).split("@")[1].lower()))
            taken.append((m.start(), m.end()))
    for m in _HANDLE.finditer(text):
        if free(m.start(), m.end()):
            out.append(Found("telegram", m.group(1).lower(), m.group(0), m.start()))
            taken.append((m.start(), m.end()))
    for m in _WALLET.finditer(text):
        if not free(m.start(), m.end()):
            continue
        try:
            w = validate_address(m.group(0))
        except AddressError:
            continue
        out.append(Found("wallet", w.address, m.group(0), m.start(), w.chain))
        taken.append((m.start(), m.end()))
    for pm in phonenumbers.PhoneNumberMatcher(text, region or "ZZ"):
        if free(pm.start, pm.end) and pm.raw_string.lstrip().startswith("+"):
            e164 = phonenumbers.format_number(pm.number, phonenumbers.PhoneNumberFormat.E164)
            out.append(Found("phone", e164, pm.raw_string, pm.start))
            taken.append((pm.start, pm.end))
    for m in _DOMAIN.finditer(text):
        tld = m.group(2).lower()
        if free(m.start(), m.end()) and tld in TLDS and tld not in _FILE_EXT and "." in m.group(1):
            out.append(Found("domain", m.group(1).lower(), m.group(1), m.start(), m.group(1).lower()))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda f: f.start)
    yield from out
