"""Writers that fill the importer's CSV files instead of a database.

A :class:`SinkWriter` is a :class:`~compoundgraph.store.base.Writer` (the same batching, the same merging
of repeated ids within a batch); it hands its batches to one :class:`BulkSink` per run, which takes the
records the transactional writer would take and ends with the graph that writer would have built in an
empty database:

- sources: the last record of an id wins (the writer replaces a source whole);
- entities: the first record of an id is written to its labels' CSV file as it comes (a proposal's file is also
  labelled ``Proposed``, as the transactional writer labels it); every record also
  goes to a SQLite scratch file (as its canonical JSON, with where its row is), and an id seen again is
  noted there. At the end the records of each noted id are folded in arrival order with the writer's own
  upsert rule, :func:`~compoundgraph.store.base.merge_entity`, the folded entity is written and the first
  row cut out (only the repeated ids are read back, so memory does not grow with the number of records);
- claims: each is written to its type's CSV file as it comes (with the fingerprint and the properties the
  Neo4j store gives it, :mod:`.rows`), and its id, file position and length go to the scratch file; at the
  end, a claim id seen more than once keeps only its last row (the writer overwrites a claim with the same id).

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
from ..store.filters import PROPOSED_LABEL, is_proposal
from ..store.neo4j import source_props
from .csvfiles import ImportFiles, text_cell
from .rows import CLAIM_COLUMNS, ENTITY_COLUMNS, claim_head, entity_head

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
        # every entity record; where its row is for the first record of an id (the only one written at once)
        self.db.execute("CREATE TABLE entities (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, doc BLOB NOT NULL, at, len)")
        self.db.execute("CREATE TABLE repeated (id TEXT PRIMARY KEY) WITHOUT ROWID")  # entity ids seen again
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
        rows: list[tuple[str, bytes, int | None, int | None]] = []
        again: list[tuple[str]] = []
        for e in entities:
            for cited in e.sources:
                if labels.get(cited) != SOURCE_LABEL:
                    self._check_later(cited, None, f"entity {e.id} cites source {cited}")
            known = labels.get(e.id)
            if known is None:
                created += 1
                labels[e.id] = e.label
                at, length = self.files.add_node(_entity_labels(e), entity_head(e), e.properties, ENTITY_COLUMNS)
                rows.append((e.id, record_json(e), at, length))
                continue
            if known != e.label:
                raise InvalidInput(f"entity {e.id} is a {known}; a record says {e.label}")
            updated += 1
            rows.append((e.id, record_json(e), None, None))
            again.append((e.id,))
        self.db.executemany("INSERT INTO entities (id, doc, at, len) VALUES (?, ?, ?, ?)", rows)
        self.db.executemany("INSERT OR IGNORE INTO repeated VALUES (?)", again)
        spans = []
        add_rel = self.files.add_rel
        for c in claims:
            source, subject, obj = labels.get(c.source), labels.get(c.subject), labels.get(c.object)
            if source is None or subject is None or obj is None:
                self._check_later(c.source, c, f"claim {c.id}")
            else:
                _check_claim(c, source, subject, obj)
            at, length = add_rel(c.type, claim_head(c, fingerprint(record_json(c))), c.properties, CLAIM_COLUMNS)
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
        """Fold the repeated entities, write the sources, drop superseded rows, write the headers; the
        importer's file arguments and the files with multi-line values."""
        self._check_references()
        self.db.execute("CREATE TEMP TABLE gone (kind TEXT NOT NULL, key TEXT NOT NULL, at INTEGER, len INTEGER)")
        for s in self.sources.values():
            props = source_props(s)
            del props["id"]
            self.files.add_node(f"Node:{SOURCE_LABEL}", text_cell(s.id), props)
        self._fold_repeated()
        self._supersede_claims()
        self._drop_gone()
        self.db.execute("COMMIT")
        self.db.close()
        return self.files.close()

    def _fold_repeated(self) -> None:
        """Each entity seen more than once: its records merged in arrival order, as the writer's upserts
        would, written as one row; the row of its first record goes."""
        gone = []
        for e, first_spec, at, length in self._folded():
            gone.append(("nodes", first_spec, at, length))
            self.files.add_node(_entity_labels(e), entity_head(e), e.properties, ENTITY_COLUMNS)
            if len(gone) >= 5_000:
                self.db.executemany("INSERT INTO gone VALUES (?, ?, ?, ?)", gone)
                gone.clear()
        self.db.executemany("INSERT INTO gone VALUES (?, ?, ?, ?)", gone)

    def _folded(self) -> Iterator[tuple[Entity, str, int, int]]:
        """The repeated entities folded, each with where the row of its first record is: the labels of its
        file (a proposal's first record may be accepted by a later one: another file) and its span."""
        current: Entity | None = None
        first: tuple[str, int, int] = ("", 0, 0)
        rows = self.db.execute(
            "SELECT doc, at, len FROM entities WHERE id IN (SELECT id FROM repeated) ORDER BY id, seq"
        )
        for doc, at, length in rows:
            e = trusted(Entity, orjson.loads(doc))
            if current is not None and current.id == e.id:
                current = merge_entity(current, e)
                continue
            if current is not None:
                yield current, *first
            current, first = e, (_entity_labels(e), at, length)
        if current is not None:
            yield current, *first

    def _supersede_claims(self) -> None:
        """A claim id written more than once keeps its last row."""
        if self.claims_written < 2:
            return
        self.db.execute("CREATE INDEX claims_id ON claims (id)")
        self.db.execute(
            "INSERT INTO gone SELECT 'rels', c.type, c.at, c.len FROM claims c JOIN "
            "(SELECT id, max(rowid) AS last FROM claims GROUP BY id HAVING count(*) > 1) d "
            "ON c.id = d.id AND c.rowid <> d.last"
        )

    def _drop_gone(self) -> None:
        """Cut the rows noted as gone out of their files."""
        for kind, key in self.db.execute("SELECT DISTINCT kind, key FROM gone ORDER BY kind, key").fetchall():
            spans = self.db.execute("SELECT at, len FROM gone WHERE kind = ? AND key = ? ORDER BY at", (kind, key))
            removed = self.files.drop_rows(kind, key, ((int(a), int(n)) for a, n in spans))
            if kind == "rels":
                self.superseded += removed
        self.created -= self.superseded
        self.updated += self.superseded


def _entity_labels(e: Entity) -> str:
    """The node labels of an entity's file (``Node:Entity:Wallet``, and ``:Proposed`` for a proposal, as the
    transactional writer labels it)."""
    return f"Node:Entity:{e.label}:{PROPOSED_LABEL}" if is_proposal(e.properties) else f"Node:Entity:{e.label}"


def _check_claim(c: Claim, source: str, subject: str, obj: str) -> None:
    """What the server checks for the transactional writer, with its messages."""
    if source != SOURCE_LABEL:
        raise InvalidInput(f"claim.source {c.source!r} is not a source")
    check_claim_pair(c, subject, obj)
