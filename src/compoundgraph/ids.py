"""Deterministic ids from normalised keys, so that re-loading the same input changes nothing.

Wallets by chain + address, accounts by platform + handle or phone, compounds and organisations by
normalised name + country, sources by content hash (or URL), claims by subject, type, object, source
and (for transfers) the transaction key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["normalize", "tokens", "entity_id", "claim_id", "source_id", "digest"]

_DROP = {"P", "S", "C", "Z"}  # punctuation, symbols, controls, separators -> blank


def normalize(text: str) -> str:
    """Fold a name for matching: NFKC, case-folded, punctuation to blanks, blanks collapsed.

    Letters and marks of every script are kept (Burmese and Thai vowels are combining marks). Plain ASCII
    letters and digits (wallet addresses, hashes) fold by ``lower`` alone: what the general path gives them.
    """
    if text.isascii() and text.isalnum():
        return text.lower()
    folded = unicodedata.normalize("NFKC", text).casefold()
    out = [" " if unicodedata.category(ch)[0] in _DROP else ch for ch in folded]
    return re.sub(r"\s+", " ", "".join(out)).strip()


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def digest(*parts: object, size: int = 16) -> str:
    try:
        text = "\x1f".join(parts)  # type: ignore[arg-type]  # all strings: the common case, at C speed
    except TypeError:
        text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def entity_id(label: str, name: str, key_values: Iterable[object] = ()) -> str:
    """``compound-3f2a…``: the type, then a hash of the normalised name and the type's key values."""
    keys = [normalize(str(v)) if isinstance(v, str) else v for v in key_values]
    return f"{label.lower()}-{digest(label, normalize(name), *keys)}"


def source_id(sha256: str | None, url: str | None, title: str) -> str:
    """Sources are keyed by content hash when known, else by URL, else by title."""
    basis = sha256 or (url.strip() if url else None) or normalize(title)
    return f"src-{digest('Source', basis)}"


def claim_id(subject: str, rel: str, obj: str, source: str, key: str | None = None) -> str:
    return f"clm-{digest(subject, rel, obj, source, key or '', size=20)}"
