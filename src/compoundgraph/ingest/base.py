"""What every format reader shares: options, rejects, the items readers yield, file sources.

A reader is a function ``read(path, options, context) -> Iterator[Item]`` where an item is either a
``(record, where)`` pair (a Source, Entity or Claim and the line or record it came from) or a
:class:`Reject`. Readers check what they can locally (formats, checksums, dates); the runner checks that
every claim's ends exist and form a pair the ontology allows, so a bad row is rejected alone and never
breaks a write batch.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import CompoundGraphError, InvalidInput
from ..grades import Grade
from ..ids import normalize
from ..models import Claim, Entity, Source
from ..store.base import GraphStore

__all__ = ["Options", "Reject", "Item", "Context", "file_source", "sha256_file", "formula_like", "build", "RowError"]

# A spreadsheet cell that a spreadsheet program would evaluate: "=cmd|' /C calc'!A0", "@SUM(1+1)",
# "+HYPERLINK(...)", "-2+3*cmd|...". Phone numbers (+855 12...) and negative numbers are not formulas.
_FORMULA = re.compile(r"^\s*(=|@[^\s]*[(!|]|[+\-]\s*[A-Za-z(]|[+\-][^A-Za-z]*[*/+\-^&|][^A-Za-z]*[A-Za-z(|])")


def formula_like(value: str) -> bool:
    return bool(_FORMULA.match(value))


@dataclass
class Options:
    """What the user told ``ingest`` about the input (the CLI's flags)."""

    format: str | None = None
    source_grade: str = "F6"  # Admiralty grade of the file as a source when rows say nothing
    handling: str = "H1"
    dry_run: bool = False
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    kind: str | None = None
    mapping: str | None = None  # chain: mapping name or path
    chain: str | None = None  # chain: when the mapping and the rows do not say
    region: str | None = None  # phones without +country code in spreadsheets
    accept_fingerprint: str | None = None  # partner packages: accept (and trust) this signer key
    trust_path: Path | None = None  # partner packages: the trust store (default: the configured one)

    @property
    def grade(self) -> Grade:
        return Grade.parse(self.source_grade)


@dataclass(frozen=True)
class Reject:
    file: str
    where: str  # "line 12", "record 7", "sheet People row 4"
    field: str
    reason: str
    value: str = ""


class RowError(CompoundGraphError):
    """A row-level problem: which field and why (becomes a Reject)."""

    status = 422

    def __init__(self, field: str, reason: str, value: Any = "") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.value = "" if value is None else str(value)[:200]


Item = tuple[Source | Entity | Claim, str] | Reject
M = TypeVar("M", bound=BaseModel)


def build(kind: type[M], data: dict[str, Any], field_hint: str = "") -> M:
    """Validate a model; failures become RowError naming the field."""
    try:
        return kind.model_validate(data)
    except RowError:
        raise
    except CompoundGraphError as exc:
        raise RowError(field_hint or _field_of(exc.detail), exc.detail) from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or field_hint or kind.__name__.lower()
        raise RowError(loc, err["msg"]) from exc


def _field_of(detail: str) -> str:
    m = re.match(r"^([a-z_]+(?:\.[a-z_A-Z0-9]+)*)", detail)
    return m.group(1) if m else ""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_source(path: Path, options: Options, kind: str = "dataset", **fields: Any) -> Source:
    """The file itself as a source: keyed by its content hash, graded by ``--source-grade``."""
    data: dict[str, Any] = {
        "title": options.title or path.name,
        "publisher": options.publisher or "",
        "url": options.url or "",
        "published": options.published,
        "kind": options.kind or kind,
        "reliability": options.grade.reliability,
        "sha256": sha256_file(path),
        "handling": options.handling,
    }
    data.update({k: v for k, v in fields.items() if v})
    try:
        return Source.model_validate(data)
    except (CompoundGraphError, ValidationError) as exc:
        raise InvalidInput(f"cannot describe the file as a source: {exc}", where=str(path)) from exc


@dataclass
class Context:
    """Lookups readers need: the store (read-only) and what this run has produced so far."""

    store: GraphStore | None
    labels: dict[str, str] = field(default_factory=dict)  # id -> label of entities seen in this run
    by_name: dict[tuple[str, str], str] = field(default_factory=dict)  # (label, normalised name) -> id
    any_label: dict[str, str] = field(default_factory=dict)  # normalised name -> id (first seen)
    _store_labels: dict[str, str | None] = field(default_factory=dict)

    def remember(self, e: Entity) -> None:
        self.labels[e.id] = e.label
        for n in (e.name, *e.aliases):
            self.by_name.setdefault((e.label, normalize(n)), e.id)
            self.any_label.setdefault(normalize(n), e.id)

    def label_of(self, entity_id: str) -> str | None:
        """Label of an entity or source made in this run or already in the store."""
        if entity_id in self.labels:
            return self.labels[entity_id]
        if entity_id not in self._store_labels:
            found = self.store.node_labels([entity_id]) if self.store is not None else {}
            self._store_labels[entity_id] = found[entity_id].label if entity_id in found else None
        return self._store_labels[entity_id]

    def find(self, label: str | None, name: str) -> str | None:
        """An entity by exact id, or by name or alias (this run first, then the store's search)."""
        key = name.strip()
        if not key:
            return None
        if self.label_of(key) and (label is None or self.label_of(key) == label):
            return key
        norm = normalize(key)
        if label and (label, norm) in self.by_name:
            return self.by_name[(label, norm)]
        if not label and norm in self.any_label:
            return self.any_label[norm]
        if self.store is None or not norm:
            return None
        hits = [h for h in self.store.search(key, 10) if h.score >= 90 and (label is None or h.label == label)]
        if len(hits) == 1 or (hits and hits[0].score > hits[1].score):
            self._store_labels[hits[0].id] = hits[0].label
            return hits[0].id
        return None


def iter_nonempty(values: Iterator[Any]) -> Iterator[Any]:
    return (v for v in values if v not in (None, ""))
