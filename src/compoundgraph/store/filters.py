"""The claim filter: which claims a query may use (relationship and neighbour types, grade, date, handling
code, hidden sources).

The rule is written once per language and held equal by ``tests/store/test_store_filter.py``: here in Python
(:meth:`ClaimFilter.passes`), in the embedded store's SQL (``_FILTER`` in ``embedded.py``) and in one Cypher
fragment (``cypher/fragments/claim_filter.cypher``) that every Cypher query filtering claims includes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..grades import Grade
from ..models import Claim, iso_date
from ..ontology import ontology

__all__ = ["ClaimFilter"]


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims a query may use: by relationship type, neighbour type, grade, date, handling code and
    the sources the caller may not see (a claim resting on one of ``hidden_sources``, or pointing at one
    with ``MENTIONED_IN``, does not pass)."""

    rel_types: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    min_grade: Grade | None = None
    as_of: str | None = None
    max_handling: str | None = None  # highest handling code the caller may see
    hidden_sources: tuple[str, ...] = ()

    @classmethod
    def make(
        cls,
        rel_types: Iterable[str] | None = None,
        entity_types: Iterable[str] | None = None,
        min_grade: str | Grade | None = None,
        as_of: str | None = None,
        max_handling: str | None = None,
        hidden_sources: Iterable[str] = (),
    ) -> ClaimFilter:
        """Validate every part against the ontology (the only path by which types reach a query)."""
        ont = ontology()
        if max_handling is not None:
            ont.handling_rank(max_handling)  # refuses an unknown code
        return cls(
            rel_types=tuple(sorted({ont.rel(t) for t in rel_types or ()})),
            entity_types=tuple(sorted({ont.node_label(t) for t in entity_types or ()})),
            min_grade=Grade.parse(min_grade) if min_grade else None,
            as_of=iso_date(as_of, "as_of"),
            max_handling=max_handling,
            hidden_sources=tuple(sorted(set(hidden_sources))),
        )

    def params(self) -> dict[str, Any]:
        """Cypher / SQL parameters: empty lists mean "any"."""
        ont = ontology()
        return {
            "rel_types": list(self.rel_types),
            "entity_types": list(self.entity_types),
            "min_r": self.min_grade.r if self.min_grade else 6,
            "min_c": self.min_grade.c if self.min_grade else 6,
            "as_of": self.as_of,
            "max_handling": ont.handling_rank(self.max_handling) if self.max_handling else 99,
            "hidden_sources": list(self.hidden_sources),
        }

    def passes(self, claim: Claim, other_label: str | None = None) -> bool:
        """The same test in Python (used for checks and by the embedded store)."""
        if self.rel_types and claim.type not in self.rel_types:
            return False
        if self.entity_types and other_label is not None and other_label not in self.entity_types:
            return False
        if self.min_grade and not claim.grade_obj.at_least(self.min_grade):
            return False
        if self.max_handling and ontology().handling_rank(claim.handling) > ontology().handling_rank(self.max_handling):
            return False
        if self.hidden_sources and not self.hidden_sources_pass(claim):
            return False
        return claim.in_force(self.as_of)

    def hidden_sources_pass(self, claim: Claim) -> bool:
        hidden = self.hidden_sources
        return claim.source not in hidden and claim.subject not in hidden and claim.object not in hidden
