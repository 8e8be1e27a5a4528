"""Admiralty grades: source reliability A-F plus information credibility 1-6 (``B2``).

Grades form a lattice: a grade is *at least as good as* another when neither its reliability nor its
credibility is worse. A chain of claims is only as good as its weakest link, taken per component, so a
path through ``A3`` and ``C1`` is graded ``C3``. ``F`` and ``6`` ("cannot be judged") rank as the weakest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce

from .errors import InvalidInput

__all__ = ["Grade", "RELIABILITY", "CREDIBILITY", "weakest", "parse_grade"]

RELIABILITY = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
CREDIBILITY = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}
_CACHE: dict[str, Grade] = {}
_PATTERN = re.compile(r"^\s*([A-Fa-f])\s*([1-6])\s*$")


@dataclass(frozen=True, order=False, slots=True)
class Grade:
    """An Admiralty grade. ``reliability`` is a letter A-F, ``credibility`` an int 1-6."""

    reliability: str
    credibility: int

    def __post_init__(self) -> None:
        if self.reliability not in RELIABILITY:
            raise InvalidInput(f"source reliability must be one of A-F, got {self.reliability!r}")
        if self.credibility not in CREDIBILITY:
            raise InvalidInput(f"information credibility must be 1-6, got {self.credibility!r}")

    @classmethod
    def parse(cls, text: str | Grade) -> Grade:
        """Parse ``"B2"`` (case and surrounding blanks tolerated)."""
        try:
            return _CACHE[text]  # type: ignore[index]  # a grade seen before: a load parses one per claim
        except (KeyError, TypeError):
            pass
        if isinstance(text, Grade):
            return text
        if not isinstance(text, str):
            raise InvalidInput(f"a grade is a string like 'B2', got {type(text).__name__}")
        m = _PATTERN.match(text)
        if not m:
            raise InvalidInput(f"not an Admiralty grade (A-F then 1-6, e.g. 'B2'): {text[:20]!r}")
        grade = cls(m.group(1).upper(), int(m.group(2)))
        if len(_CACHE) < 1_000:
            _CACHE[text] = grade
        return grade

    @property
    def r(self) -> int:
        """Reliability as a rank, 1 (A) to 6 (F); lower is better."""
        return ord(self.reliability) - ord("A") + 1

    @property
    def c(self) -> int:
        return self.credibility

    def at_least(self, other: Grade | str | None) -> bool:
        """True when this grade is at least as good as ``other`` on both components."""
        if other is None:
            return True
        o = Grade.parse(other)
        return self.r <= o.r and self.c <= o.c

    def weakest(self, other: Grade) -> Grade:
        """The weakest-link combination of two grades (the worse of each component)."""
        return Grade(max(self.reliability, other.reliability), max(self.credibility, other.credibility))

    def sort_key(self) -> tuple[int, int]:
        """A total order for ranking (best first): reliability, then credibility."""
        return (self.r, self.c)

    def describe(self) -> str:
        return f"{RELIABILITY[self.reliability]}; {CREDIBILITY[self.credibility].lower()}"

    def __str__(self) -> str:
        return f"{self.reliability}{self.credibility}"


def parse_grade(text: str | Grade | None) -> Grade | None:
    return None if text is None or text == "" else Grade.parse(text)


def weakest(grades: Iterable[Grade | str]) -> Grade:
    """Weakest-link grade of a chain; raises on an empty chain."""
    parsed = [Grade.parse(g) for g in grades]
    if not parsed:
        raise InvalidInput("a path with no claims has no grade")
    return reduce(Grade.weakest, parsed)
