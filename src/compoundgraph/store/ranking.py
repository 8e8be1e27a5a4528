"""Search: what the full-text indexes hold (:func:`search_text`) and the one ranking both stores apply to
their candidates (:func:`rank_match`)."""

from __future__ import annotations

from collections.abc import Sequence

from normality import ascii_text
from rapidfuzz import fuzz

from ..ids import normalize
from ..models import Entity

__all__ = ["search_text", "rank_match"]


def search_text(e: Entity) -> str:
    """What the full-text indexes hold: names, aliases and identifiers normalised, and the ASCII
    transliteration of names in other scripts (so "Chen Wei Ming" finds 陈伟明)."""
    forms = [normalize(x) for x in [e.name, *e.aliases, *e.identifiers]]
    forms += [t for x in [e.name, *e.aliases] if not x.isascii() and (t := normalize(ascii_text(x) or ""))]
    return "\n".join(forms)


def rank_match(
    q: str, raw: str, eid: str, name: str, aliases: Sequence[str], identifiers: Sequence[str]
) -> tuple[float, str] | None:
    """Score one entity against a normalised query; ``None`` when it does not match.

    Exact identifier 100, exact name 95, exact alias 90, a key starting with the query 80, every query
    word starting a word of the key 70, the query inside a key 60 (each +2 on the name, +1 on an
    identifier), else fuzzy similarity >= 85 scaled to at most 50.
    """
    if raw.strip() == eid:
        return (100.0, eid)
    # (normalised key, original, score if equal, bonus on the partial rules: a match on the name ranks
    # above the same kind of match on an alias)
    keys: list[tuple[str, str, float, float]] = [(normalize(i), i, 100.0, 1.0) for i in identifiers]
    keys.append((normalize(name), name, 95.0, 2.0))
    keys += [(normalize(a), a, 90.0, 0.0) for a in aliases]
    q_words = q.split()
    best: tuple[float, str] | None = None
    for norm, original, exact, bonus in keys:
        if not norm:
            continue
        if norm == q:
            score = exact
        elif norm.startswith(q):
            score = 80.0 + bonus
        elif all(any(w.startswith(qw) for w in norm.split()) for qw in q_words):
            score = 70.0 + bonus
        elif q in norm:
            score = 60.0 + bonus
        else:
            ratio = fuzz.ratio(q, norm)
            score = round(ratio / 2, 2) if ratio >= 85 else 0.0
        if score and (best is None or score > best[0]):
            best = (score, original)
    return best
