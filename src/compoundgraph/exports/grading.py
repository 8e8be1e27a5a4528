"""Grading translation: Admiralty (A-F, 1-6) to and from UK 3x5x2 and Europol 4x4, and to STIX confidence.

One table, used by every exporter and documented in ``docs/exports.md``. The rule that shaped it: a
translation never makes a grade look *better* than it was. Where a scheme has no exact match the
nearest value that is no better is used, and the reverse mapping picks the Admiralty value that maps
back to the same code, so ``uk_to_admiralty(admiralty_to_uk(g))`` is stable.

Source reliability
==================  ==========================  =======================================
Admiralty           UK 3x5x2 (source)           Europol 4x4 (source)
==================  ==========================  =======================================
A completely rel.   1 reliable                  A no doubt / history of complete rel.
B usually rel.      1 reliable                  B mostly proved reliable
C fairly rel.       2 untested                  C mostly proved unreliable (no better)
D not usually rel.  3 not reliable              C
E unreliable        3 not reliable              C
F cannot be judged  2 untested                  X cannot be assessed
==================  ==========================  =======================================

Information credibility
=====================  ===============================  ==============================  ==========
Admiralty              UK 3x5x2 (intelligence)          Europol 4x4 (information)       STIX conf.
=====================  ===============================  ==============================  ==========
1 confirmed            B known indirectly, corroborated 1 accuracy not in doubt         90
2 probably true        C known indirectly               2 known personally to source    70
3 possibly true        C known indirectly               3 not known, corroborated       50
4 doubtful             D not known                      4 not known, not corroborated   30
5 improbable           E suspected to be false          4                               10
6 cannot be judged     D not known                      4                               (absent)
=====================  ===============================  ==============================  ==========

STIX confidence follows the Admiralty Credibility scale of STIX 2.1 Appendix A (credibility only; the
source's reliability travels beside it in the compoundgraph grading extension). Reverse: 80-100 -> 1,
60-79 -> 2, 40-59 -> 3, 20-39 -> 4, 0-19 -> 5, absent -> 6.

Reverse maps: UK source 1 -> B, 2 -> F, 3 -> E; UK intelligence A -> 1 (A has no exact Admiralty match, so
it comes back as B), B -> 1, C -> 3, D -> 6, E -> 5; Europol source A -> A, B -> B, C -> D, X -> F;
Europol information 1 -> 1, 2 -> 2, 3 -> 3, 4 -> 6.

Handling
==========  ===============================  ==================  ==========  ===================
code        meaning (ontology)               UK 3x5x2 handling   TLP (STIX)  Europol handling
==========  ===============================  ==================  ==========  ===================
H0          open, anyone                     P (sharing permit.) CLEAR/WHITE H0
H1          partner agencies                 P                   GREEN       H1
H2          this agency only                 C (with conditions) AMBER       H2
H3          named recipients; never exported C                   RED         H3
==========  ===============================  ==================  ==========  ===================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput
from ..grades import CREDIBILITY, RELIABILITY, Grade

__all__ = [
    "SCHEME",
    "UkGrade",
    "EuropolGrade",
    "admiralty_to_uk",
    "uk_to_admiralty",
    "admiralty_to_europol",
    "europol_to_admiralty",
    "stix_confidence",
    "confidence_to_credibility",
    "tlp_name",
    "uk_handling",
    "grading_table",
]

SCHEME = "Admiralty (NATO AJP-2.1) A-F/1-6"

_UK_SOURCE = {"A": "1", "B": "1", "C": "2", "D": "3", "E": "3", "F": "2"}
_UK_SOURCE_BACK = {"1": "B", "2": "F", "3": "E"}
_UK_INTEL = {1: "B", 2: "C", 3: "C", 4: "D", 5: "E", 6: "D"}
_UK_INTEL_BACK = {"A": 1, "B": 1, "C": 3, "D": 6, "E": 5}
_EU_SOURCE = {"A": "A", "B": "B", "C": "C", "D": "C", "E": "C", "F": "X"}
_EU_SOURCE_BACK = {"A": "A", "B": "B", "C": "D", "X": "F"}
_EU_INFO = {1: "1", 2: "2", 3: "3", 4: "4", 5: "4", 6: "4"}
_EU_INFO_BACK = {"1": 1, "2": 2, "3": 3, "4": 6}
_STIX = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}
_TLP = {"H0": "white", "H1": "green", "H2": "amber", "H3": "red"}
_UK_HANDLING = {"H0": "P", "H1": "P", "H2": "C", "H3": "C"}

UK_SOURCE_TEXT = {"1": "Reliable", "2": "Untested", "3": "Not reliable"}
UK_INTEL_TEXT = {
    "A": "Known directly to the source",
    "B": "Known indirectly to the source but corroborated",
    "C": "Known indirectly to the source",
    "D": "Not known",
    "E": "Suspected to be false",
}
EU_SOURCE_TEXT = {
    "A": "No doubt of authenticity, trustworthiness and competence",
    "B": "Information from this source has in most instances proved reliable",
    "C": "Information from this source has in most instances proved unreliable",
    "X": "Reliability cannot be assessed",
}
EU_INFO_TEXT = {
    "1": "Accuracy not in doubt",
    "2": "Known personally to the source but not to the official passing it on",
    "3": "Not known personally to the source but corroborated",
    "4": "Not known personally to the source and cannot be corroborated",
}


@dataclass(frozen=True)
class UkGrade:
    """UK 3x5x2: source 1-3, intelligence A-E, handling P or C."""

    source: str
    intelligence: str
    handling: str = "P"

    def __str__(self) -> str:
        return f"{self.source}{self.intelligence}{self.handling}"


@dataclass(frozen=True)
class EuropolGrade:
    """Europol 4x4: source A, B, C, X; information 1-4; handling code H0-H3."""

    source: str
    information: str
    handling: str = "H1"

    def __str__(self) -> str:
        return f"{self.source}{self.information}"


def admiralty_to_uk(grade: Grade | str, handling: str = "H1") -> UkGrade:
    g = Grade.parse(grade)
    return UkGrade(_UK_SOURCE[g.reliability], _UK_INTEL[g.credibility], uk_handling(handling))


def uk_to_admiralty(uk: UkGrade | str) -> Grade:
    """``"1B"`` / ``"1BP"`` / :class:`UkGrade` to an Admiralty grade (the one that maps back to it)."""
    text = str(uk).strip().upper()
    if len(text) < 2 or text[0] not in _UK_SOURCE_BACK or text[1] not in _UK_INTEL_BACK:
        raise InvalidInput(f"not a UK 3x5x2 grade (source 1-3, intelligence A-E): {text[:10]!r}")
    return Grade(_UK_SOURCE_BACK[text[0]], _UK_INTEL_BACK[text[1]])


def admiralty_to_europol(grade: Grade | str, handling: str = "H1") -> EuropolGrade:
    g = Grade.parse(grade)
    return EuropolGrade(_EU_SOURCE[g.reliability], _EU_INFO[g.credibility], _check_handling(handling))


def europol_to_admiralty(eu: EuropolGrade | str) -> Grade:
    """``"B2"`` in Europol's 4x4 (source A/B/C/X, information 1-4) to an Admiralty grade."""
    text = str(eu).strip().upper()
    if len(text) != 2 or text[0] not in _EU_SOURCE_BACK or text[1] not in _EU_INFO_BACK:
        raise InvalidInput(f"not a Europol 4x4 grade (source A/B/C/X, information 1-4): {text[:10]!r}")
    return Grade(_EU_SOURCE_BACK[text[0]], _EU_INFO_BACK[text[1]])


def stix_confidence(grade: Grade | str) -> int | None:
    """STIX 2.1 confidence (Appendix A, Admiralty Credibility scale); ``None`` for credibility 6."""
    return _STIX.get(Grade.parse(grade).credibility)


def confidence_to_credibility(confidence: int | None) -> int:
    if confidence is None:
        return 6
    if not 0 <= confidence <= 100:
        raise InvalidInput(f"STIX confidence must be 0-100, got {confidence}")
    return 1 if confidence >= 80 else 2 if confidence >= 60 else 3 if confidence >= 40 else 4 if confidence >= 20 else 5


def _check_handling(code: str) -> str:
    if code not in _TLP:
        raise InvalidInput(f"unknown handling code {code[:20]!r}; known: H0, H1, H2, H3")
    return code


def tlp_name(handling: str) -> str:
    """TLP colour for a handling code (H0 -> white, the STIX 2.1 name of TLP:CLEAR)."""
    return _TLP[_check_handling(handling)]


def uk_handling(handling: str) -> str:
    return _UK_HANDLING[_check_handling(handling)]


def grading_table() -> dict[str, Any]:
    """The whole translation as data (written into every package manifest)."""
    return {
        "scheme": SCHEME,
        "reliability": {
            r: {"meaning": RELIABILITY[r], "uk_3x5x2": _UK_SOURCE[r], "europol_4x4": _EU_SOURCE[r]} for r in RELIABILITY
        },
        "credibility": {
            str(c): {
                "meaning": CREDIBILITY[c],
                "uk_3x5x2": _UK_INTEL[c],
                "europol_4x4": _EU_INFO[c],
                "stix_confidence": _STIX.get(c),
            }
            for c in CREDIBILITY
        },
        "handling": {h: {"tlp": _TLP[h], "uk_3x5x2": _UK_HANDLING[h], "europol": h} for h in _TLP},
        "rule": "never better than the original; reverse maps pick the Admiralty value that maps back",
    }
