"""i2 Analyst's Notebook-ready CSV: ``i2_entities.csv`` and ``i2_links.csv`` (UTF-8 with BOM).

Built for ANB's import wizard (Home > Import > Import from File; one specification for the entities, one
with an entity-link-entity design for the links, whose ends match the charted entities by identity; see
``docs/exports.md``). A transfer's moment is split into **Date** and **Time** (UTC, to the second).

Each row carries the three grading columns ANB cards use - **Grade 1** (source reliability, Admiralty
A-F), **Grade 2** (information credibility, 1-6), **Grade 3** (handling code H0-H3) - plus the UK 3x5x2
and Europol 4x4 translations for agencies that grade that way, a **Source Reference** and **Source
Type**. ``i2 Type`` suggests a standard ANB icon for each entity type. An entity's grade is that of its
most reliable source (entities are attested, not asserted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..grades import Grade
from ..models import Entity
from ..store.filters import stance_of
from .common import LIST_SEP, flat, write_csv
from .grading import admiralty_to_europol, admiralty_to_uk
from .sink import Sink
from .spool import SpooledView

__all__ = ["write", "I2_TYPES", "ENTITY_COLUMNS", "LINK_COLUMNS"]

# compoundgraph label -> the nearest entity type of ANB's standard palette
I2_TYPES = {
    "Compound": "Building",
    "Organization": "Organisation",
    "ArmedGroup": "Organisation",
    "Person": "Person",
    "Account": "Account",
    "JobAd": "Document",
    "Platform": "Website",
    "Wallet": "Account",
    "Location": "Location",
    "Case": "Person",
    "Event": "Event",
    "Source": "Document",
}
ENTITY_COLUMNS = [
    "Entity ID",
    "Entity Type",
    "i2 Type",
    "Label",
    "Description",
    "Aliases",
    "Identifiers",
    "Country",
    "Latitude",
    "Longitude",
    "Date",
    "Grade 1",
    "Grade 2",
    "Grade 3",
    "UK 3x5x2",
    "Europol 4x4",
    "Source Reference",
    "Source Type",
    "Properties",
]
LINK_COLUMNS = [
    "Link ID",
    "From ID",
    "From Type",
    "From Label",
    "To ID",
    "To Type",
    "To Label",
    "Link Type",
    "Label",
    "Direction",
    "Date",
    "Time",
    "Start Date",
    "End Date",
    "Grade 1",
    "Grade 2",
    "Grade 3",
    "UK 3x5x2",
    "Europol 4x4",
    "Source Reference",
    "Source Type",
    "Description",
    "Contested",
    "Corroborated",
    "Stance",
    "Amount",
    "Asset",
    "Transaction",
]


def _date_time(ts: Any) -> tuple[str, str]:
    """A transfer's timestamp as i2's separate Date (YYYY-MM-DD) and Time (HH:MM:SS) columns, in UTC."""
    if not isinstance(ts, str) or not ts:
        return "", ""
    try:
        when = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return ts[:10], ""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.date().isoformat(), when.time().isoformat(timespec="seconds")


def _entity_row(view: SpooledView, e: Entity) -> dict[str, Any]:
    srcs = [view.sources[s] for s in e.sources if s in view.sources]
    best = min(srcs, key=lambda s: s.reliability) if srcs else None
    rel = best.reliability if best else "F"
    handling = max((s.handling for s in srcs), default="H1")
    grade = Grade(rel, 6)
    p = e.properties
    return {
        "Entity ID": e.id,
        "Entity Type": e.label,
        "i2 Type": I2_TYPES.get(e.label, "Entity"),
        "Label": e.name,
        "Description": "; ".join(f"{k}: {flat(v)}" for k, v in sorted(p.items()) if k not in ("lat", "lon")),
        "Aliases": LIST_SEP.join(e.aliases),
        "Identifiers": LIST_SEP.join(e.identifiers),
        "Country": p.get("country", p.get("nationality", "")),
        "Latitude": p.get("lat", ""),
        "Longitude": p.get("lon", ""),
        "Date": e.first_seen or "",
        "Grade 1": rel,
        "Grade 2": "",
        "Grade 3": handling,
        "UK 3x5x2": admiralty_to_uk(grade, handling).source + "-" + admiralty_to_uk(grade, handling).handling,
        "Europol 4x4": admiralty_to_europol(grade).source,
        "Source Reference": LIST_SEP.join(s.title for s in srcs),
        "Source Type": LIST_SEP.join(sorted({s.kind for s in srcs})),
        "Properties": LIST_SEP.join(f"{k}={flat(v)}" for k, v in sorted(p.items())),
    }


def _entity_rows(view: SpooledView) -> Iterator[dict[str, Any]]:
    for e in view.iter_entities():
        yield _entity_row(view, e)
    for s in view.mentioned_sources():
        yield {
            "Entity ID": s.id,
            "Entity Type": "Source",
            "i2 Type": I2_TYPES["Source"],
            "Label": s.title,
            "Description": s.description or s.publisher,
            "Date": s.published or "",
            "Grade 1": s.reliability,
            "Grade 3": s.handling,
            "Source Reference": s.url,
            "Source Type": s.kind,
        }


def _link_rows(view: SpooledView) -> Iterator[dict[str, Any]]:
    for x in view.iter_edges():
        c = x.claim
        g = Grade.parse(c.grade)
        src = view.sources.get(c.source)
        uk = admiralty_to_uk(g, c.handling)
        day, time = _date_time(c.properties.get("timestamp"))
        yield {
            "Link ID": c.id,
            "From ID": c.subject,
            "From Type": x.subject_label,
            "From Label": x.subject_name,
            "To ID": c.object,
            "To Type": x.object_label,
            "To Label": x.object_name,
            "Link Type": c.type,
            "Label": c.type.replace("_", " ").lower(),
            "Direction": "Arrow on head",
            "Date": day or c.valid_from or "",
            "Time": time,
            "Start Date": c.valid_from or "",
            "End Date": c.valid_to or "",
            "Grade 1": g.reliability,
            "Grade 2": g.credibility,
            "Grade 3": c.handling,
            "UK 3x5x2": str(uk),
            "Europol 4x4": str(admiralty_to_europol(g, c.handling)),
            "Source Reference": src.title if src else c.source,
            "Source Type": src.kind if src else "",
            "Description": c.quote,
            "Contested": "yes" if x.contested else "no",
            "Corroborated": "yes" if x.corroborated else "no",
            "Stance": stance_of(c),
            "Amount": c.properties.get("amount", ""),
            "Asset": c.properties.get("asset", ""),
            "Transaction": c.properties.get("tx_hash", ""),
        }


def write(view: SpooledView, sink: Sink) -> None:
    # rows are made while they are written
    with sink.open("i2_entities.csv") as fh:
        write_csv(fh, ENTITY_COLUMNS, _entity_rows(view), bom=True)
    with sink.open("i2_links.csv") as fh:
        write_csv(fh, LINK_COLUMNS, _link_rows(view), bom=True)
