"""What a run found, for the person who sent the file: the reports it read, the places and countries named,
the proposals awaiting review, the entities already in the graph that a report names, and the entities
written per type.

The counts of :class:`~compoundgraph.ingest.summary.IngestSummary` say how many records; this says which,
so the web UI's *Add report* dialog can show a report's yield and put it on the chart. It is gathered from
the records as they pass the runner's checks, so a dry run finds the same as a load. Places, countries,
proposals and mentions are listed for reports (the text format); other formats are counted by type. Each
list holds at most :data:`SHOWN` entries (``totals`` are exact); names of entities the run did not bring
itself (a place or a known entity the report names) are read from the store at the end.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..models import Claim, Entity, Source
from ..store.base import GraphStore
from ..store.filters import is_proposal

__all__ = ["Found", "SHOWN"]

SHOWN = 100
_COUNTRY_ROLES = frozenset({"origin", "compound_location", "perpetrator_nationality", "nationality", "mentioned"})


class Found:
    """Collects what the records of a run are: ``add`` each record that passed the checks, then ``as_dict``."""

    def __init__(self) -> None:
        self.by_label: Counter[str] = Counter()
        self.reports: dict[str, dict[str, Any]] = {}  # source id -> {id, title, file}
        self.places: dict[str, dict[str, Any]] = {}  # Location id -> {id, name, country, kind}
        self.countries: dict[str, dict[str, Any]] = {}  # Location id -> {id, name, code, roles}
        self.proposed: dict[str, dict[str, Any]] = {}  # pending entity id -> {id, label, name}
        self.proposed_relations = 0
        self.mentioned: dict[str, dict[str, Any]] = {}  # entity already in the graph named by a report
        self._names: dict[str, tuple[str, str]] = {}  # id -> (label, name) of entities this run brought

    def add(self, record: Source | Entity | Claim, file: str, fmt: str) -> None:
        if isinstance(record, Claim):
            if record.type == "MENTIONED_IN" and fmt == "text":
                self._mention(record)
            return
        if isinstance(record, Source):
            if fmt == "text" and record.kind != "proposals":
                self.reports[record.id] = {"id": record.id, "title": record.title, "file": file}
            return
        self.by_label[record.label] += 1
        if fmt != "text":
            return  # a spreadsheet's rows are counted by type; a report's findings are listed
        self._names[record.id] = (record.label, record.name)
        if is_proposal(record.properties):
            self._put(self.proposed, record.id, {"id": record.id, "label": record.label, "name": record.name})
        elif record.label == "Location":
            self._location(record.id, record.name, record.properties)

    def _put(self, into: dict[str, dict[str, Any]], key: str, value: dict[str, Any]) -> None:
        if key not in into:
            into[key] = value

    def _location(self, eid: str, name: str, props: dict[str, Any]) -> None:
        country = str(props.get("country") or "")
        if props.get("kind") == "country":
            self._put(self.countries, eid, {"id": eid, "name": name, "code": country, "roles": []})
        else:
            self._put(self.places, eid, {"id": eid, "name": name, "country": country, "kind": props.get("kind") or ""})

    def _mention(self, c: Claim) -> None:
        role = str(c.properties.get("role") or "")
        if role == "candidate-relation":
            self.proposed_relations += 1
        elif role == "place":
            self._put(self.places, c.subject, {"id": c.subject, "name": "", "country": "", "kind": ""})
            self.places[c.subject]["country"] = self.places[c.subject]["country"] or c.properties.get("country", "")
        elif role in _COUNTRY_ROLES and c.properties.get("country"):
            code = str(c.properties["country"])
            self._put(self.countries, c.subject, {"id": c.subject, "name": "", "code": code, "roles": []})
            roles = self.countries[c.subject]["roles"]
            if role not in roles:
                roles.append(role)
        elif role != "candidate" and c.subject not in self.proposed:  # a gazetteer platform, an identifier, a name
            self._put(self.mentioned, c.subject, {"id": c.subject, "label": "", "name": ""})

    def as_dict(self, store: GraphStore | None) -> dict[str, Any]:
        """The JSON of the summary's ``found``; names not known from the run are read from ``store``."""
        lists = {
            "places": list(self.places.values()),
            "countries": list(self.countries.values()),
            "proposals": list(self.proposed.values()),
            "mentioned": [m for i, m in self.mentioned.items() if i not in self.places and i not in self.countries],
        }
        shown = {k: v[:SHOWN] for k, v in lists.items()}
        missing = [x["id"] for v in shown.values() for x in v if x["id"] not in self._names]
        known = store.get_entities(missing) if store is not None and missing else {}
        for kind, items in shown.items():
            for x in items:
                label, name = self._names.get(x["id"]) or (
                    (known[x["id"]].label, known[x["id"]].name) if x["id"] in known else ("", x["id"])
                )
                if kind in ("places", "countries"):
                    x["name"] = x["name"] or name
                    if x["id"] in known and kind == "places":
                        x["country"] = x["country"] or known[x["id"]].properties.get("country", "")
                        x["kind"] = x["kind"] or known[x["id"]].properties.get("kind", "")
                else:
                    x["label"], x["name"] = x.get("label") or label, x.get("name") or name
        for kind in ("places", "countries", "mentioned"):
            shown[kind].sort(key=lambda x: str(x["name"]).lower())
        return {
            "reports": list(self.reports.values()),
            "by_label": dict(sorted(self.by_label.items())),
            **shown,
            "totals": {
                "places": len(lists["places"]),
                "countries": len(lists["countries"]),
                "proposals": len(lists["proposals"]),
                "proposed_relations": self.proposed_relations,
                "mentioned": len(lists["mentioned"]),
            },
        }
