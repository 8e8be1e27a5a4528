"""Redaction profiles: what may leave, for whom.

``internal``
    This agency's own use (another machine, an archive). Everything up to handling H2; H3 ("named
    recipients only; never exported", see the ontology) never leaves.
``partner``
    A partner agency. Claims and sources above H1 are dropped. Victim cases never leave as records:
    every Case entity and every claim touching one (HELD_AT, SOLD_TO, RECRUITED_VIA, INVOLVED_IN, ...) is
    removed and replaced by counts of cases per compound, nationality and period (no case ids, no age
    band, gender, indicators, dates or outcomes). A count below the profile's ``min_cell`` (the setting
    ``partner_min_cell``, default 5) is never shown: such cells are combined into one "suppressed" row
    whose count reads ``"<5"`` while the combined total is itself below 5, and the numbers of victim
    records the redaction dropped read ``"<5"`` the same way.

A claim's effective handling is the stricter of its own code and its source's (a tip-line source marked
H2 keeps its claims in-house even when a claim forgot to say so). An entity keeps only the sources that
survive; one left with no source but still on a surviving claim takes that claim's source as its
attestation; one left with neither is dropped. A source only referenced by what was dropped is dropped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from ..errors import InvalidInput
from ..models import Claim, Entity
from ..ontology import ontology
from ..settings import get_settings
from .selection import CaseAggregate, ExportView

__all__ = ["Profile", "PROFILES", "redact", "get_profile", "VICTIM_LABELS"]

VICTIM_LABELS = frozenset({"Case"})
# Claims from a case to a compound: the ones the aggregates count.
_CASE_TO_COMPOUND = ("HELD_AT", "SOLD_TO")


@dataclass(frozen=True)
class Profile:
    name: str
    max_handling: str  # highest handling code the recipient may receive
    aggregate_cases: bool  # replace victim cases by counts
    description: str
    min_cell: int = 1  # aggregate cells below this count are suppressed (combined, shown as "<n")


PROFILES: dict[str, Profile] = {
    "internal": Profile("internal", "H2", False, "This agency only: everything up to H2, victim cases included."),
    "partner": Profile(
        "partner",
        "H1",
        True,
        "Partner agencies: up to H1; victim cases only as counts per compound, nationality "
        "and period, counts below 5 suppressed.",
        min_cell=5,
    ),
}


def get_profile(name: str, min_cell: int | None = None) -> Profile:
    """A profile by name; one that aggregates cases takes ``min_cell`` from the settings unless given."""
    if name not in PROFILES:
        raise InvalidInput(f"unknown redaction profile {name[:30]!r}; known: {', '.join(PROFILES)}")
    profile = PROFILES[name]
    if min_cell is None and profile.aggregate_cases:
        min_cell = get_settings().partner_min_cell
    if min_cell is not None:
        if min_cell < 1:
            raise InvalidInput(f"min_cell must be at least 1, got {min_cell}")
        profile = replace(profile, min_cell=min_cell)
    return profile


def redact(view: ExportView, profile: Profile | str) -> ExportView:
    """A new view with what ``profile`` allows; ``dropped`` counts what went and why."""
    p = get_profile(profile) if isinstance(profile, str) else profile
    ont = ontology()
    limit = ont.handling_rank(p.max_handling)
    dropped: Counter[str] = Counter()

    sources = {k: s for k, s in view.sources.items() if ont.handling_rank(s.handling) <= limit}
    dropped["sources_handling"] = len(view.sources) - len(sources)

    victims = {k for k, e in view.entities.items() if p.aggregate_cases and e.label in VICTIM_LABELS}
    claims: list[Claim] = []
    for c in view.claims:
        if c.subject in victims or c.object in victims:
            dropped["claims_victim_case"] += 1
        elif c.source not in sources or _effective(c, view) > limit:
            dropped["claims_handling"] += 1
        elif c.type == "MENTIONED_IN" and c.object in view.sources and c.object not in sources:
            dropped["claims_handling"] += 1
        else:
            claims.append(c)

    attested: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        attested[c.subject].add(c.source)
        attested[c.object].add(c.source)
    entities: dict[str, Entity] = {}
    for k, e in view.entities.items():
        if k in victims:
            dropped["entities_victim_case"] += 1
            continue
        kept = [s for s in e.sources if s in sources] or sorted(attested.get(k, ()))
        if not kept:
            dropped["entities_no_source"] += 1
            continue
        entities[k] = e if kept == e.sources else e.model_copy(update={"sources": kept})
    claims = [c for c in claims if c.subject in entities and (c.object in entities or c.object in sources)]
    aggregates = _aggregate(view, victims, p, entities) if victims else []

    # a source nobody refers to any more goes too (it may describe only what was dropped)
    used = (
        {s for e in entities.values() for s in e.sources}
        | {c.source for c in claims}
        | {c.object for c in claims if c.object in sources}
    )
    before = {s for e in view.entities.values() for s in e.sources} | {c.source for c in view.claims}
    orphans = [k for k in sources if k in before and k not in used]
    for k in orphans:
        del sources[k]
    dropped["sources_unreferenced"] = len(orphans)

    shown: dict[str, int | str] = {k: v for k, v in sorted(dropped.items()) if v}
    if p.aggregate_cases:  # how many victim records went is itself a count of victims
        shown.update({k: _small(v, p.min_cell) for k, v in shown.items() if "victim" in k})
    return ExportView(
        sources=sources,
        entities=entities,
        claims=claims,
        query=view.query,
        profile=p.name,
        aggregates=aggregates,
        dropped=shown,
        exported_at=view.exported_at,
    )


def _small(n: int | str, threshold: int) -> int | str:
    """A count as a partner may see it: ``"<threshold"`` when it is below the threshold."""
    return f"<{threshold}" if isinstance(n, int) and n < threshold else n


def _effective(c: Claim, view: ExportView) -> int:
    ont = ontology()
    src = view.sources.get(c.source)
    return max(ont.handling_rank(c.handling), ont.handling_rank(src.handling) if src else 99)


def _period(e: Entity) -> str:
    period = e.properties.get("period")
    if isinstance(period, str) and period.strip():
        return period.strip()
    recruited = e.properties.get("recruited_on")
    if isinstance(recruited, str):
        try:
            d = dt.date.fromisoformat(recruited)
            return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        except ValueError:
            pass
    return "unknown"


def _aggregate(view: ExportView, victims: set[str], p: Profile, visible: dict[str, Entity]) -> list[CaseAggregate]:
    """Distinct cases per (compound, nationality, period); H3 claims are not counted (they never leave).

    A compound that is not itself in the export is counted under an empty id, so its name cannot leak
    through the aggregates.
    """
    ont = ontology()
    h3 = ont.handling_rank("H3")
    compounds: dict[str, set[str]] = defaultdict(set)
    for c in view.claims:
        if c.subject in victims and c.type in _CASE_TO_COMPOUND and _effective(c, view) < h3:
            compounds[c.subject].add(c.object if c.object in visible else "")
    cells: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for case_id in victims:
        e = view.entities[case_id]
        nat = e.properties.get("nationality")
        nationality = nat.upper() if isinstance(nat, str) and nat.strip() else "unknown"
        for compound in sorted(compounds.get(case_id) or {""}):
            cells[(compound, nationality, _period(e))].add(case_id)
    out: list[CaseAggregate] = []
    suppressed = 0
    for (compound, nationality, period), cases in sorted(cells.items()):
        if len(cases) < p.min_cell:
            suppressed += len(cases)
            continue
        name = visible[compound].name if compound in visible else ""
        out.append(CaseAggregate(compound, name, nationality, period, len(cases)))
    if suppressed:
        out.append(CaseAggregate("", f"suppressed (cells under {p.min_cell})", "", "", _small(suppressed, p.min_cell)))
    return out
