"""The batching writer both stores extend, and the upsert rule they share (:func:`merge_entity`)."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from ..errors import InvalidInput
from ..models import Claim, Entity, Source
from .results import WriteSummary

__all__ = ["Writer", "merge_entity"]


class Writer(abc.ABC):
    """Collects records and flushes them in batches; leaving the block flushes (or discards on error)."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self._sources: list[Source] = []
        self._entities: list[Entity] = []
        self._claims: list[Claim] = []
        self.summary = WriteSummary()

    def add(self, record: Source | Entity | Claim) -> None:
        if isinstance(record, Claim):  # claims first: most of any large load
            self._claims.append(record)
        elif isinstance(record, Entity):
            self._entities.append(record)
        elif isinstance(record, Source):
            self._sources.append(record)
        else:  # pragma: no cover - typed callers
            raise InvalidInput(f"cannot write a {type(record).__name__}")
        if len(self._sources) + len(self._entities) + len(self._claims) >= self.batch_size:
            self._flush_full()

    def _flush_full(self) -> None:
        """A batch is full. A writer that can write in the background overrides this; :meth:`flush`
        itself returns only when what it flushed is written."""
        self.flush()

    def add_all(self, records: Iterable[Source | Entity | Claim]) -> None:
        for record in records:
            self.add(record)

    def flush(self) -> None:
        """Write what is pending: sources, then entities, then claims (claims need their endpoints)."""
        if not (self._sources or self._entities or self._claims):
            return
        sources, entities, claims = self._sources, self._entities, self._claims
        self._sources, self._entities, self._claims = [], [], []
        self._write(_dedupe(sources), _merge_entities(entities), _dedupe(claims))
        self.summary += WriteSummary(len(sources), len(entities), len(claims))

    def count(self, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        self.summary.created += created
        self.summary.updated += updated
        self.summary.unchanged += unchanged

    @abc.abstractmethod
    def _write(self, sources: list[Source], entities: list[Entity], claims: list[Claim]) -> None: ...

    def close(self) -> None:  # noqa: B027 - a hook, empty by default
        """Called on leaving the block without error, after the last flush."""

    def discard(self) -> None:
        self._sources, self._entities, self._claims = [], [], []

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.flush()
            self.close()
        else:
            self.discard()


def _dedupe(records: list[Any]) -> list[Any]:
    return list({r.id: r for r in records}.values())


def _merge_entities(entities: list[Entity]) -> list[Entity]:
    """Two records for one id within a batch merge as they would across batches."""
    out: dict[str, Entity] = {}
    for e in entities:
        out[e.id] = merge_entity(out[e.id], e) if e.id in out else e
    return list(out.values())


def merge_entity(old: Entity, new: Entity) -> Entity:
    """Upsert rule shared by both stores: lists unite, new properties win, dates widen."""
    if old.label != new.label:
        raise InvalidInput(f"entity {new.id} is a {old.label}; a record says {new.label}")
    return Entity(
        id=old.id,
        label=old.label,
        name=new.name,
        aliases=sorted({*old.aliases, *new.aliases, old.name} - {new.name}),
        identifiers=sorted({*old.identifiers, *new.identifiers}),
        properties={**old.properties, **new.properties},
        sources=sorted({*old.sources, *new.sources}),
        first_seen=_min(old.first_seen, new.first_seen),
        last_seen=_max(old.last_seen, new.last_seen),
        referents=sorted({*old.referents, *new.referents}),
    )


def _min(a: str | None, b: str | None) -> str | None:
    return min(x for x in (a, b) if x) if (a or b) else None


def _max(a: str | None, b: str | None) -> str | None:
    return max(x for x in (a, b) if x) if (a or b) else None
