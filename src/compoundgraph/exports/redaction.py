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
import json
from collections import Counter
from dataclasses import dataclass, replace

from ..errors import InvalidInput
from ..models import Entity
from ..ontology import ontology
from ..settings import get_settings
from .selection import CaseAggregate, ExportView, materialize, spool_view
from .spool import SpooledView, load_entity

__all__ = ["Profile", "PROFILES", "redact", "redact_spooled", "get_profile", "VICTIM_LABELS"]

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
    """A new view with what ``profile`` allows; ``dropped`` counts what went and why (the rule of
    :func:`redact_spooled`, on a spooled copy)."""
    with spool_view(view) as spooled:
        return materialize(redact_spooled(spooled, profile))


def redact_spooled(view: SpooledView, profile: Profile | str) -> SpooledView:
    """Apply ``profile`` to a spooled view, in place, page by page (constant memory); returns the view."""
    p = get_profile(profile) if isinstance(profile, str) else profile
    ont = ontology()
    limit = ont.handling_rank(p.max_handling)
    h3 = ont.handling_rank("H3")
    dropped: Counter[str] = Counter()
    db = view.db
    every = view.sources

    sources = {k: s for k, s in every.items() if ont.handling_rank(s.handling) <= limit}
    dropped["sources_handling"] = len(every) - len(sources)
    before = {r[0] for r in db.execute("SELECT source FROM entity_sources UNION SELECT source FROM claims")}

    def effective(handling: str, source: str) -> int:
        src = every.get(source)
        return max(ont.handling_rank(handling), ont.handling_rank(src.handling) if src else 99)

    victim_labels = sorted(VICTIM_LABELS) if p.aggregate_cases else []
    db.executescript(
        "CREATE TEMP TABLE IF NOT EXISTS victims (case_id TEXT PRIMARY KEY, nationality TEXT, period TEXT);"
        "CREATE TEMP TABLE IF NOT EXISTS victim_links (case_id TEXT, compound TEXT);"
        "DELETE FROM victims; DELETE FROM victim_links;"
    )
    # claims: victim cases, then handling codes (a page is read whole, then rewritten)
    labels = json.dumps(victim_labels)
    for page in view.spool.pages(
        """SELECT c.id, c.type, c.subject, c.object, c.source, c.handling,
                  c.subject IN (SELECT id FROM entities WHERE label IN (SELECT value FROM json_each(?))),
                  c.object IN (SELECT id FROM entities WHERE label IN (SELECT value FROM json_each(?)))
           FROM claims c WHERE c.id > ? ORDER BY c.id LIMIT ?""",
        (labels, labels),
    ):
        gone = []
        links: list[tuple[str, str]] = []
        for cid, rel, subject, obj, source, handling, subject_victim, object_victim in page:
            if subject_victim or object_victim:
                dropped["claims_victim_case"] += 1
                gone.append(cid)
                if subject_victim and rel in _CASE_TO_COMPOUND and effective(handling, source) < h3:
                    links.append((subject, obj))
            elif source not in sources or effective(handling, source) > limit:
                dropped["claims_handling"] += 1
                gone.append(cid)
            elif rel == "MENTIONED_IN" and obj in every and obj not in sources:
                dropped["claims_handling"] += 1
                gone.append(cid)
        view.spool.delete_claims(gone)
        with db:
            db.executemany("INSERT INTO victim_links (case_id, compound) VALUES (?, ?)", links)

    # entities: victim cases go (counted below); the others keep their surviving sources, or take those of
    # the surviving claims that attest them, or go
    for page in view.spool.pages("SELECT id, doc FROM entities WHERE id > ? ORDER BY id LIMIT ?"):
        gone, changed = [], []
        victims: list[tuple[str, str, str]] = []
        for eid, doc in page:
            e = load_entity(doc)
            if p.aggregate_cases and e.label in VICTIM_LABELS:
                dropped["entities_victim_case"] += 1
                gone.append(eid)
                victims.append((eid, _nationality(e), _period(e)))
                continue
            kept = [s for s in e.sources if s in sources] or sorted(
                r[0]
                for r in db.execute(
                    "SELECT source FROM claims WHERE subject = ? UNION SELECT source FROM claims WHERE object = ?",
                    (eid, eid),
                )
            )
            if not kept:
                dropped["entities_no_source"] += 1
                gone.append(eid)
            elif kept != e.sources:
                changed.append(e.model_copy(update={"sources": kept}))
        view.spool.delete_entities(gone)
        view.spool.add_entities(changed)
        with db:
            db.executemany("INSERT INTO victims (case_id, nationality, period) VALUES (?, ?, ?)", victims)

    view.set_sources(sources)
    with db:
        db.execute(
            """DELETE FROM claims WHERE subject NOT IN (SELECT id FROM entities)
                 OR (object NOT IN (SELECT id FROM entities) AND object NOT IN (SELECT id FROM srcs))"""
        )
    aggregates = _aggregate(view, p) if p.aggregate_cases else []

    # a source nobody refers to any more goes too (it may describe only what was dropped)
    used = {
        r[0]
        for r in db.execute(
            "SELECT source FROM entity_sources UNION SELECT source FROM claims "
            "UNION SELECT object FROM claims WHERE object IN (SELECT id FROM srcs)"
        )
    }
    orphans = [k for k in sources if k in before and k not in used]
    for k in orphans:
        del sources[k]
    dropped["sources_unreferenced"] = len(orphans)
    view.set_sources(sources)

    shown: dict[str, int | str] = {k: v for k, v in sorted(dropped.items()) if v}
    if p.aggregate_cases:  # how many victim records went is itself a count of victims
        shown.update({k: _small(v, p.min_cell) for k, v in shown.items() if "victim" in k})
    view.profile = p.name
    view.aggregates = aggregates
    view.dropped = shown
    view.spool.mark_contested()
    return view


def _small(n: int | str, threshold: int) -> int | str:
    """A count as a partner may see it: ``"<threshold"`` when it is below the threshold."""
    return f"<{threshold}" if isinstance(n, int) and n < threshold else n


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


def _nationality(e: Entity) -> str:
    nat = e.properties.get("nationality")
    return nat.upper() if isinstance(nat, str) and nat.strip() else "unknown"


def _aggregate(view: SpooledView, p: Profile) -> list[CaseAggregate]:
    """Distinct cases per (compound, nationality, period); H3 claims are not counted (they never leave).

    A compound that is not itself in the export is counted under an empty id, so its name cannot leak
    through the aggregates. (One row per cell of at least ``min_cell`` cases: the aggregates stay small.)
    """
    rows = view.db.execute(
        """
        WITH cells AS (
          SELECT DISTINCT v.case_id, v.nationality, v.period,
                 CASE WHEN e.id IS NULL THEN '' ELSE l.compound END AS compound
          FROM victims v LEFT JOIN victim_links l ON l.case_id = v.case_id LEFT JOIN entities e ON e.id = l.compound)
        SELECT cells.compound, cells.nationality, cells.period, count(DISTINCT cells.case_id), e.name
        FROM cells LEFT JOIN entities e ON e.id = cells.compound
        GROUP BY cells.compound, cells.nationality, cells.period ORDER BY 1, 2, 3
        """
    )
    out: list[CaseAggregate] = []
    suppressed = 0
    for compound, nationality, period, cases, name in rows:
        if cases < p.min_cell:
            suppressed += cases
            continue
        out.append(CaseAggregate(compound, name or "", nationality, period, cases))
    if suppressed:
        out.append(CaseAggregate("", f"suppressed (cells under {p.min_cell})", "", "", _small(suppressed, p.min_cell)))
    return out
