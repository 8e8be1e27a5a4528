"""Name scoring for screening: one name of a row against one entity's name and aliases, with the features
that drove the score.

Names are compared in the project's normal form (:func:`compoundgraph.ids.normalize`) and in their ASCII
transliteration (``normality``: 陈志 -> "chen zhi", Сергей -> "sergej"), so a name written in another script
meets the graph's. Features, each 0-1:

- ``name_literal``: the normal forms are equal;
- ``name_translit``: the transliterations are equal (and the normal forms are not);
- ``name_fuzzy``: best of edit-distance similarity, the same with the words sorted (swapped name order)
  and with the blanks removed in any order of the words ("Weiming Tan" / "Tan Wei-Ming"); titles ("Col.")
  are left out, and where legal forms or common business words ("Investment Co.") are present, the
  similarity of what remains weighs 70% (such words can lower a score, never raise it);
- ``name_subset``: every word of the shorter name (two words or more) is a word of the longer - a missing
  middle name - scaled by how much of the longer name it covers;
- ``country_mismatch``, ``dob_year_mismatch``: the row gives a country or a birth year and the entity's
  differs (each lowers the score; neither raises it).

A pair whose numbers differ ("Unit 7" / "Unit 9") scores 0. The score is the best name feature less the
mismatch penalties, clipped to 0-1.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import permutations

from normality import ascii_text
from rapidfuzz import fuzz

from ..ids import normalize
from ..models import Entity

__all__ = ["forms", "score_name", "FEATURES", "COUNTRY_PENALTY", "DOB_PENALTY"]

COUNTRY_PENALTY = 0.1
DOB_PENALTY = 0.15
FEATURES: dict[str, str] = {
    "identifier_exact": "An identifier of the entity equals the query's, as written",
    "identifier_normalised": "An identifier equals the query's in canonical form (case, E.164, EIP-55)",
    "name_literal": "A name or alias equals the query's name after normalisation",
    "name_translit": "A name or alias equals the query's name after ASCII transliteration (陈志 = Chen Zhi)",
    "name_fuzzy": "Edit-distance similarity: best of as written, words sorted, blanks removed in any word order",
    "name_subset": "Every word of the shorter name is in the longer one (a missing middle name), by coverage",
    "country_mismatch": "The query's country is not among the entity's (a penalty)",
    "dob_year_mismatch": "The query's birth year differs from the entity's (a penalty)",
}
_DIGITS = re.compile(r"\d+")
# Titles and ranks, left out of the comparison ("Col. Saw Chit Thu" is Saw Chit Thu)
TITLES = frozenset("col colonel maj major lt gen general brig capt captain mr mrs ms dr sir".split())
# Legal forms and common business words: they weigh less than the distinctive part of an organisation's name
GENERIC = frozenset(
    "co company ltd limited inc incorporated corp corporation llc plc pte sdn bhd jsc pvt group holding holdings "
    "international investment investments entertainment technology technologies tech trading development "
    "industrial industries enterprise enterprises real estate property properties resort resorts hotel casino "
    "park zone plaza compound syndicate services service logistics financial finance bank".split()
)


@lru_cache(maxsize=200_000)
def forms(name: str) -> tuple[str, str]:
    """(normal form, transliterated normal form) of a name."""
    n = normalize(name)
    t = n if n.isascii() else normalize(ascii_text(name) or "")
    return n, t


def _fuzzy(a: str, b: str) -> float:
    compact = b.replace(" ", "")
    words = a.split()
    # blanks removed, in every order of the query's words ("Weiming Tan" / "Tan Wei-Ming"): names are short
    orders = permutations(words) if 1 < len(words) <= 4 else [words]
    joined = max(fuzz.ratio("".join(p), compact) for p in orders)
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b), joined) / 100


def _subset(a: str, b: str) -> float:
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) < 2 or len(short) == len(long_) or Counter(short) - Counter(long_):
        return 0.0  # "Saw Chit Chit" is not inside "Saw Chit Thu": words count as often as they occur
    covered = sum(len(w) for w in short) / max(1, sum(len(w) for w in long_))
    return round(0.75 + 0.25 * covered, 4)


def _strip(text: str, words: frozenset[str]) -> str:
    return " ".join(w for w in text.split() if w not in words)


def _bound(a: str, b: str) -> float:
    """An upper bound of every similarity in :func:`_fuzzy` from the letters the two share: an edit-distance
    ratio is at most twice the common letters over the total, with or without blanks, in any word order."""
    common = (Counter(a) & Counter(b)).total()
    blanks = min(a.count(" "), b.count(" "))
    la, lb = len(a), len(b)
    spaced = 2 * common / (la + lb)
    na, nb = la - a.count(" "), lb - b.count(" ")
    joined = 2 * (common - blanks) / (na + nb) if na + nb else 0.0
    return max(spaced, joined)


def _pair(q: tuple[str, str], e: tuple[str, str], floor: float = 0.0) -> dict[str, float]:
    (qn, qt), (en, et) = q, e
    if not qt or not et or _DIGITS.findall(qt) != _DIGITS.findall(et):
        return {}
    out: dict[str, float] = {}
    if qn == en:
        out["name_literal"] = 1.0
    elif qt == et:
        out["name_translit"] = 1.0
    qt, et = _strip(qt, TITLES) or qt, _strip(et, TITLES) or et
    if not out and floor > 0 and _bound(qt, et) < floor and not _subset(qt, et):
        return {}  # no feature can reach the floor: the costly similarities are not computed
    fz = _fuzzy(qt, et)
    qc, ec = _strip(qt, GENERIC), _strip(et, GENERIC)
    if qc and ec and (qc != qt or ec != et):
        # "Propreso Investment Co." and "Dumproso Investment Co." share most of their letters, but not their
        # name: the distinctive words weigh most - and common words can only lower a score, never raise it
        fz = min(fz, 0.7 * _fuzzy(qc, ec) + 0.3 * fz)
    if fz >= 0.5:
        out["name_fuzzy"] = round(fz, 4)
    sub = _subset(qt, et)
    if sub:
        out["name_subset"] = sub
    return out


def _countries(e: Entity) -> set[str]:
    out: set[str] = set()
    for key in ("nationality", "country", "countries", "born"):
        v = e.properties.get(key)
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, str) and len(item) == 2:
                out.add(item.upper())
    return out


def score_name(
    name: str, entity: Entity, country: str | None = None, birth_year: int | None = None, floor: float = 0.0
) -> tuple[float, str, dict[str, float]]:
    """(score 0-1, the entity's name or alias that scored best, features) of ``name`` against ``entity``.

    With a ``floor``, a pair that cannot score that much (:func:`_bound`) is answered ``(0.0, "", {})``
    without computing its similarities; every pair that can is scored exactly as without one."""
    q = forms(name)
    best: tuple[float, str, dict[str, float]] = (0.0, "", {})
    for candidate in (entity.name, *entity.aliases):
        feats = _pair(q, forms(candidate), floor)
        top = max(feats.values(), default=0.0)
        if top > best[0]:
            best = (top, candidate, feats)
    score, matched, feats = best
    if not score:
        return best
    feats = dict(feats)
    if country and (theirs := _countries(entity)) and country.upper() not in theirs:
        feats["country_mismatch"] = -COUNTRY_PENALTY
    year = entity.properties.get("birth_year")
    if birth_year and isinstance(year, int) and year != birth_year:
        feats["dob_year_mismatch"] = -DOB_PENALTY
    penalty = sum(v for k, v in feats.items() if k.endswith("_mismatch"))
    return round(min(1.0, max(0.0, score + penalty)), 4), matched, feats
