"""Screening on ingest: which records a load just brought or touched hit a listed actor.

After an ingest, every entity the run wrote (not sources, events or victim cases) is checked two ways: is it
listed itself - in a sanction event, or a wallet or account held, controlled or used by a designated actor
(a deposit address in a victim's report that belongs to a designated network) - and does its name or
identifier match a listed entity elsewhere in the graph (the same person under another id). The answer is a
short list for the ingest summary; a load larger than :data:`MAX_RECORDS` entities is not screened here
(``compoundgraph screen`` takes a file of any size).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Entity
from ..store import GraphStore
from .engine import NAMED_LABELS, Hit, Options, Policy, _Screener, screen
from .inputs import Batch, Ident, ScreenRow
from .report import hit_json

__all__ = ["screen_records", "MAX_RECORDS", "SHOWN"]

MAX_RECORDS = 20_000
SHOWN = 20
_SKIPPED_LABELS = frozenset({"Event", "Case", "Location", "JobAd"})


def rows_of_entities(entities: Sequence[Entity]) -> list[tuple[ScreenRow, Entity]]:
    """A screening row for each entity: its names (named types) and identifiers, as stored."""
    out = []
    for n, e in enumerate(entities, start=1):
        row = ScreenRow(n, e.id, key=e.id)
        if e.label in NAMED_LABELS:
            row.names = [e.name, *e.aliases]
        for value in e.identifiers:
            if e.label == "Wallet":
                row.identifiers.append(Ident("wallet", value, value, str(e.properties.get("chain") or "")))
            else:
                row.identifiers.append(Ident("identifier", value, value))
        if row.names or row.identifiers:
            out.append((row, e))
    return out


def screen_records(store: GraphStore, ids: Sequence[str], threshold: float = 0.9) -> dict[str, Any]:
    """``{"screened": n, "listed": [...]}`` (at most :data:`SHOWN` entries, listed ones first), or
    ``{"screened": 0, "skipped": why}`` for a load too large to screen here."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_RECORDS:
        return {
            "screened": 0,
            "listed": [],
            "skipped": f"{len(ids):,} records: more than {MAX_RECORDS:,}; "
            "run `compoundgraph screen` on the file instead",
        }
    entities = [e for e in store.get_entities(ids).values() if e.label not in _SKIPPED_LABELS]
    out: list[dict[str, Any]] = []
    with store.reading():
        s = _Screener(store, Options(max_hops=0), Policy())
        own = [Hit(e.id, e.label, e.name, "exact identifier", e.id, e.id, 1.0, {}) for e in entities]
        s.context(own)
        for h in own:
            h.events = s.events(h.entity)
            if h.listed:
                out.append(
                    {
                        "record": h.entity,
                        "label": h.label,
                        "name": h.name,
                        "hit": h.entity,
                        "how": "is listed" if all(x.via is None for x in h.sanctions) else "held by a listed actor",
                        "score": 1.0,
                        "sanctions": hit_json(h)["sanctions"],
                    }
                )
        listed_here = {x["record"] for x in out}
        rows = rows_of_entities([e for e in entities if e.id not in listed_here])
        result = screen(store, Batch([r for r, _ in rows], []), Options(threshold=threshold, max_hops=0, limit=5))
        for (_row, e), r in zip(rows, result.rows, strict=True):
            for h in r.hits:
                if h.entity != e.id and h.listed:
                    out.append(
                        {
                            "record": e.id,
                            "label": e.label,
                            "name": e.name,
                            "hit": h.entity,
                            "hit_name": h.name,
                            "how": h.how,
                            "score": h.score,
                            "sanctions": hit_json(h)["sanctions"],
                        }
                    )
    out.sort(key=lambda x: (-x["score"], x["record"], x["hit"]))
    return {"screened": len(entities), "listed": out[:SHOWN], "more": max(0, len(out) - SHOWN)}
