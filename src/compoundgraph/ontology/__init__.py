"""The ontology, read from ``schema.yaml``: the single allow-list for labels and relationship types."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import InvalidInput

__all__ = ["Ontology", "LabelDef", "RelDef", "HandlingCode", "ontology", "SOURCE_LABEL"]

SOURCE_LABEL = "Source"


@dataclass(frozen=True)
class LabelDef:
    name: str
    description: str
    colour: str
    icon: str
    key: tuple[str, ...] = ()
    key_only: bool = False
    identifiers: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)
    ftm: str = ""
    stix: str = ""


@dataclass(frozen=True)
class RelDef:
    name: str
    description: str
    pairs: tuple[tuple[str, str], ...]
    properties: dict[str, str] = field(default_factory=dict)

    def allows(self, subject: str, obj: str) -> bool:
        return any(s in ("*", subject) and o in ("*", obj) for s, o in self.pairs)


@dataclass(frozen=True)
class HandlingCode:
    code: str
    description: str
    rank: int


class Ontology:
    """Labels, relationship types, the pairs they join, and handling codes."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version = int(data.get("version", 1))
        self.labels: dict[str, LabelDef] = {name: _label(name, spec) for name, spec in data["labels"].items()}
        self.source: LabelDef = _label(SOURCE_LABEL, data["source_label"][SOURCE_LABEL])
        common = dict(data.get("claim_properties") or {})  # properties any claim may carry (stance)
        self.relationships: dict[str, RelDef] = {
            name: RelDef(
                name=name,
                description=spec["description"],
                pairs=tuple((str(a), str(b)) for a, b in spec["pairs"]),
                properties={**common, **dict(spec.get("properties") or {})},
            )
            for name, spec in data["relationships"].items()
        }
        self.handling: dict[str, HandlingCode] = {
            h["code"]: HandlingCode(h["code"], h["description"], rank) for rank, h in enumerate(data["handling"])
        }

    # -- allow-list -------------------------------------------------------------------------------
    def label(self, name: str) -> str:
        """Return ``name`` if it is an entity label, else refuse it (the only way a label reaches Cypher)."""
        if name not in self.labels:
            raise InvalidInput(f"unknown entity type {name[:60]!r}; known: {', '.join(self.labels)}")
        return name

    def rel(self, name: str) -> str:
        """Return ``name`` if it is a relationship type, else refuse it."""
        if name not in self.relationships:
            raise InvalidInput(f"unknown relationship type {name[:60]!r}; known: {', '.join(self.relationships)}")
        return name

    def node_label(self, name: str) -> str:
        return SOURCE_LABEL if name == SOURCE_LABEL else self.label(name)

    def check_pair(self, rel: str, subject_label: str, object_label: str) -> None:
        if not self.relationships[self.rel(rel)].allows(subject_label, object_label):
            raise InvalidInput(f"{rel} may not join {subject_label} to {object_label}")

    def handling_rank(self, code: str) -> int:
        if code not in self.handling:
            raise InvalidInput(f"unknown handling code {code[:20]!r}; known: {', '.join(self.handling)}")
        return self.handling[code].rank

    def display(self, label: str) -> LabelDef:
        return self.source if label == SOURCE_LABEL else self.labels[label]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view for the UI legend and API."""
        return {
            "labels": {
                n: {"description": d.description, "colour": d.colour, "icon": d.icon, "properties": d.properties}
                for n, d in [*self.labels.items(), (SOURCE_LABEL, self.source)]
            },
            "relationships": {
                n: {"description": r.description, "pairs": [list(p) for p in r.pairs]}
                for n, r in self.relationships.items()
            },
            "handling": {c: h.description for c, h in self.handling.items()},
        }


def _label(name: str, spec: dict[str, Any]) -> LabelDef:
    return LabelDef(
        name=name,
        description=spec["description"],
        colour=spec["colour"],
        icon=spec["icon"],
        key=tuple(spec.get("key") or ()),
        key_only=bool(spec.get("key_only", False)),
        identifiers=tuple(spec.get("identifiers") or ()),
        properties=dict(spec.get("properties") or {}),
        ftm=spec.get("ftm", ""),
        stix=spec.get("stix", ""),
    )


@lru_cache(maxsize=1)
def ontology() -> Ontology:
    """The project ontology (read once per process)."""
    text = resources.files(__package__).joinpath("schema.yaml").read_text(encoding="utf-8")
    return Ontology(yaml.safe_load(text))
