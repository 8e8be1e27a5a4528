"""The claim filter: which claims a query may use (relationship and neighbour types, grade, date, handling
code, hidden sources, proposals not yet accepted, stance).

The rule is written once per language and held equal by ``tests/store/test_store_filter.py``: here in Python
(:meth:`ClaimFilter.passes` and :meth:`ClaimFilter.select`), in the embedded store's SQL (``_BASE`` and
``_stance`` in ``embedded.py``) and in two Cypher fragments (``cypher/fragments/claim_filter.cypher`` and
``claim_stance.cypher``) that every Cypher query filtering claims includes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput
from ..grades import Grade
from ..models import Claim, iso_date
from ..ontology import ontology

__all__ = [
    "ClaimFilter",
    "is_proposal",
    "is_proposal_claim",
    "PROPOSAL_STATUSES",
    "PROPOSED_LABEL",
    "LINK_STANCES",
    "STANCES",
    "link_is",
    "stance_of",
]

# A proposed entity (from a report, see ``ingest/review.py``) that is pending or was rejected is not a fact:
# it carries ``candidate_rule`` and one of these statuses. The same test is written in the embedded store's
# SQL (``_PROPOSED_ENTITY``); in Neo4j such a node carries the label ``PROPOSED_LABEL``, which every write
# sets from this function (the writer, the bulk loader's files, the neo4j-admin export), ``init`` repairs
# (``cypher/schema/label_proposals.cypher``) and every Cypher read tests instead of the two properties.
PROPOSAL_STATUSES = ("pending", "rejected")
PROPOSED_LABEL = "Proposed"
# A proposal's claims (MENTIONED_IN with one of these roles) are facts only once accepted.
PROPOSAL_ROLES = ("candidate", "candidate-relation")
STANCES = ("asserts", "denies")
LINK_STANCES = ("corroborated", "contested")


def is_proposal(properties: dict[str, Any]) -> bool:
    """An entity proposed from a report and not accepted (pending or rejected)."""
    return "candidate_rule" in properties and properties.get("status") in PROPOSAL_STATUSES


def is_proposal_claim(claim: Claim) -> bool:
    """A proposal's own claim (its mention, or a proposed relationship) not accepted yet."""
    return (
        claim.type == "MENTIONED_IN"
        and claim.properties.get("role") in PROPOSAL_ROLES
        and claim.properties.get("status") != "accepted"
    )


def stance_of(claim: Claim) -> str:
    """``denies`` when the claim's source denies the link, else ``asserts``."""
    return "denies" if claim.properties.get("stance") == "denies" else "asserts"


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims a query may use: by relationship type, neighbour type, grade, date, handling code and
    the sources the caller may not see (a claim resting on one of ``hidden_sources``, or pointing at one
    with ``MENTIONED_IN``, does not pass).

    Proposals - entities a report proposed and nobody accepted yet (or rejected), and their claims - pass
    only with ``proposals=True`` (the review itself, backups, the resolver): a claim that is a proposal, or
    touches a proposed entity, does not pass otherwise, so analytics, charts, exports and partners never
    see them.

    Stance: ``stances`` keeps claims whose source asserts or denies (``("asserts",)`` hides denials);
    ``link`` keeps the claims of ``corroborated`` or ``contested`` links (see :mod:`compoundgraph.views`),
    judged among the claims of the same link that pass the rest of the filter - what the caller sees.
    """

    rel_types: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    min_grade: Grade | None = None
    as_of: str | None = None
    max_handling: str | None = None  # highest handling code the caller may see
    hidden_sources: tuple[str, ...] = ()
    proposals: bool = False  # let proposals not yet accepted through (review, backups)
    stances: tuple[str, ...] = ()  # asserts / denies; empty: any
    link: str | None = None  # corroborated / contested; None: any

    @classmethod
    def make(
        cls,
        rel_types: Iterable[str] | None = None,
        entity_types: Iterable[str] | None = None,
        min_grade: str | Grade | None = None,
        as_of: str | None = None,
        max_handling: str | None = None,
        hidden_sources: Iterable[str] = (),
        proposals: bool = False,
        stances: Iterable[str] | None = None,
        link: str | None = None,
    ) -> ClaimFilter:
        """Validate every part against the ontology (the only path by which types reach a query)."""
        ont = ontology()
        if max_handling is not None:
            ont.handling_rank(max_handling)  # refuses an unknown code
        wanted = sorted(set(stances or ()))
        for st in wanted:
            if st not in STANCES:
                raise InvalidInput(f"stance {st[:20]!r} is not one of {', '.join(STANCES)}")
        if link is not None and link not in LINK_STANCES:
            raise InvalidInput(f"link {link[:20]!r} is not one of {', '.join(LINK_STANCES)}")
        return cls(
            rel_types=tuple(sorted({ont.rel(t) for t in rel_types or ()})),
            entity_types=tuple(sorted({ont.node_label(t) for t in entity_types or ()})),
            min_grade=Grade.parse(min_grade) if min_grade else None,
            as_of=iso_date(as_of, "as_of"),
            max_handling=max_handling,
            hidden_sources=tuple(sorted(set(hidden_sources))),
            proposals=proposals,
            stances=tuple(wanted) if len(wanted) < len(STANCES) else (),
            link=link,
        )

    @property
    def uses_stance(self) -> bool:
        """Whether the stance part applies (a stance or a link asked for). Queries leave the part out of their
        text otherwise: a database plans what a query's text holds, even behind a parameter that switches
        it off."""
        return bool(self.stances) or self.link is not None

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
            "proposals": self.proposals,
            "stances": list(self.stances),
            "link": self.link,
        }

    def passes(self, claim: Claim, other_label: str | None = None, proposed: Collection[str] = frozenset()) -> bool:
        """The same test in Python, claim by claim (``proposed``: ids of the proposed entities, see
        :func:`is_proposal`). The ``link`` part needs the claim's siblings: :meth:`select` applies it."""
        if not self.base_passes(claim, other_label, proposed):
            return False
        return not self.stances or stance_of(claim) in self.stances

    def base_passes(
        self, claim: Claim, other_label: str | None = None, proposed: Collection[str] = frozenset()
    ) -> bool:
        """Everything but stance: what decides which claims of a link the caller sees."""
        if not self.proposals and (is_proposal_claim(claim) or claim.subject in proposed or claim.object in proposed):
            return False
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

    def select(self, claims: Iterable[Claim], proposed: Collection[str] = frozenset()) -> list[Claim]:
        """The claims among ``claims`` (all the claims of their links) that pass the whole filter."""
        claims = list(claims)
        kept = [c for c in claims if self.passes(c, proposed=proposed)]
        if self.link is None:
            return kept
        seen: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
        for c in claims:
            if self.base_passes(c, proposed=proposed):
                seen[(c.subject, c.type, c.object)].append(c)
        link = self.link
        return [c for c in kept if link_is(seen[(c.subject, c.type, c.object)], link)]

    def hidden_sources_pass(self, claim: Claim) -> bool:
        hidden = self.hidden_sources
        return claim.source not in hidden and claim.subject not in hidden and claim.object not in hidden


def link_is(siblings: list[Claim], link: str) -> bool:
    """Whether the link made of ``siblings`` is ``contested`` (a source denies it, or its asserting sources
    give different periods) or ``corroborated`` (two or more sources assert it, none denies it); a link can
    be both (two sources agree on it but not on when)."""
    asserting = [c for c in siblings if stance_of(c) == "asserts"]
    if link == "contested":
        periods = {(c.valid_from or "", c.valid_to or "") for c in asserting if c.valid_from or c.valid_to}
        return len(asserting) < len(siblings) or len(periods) > 1
    return len(asserting) == len(siblings) and len({c.source for c in asserting}) > 1
