"""Writers that fill the importer's CSV files instead of a database.

A :class:`SinkWriter` is a :class:`~compoundgraph.store.base.Writer` (the same batching, the same merging
of repeated ids within a batch); it hands its batches to one :class:`BulkSink` per run, which takes the
records the transactional writer would take and ends with the graph that writer would have built in an
empty database:

- sources: the last record of an id wins (the writer replaces a source whole);
- entities: every record is kept in a SQLite scratch file, and at the end the records of each id are
  folded in arrival order with the writer's own upsert rule, :func:`~compoundgraph.store.base.merge_entity`
  (a sort by (id, arrival) on disk, so memory does not grow with the number of records);
- claims: each is written to its type's CSV file as it comes (with the fingerprint and the properties the
  Neo4j store gives it), and its id, file position and length go to the scratch file; at the end, a claim id
  seen more than once keeps only its last row (the writer overwrites a claim with the same id).

The checks the server makes for the transactional writer are made here, with the same messages: an
entity keeps its type, entities cite sources that exist, a claim's source is a source and its ends exist
and are a pair the ontology allows. To make them, the writer keeps each node's id and label in memory
(about 100-150 bytes a node); nothing of a claim stays in memory after its batch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson

from ..errors import InvalidInput
from ..models import Claim, Entity, Source, check_claim_pair, fingerprint, record_json, trusted
from ..ontology import SOURCE_LABEL
from ..store.base import Writer, merge_entity
from ..store.neo4j import claim_props, entity_props, source_props
from .csvfiles import ImportFiles

__all__ = ["BulkSink", "SinkWriter"]


class SinkWriter(Writer):
    """What ``store.writer()`` returns during a bulk run: batches go to the run's sink."""

    def __init__(self, sink: BulkSink, batch_size: int) -> None:
        super().__init__(batch_size)
        self.sink = sink

    def _write(self, sources: list[Source], entities: list[Entity], claims: list[Claim]) -> None:
        self.count(*self.sink.write(sources, entities, claims))


class BulkSink:
    """Stage records for ``neo4j-admin database import``; :meth:`finish` writes the last files."""

    def __init__(self, directory: Path) -> None:
        self.created = self.updated = self.unchanged = 0
        self.files = ImportFiles(directory.resolve() / "csv")
        self.labels: dict[str, str] = {}  # node id -> label (sources: "Source")
        self.sources: dict[str, Source] = {}
        self.db = sqlite3.connect(directory / "scratch.sqlite", isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE", "cache_size=-65536"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("CREATE TABLE entities (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, doc BLOB NOT NULL)")
        self.db.execute("CREATE TABLE claims (id TEXT NOT NULL, type TEXT NOT NULL, at INTEGER, len INTEGER)")
        # references to nodes not seen yet (a later line or file may define them): checked at the end
        self.db.execute("CREATE TABLE later (ref TEXT NOT NULL, claim BLOB, what TEXT NOT NULL)")
        self.db.execute("BEGIN")
        self.claims_written = 0
        self.superseded = 0

    def write(self, sources: list[Source], entities: list[Entity], claims: list[Claim]) -> tuple[int, int, int]:
        """One batch (already merged within itself); (created, updated, unchanged) as far as known."""
        created = updated = unchanged = 0
        labels = self.labels
        for s in sources:
            known = labels.get(s.id)
            if known is not None and known != SOURCE_LABEL:
                raise InvalidInput(f"source {s.id} is an entity ({known}) elsewhere in the input")
            old = self.sources.get(s.id)
            created += old is None
            updated += old is not None and old != s
            unchanged += old is not None and old == s
            self.sources[s.id] = s
            labels[s.id] = SOURCE_LABEL
        rows = []
        for e in entities:
            for cited in e.sources:
                if labels.get(cited) != SOURCE_LABEL:
                    self._check_later(cited, None, f"entity {e.id} cites source {cited}")
            known = labels.get(e.id)
            if known is not None and known != e.label:
                raise InvalidInput(f"entity {e.id} is a {known}; a record says {e.label}")
            created += known is None
            updated += known is not None
            labels[e.id] = e.label
            rows.append((e.id, record_json(e)))
        self.db.executemany("INSERT INTO entities (id, doc) VALUES (?, ?)", rows)
        spans = []
        add_rel = self.files.add_rel
        for c in claims:
            source, subject, obj = labels.get(c.source), labels.get(c.subject), labels.get(c.object)
            if source is None or subject is None or obj is None:
                self._check_later(c.source, c, f"claim {c.id}")
            else:
                _check_claim(c, source, subject, obj)
            at, length = add_rel(c.type, c.subject, c.object, claim_props(c, fingerprint(record_json(c))))
            spans.append((c.id, c.type, at, length))
        self.db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?)", spans)
        self.claims_written += len(claims)
        created += len(claims)
        self.created += created
        self.updated += updated
        self.unchanged += unchanged
        return created, updated, unchanged

    def _check_later(self, ref: str, claim: Claim | None, what: str) -> None:
        self.db.execute("INSERT INTO later VALUES (?, ?, ?)", (ref, record_json(claim) if claim else None, what))

    def _check_references(self) -> None:
        """The references that were not known when their record came: every one must be known now."""
        labels = self.labels
        for ref, doc, what in self.db.execute("SELECT ref, claim, what FROM later"):
            if doc is None:
                if labels.get(ref) != SOURCE_LABEL:
                    raise InvalidInput(f"{what}, which is in none of the files (nor in the store)")
                continue
            c = trusted(Claim, orjson.loads(doc))
            for field, end in (("source", c.source), ("subject", c.subject), ("object", c.object)):
                if end not in labels:
                    raise InvalidInput(f"{what}: its {field} {end[:80]!r} is in none of the files (nor in the store)")
            _check_claim(c, labels[c.source], labels[c.subject], labels[c.object])

    def discard(self) -> None:
        self.files.discard()
        self.db.close()

    # -- the end -------------------------------------------------------------------------------------
    def finish(self) -> tuple[list[str], list[str]]:
        """Fold the entities, write the sources, drop superseded claim rows, write the headers; the
        importer's file arguments and the files with multi-line values."""
        self._check_references()
        for s in self.sources.values():
            self.files.add_node(f"Node:{SOURCE_LABEL}", s.id, source_props(s))
        for e in self._folded():
            self.files.add_node(f"Node:Entity:{e.label}", e.id, entity_props(e))
        self._drop_superseded()
        self.db.execute("COMMIT")
        self.db.close()
        return self.files.close()

    def _folded(self) -> Iterator[Entity]:
        """Each entity once: its records merged in arrival order, as the writer's upserts would."""
        current: Entity | None = None
        for _id, doc in self.db.execute("SELECT id, doc FROM entities ORDER BY id, seq"):
            e = trusted(Entity, orjson.loads(doc))
            if current is not None and current.id == e.id:
                current = merge_entity(current, e)
                continue
            if current is not None:
                yield current
            current = e
        if current is not None:
            yield current

    def _drop_superseded(self) -> None:
        """A claim id written more than once keeps its last row."""
        if self.claims_written < 2:
            return
        self.db.execute("CREATE INDEX claims_id ON claims (id)")
        self.db.execute(
            "CREATE TEMP TABLE gone AS SELECT c.type, c.at, c.len FROM claims c JOIN "
            "(SELECT id, max(rowid) AS last FROM claims GROUP BY id HAVING count(*) > 1) d "
            "ON c.id = d.id AND c.rowid <> d.last"
        )
        types = [t for (t,) in self.db.execute("SELECT DISTINCT type FROM gone ORDER BY type")]
        for rel in types:
            spans = self.db.execute("SELECT at, len FROM gone WHERE type = ? ORDER BY at", (rel,))
            self.superseded += self.files.drop_rows(rel, ((int(a), int(n)) for a, n in spans))
        self.created -= self.superseded
        self.updated += self.superseded


def _check_claim(c: Claim, source: str, subject: str, obj: str) -> None:
    """What the server checks for the transactional writer, with its messages."""
    if source != SOURCE_LABEL:
        raise InvalidInput(f"claim.source {c.source!r} is not a source")
    check_claim_pair(c, subject, obj)
