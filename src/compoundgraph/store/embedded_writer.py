"""The embedded store's writer: batches into one long SQLite transaction, its claim statements and the
claims' secondary indexes (dropped and rebuilt around a large first load)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import orjson

from ..errors import InvalidInput
from ..grades import Grade
from ..models import Claim, Entity, Source, check_claim_pair, fingerprint, record_json
from ..ontology import SOURCE_LABEL, ontology
from .match_keys import entity_keys
from .ranking import search_text
from .writer import Writer, merge_entity

if TYPE_CHECKING:
    from .embedded import EmbeddedStore

__all__ = ["EmbeddedWriter"]

# The claims' secondary indexes, by name: a large load drops and rebuilds them inside its own transaction
# (see EmbeddedWriter), and opening a store creates any that are missing.
# ``s`` / ``o`` are the rowids of the claim's subject and object entities (NULL for a source), filled in by
# the insert itself: entities keep their rowid on update, and one goes only when no claim refers to it.
# claims_projection covers graph_columns, which reads the whole graph as integers and fingerprints without
# touching the table's documents.
_CLAIM_INDEXES = {
    "claims_subject_object": "ON claims(subject, object, object_label)",
    "claims_projection": "ON claims(type, s, o, fp, grade_r, grade_c, handling_rank, valid_from, valid_to, "
    "subject_label, object_label)",
    "claims_object_subject": "ON claims(object, subject, subject_label)",
    "claims_source": "ON claims(source)",
    "claims_type": "ON claims(type)",
}
# A claim row: the columns up to ``doc`` as the writer makes them; ``s`` / ``o`` are looked up here.
_CLAIM_COLUMNS = (
    "id, type, subject, object, subject_label, object_label, source, grade_r, grade_c, handling_rank, "
    "valid_from, valid_to, fp, doc"
)
_CLAIM_INSERT = (
    f"INSERT OR REPLACE INTO claims({_CLAIM_COLUMNS}, s, o) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "(SELECT rowid FROM entities WHERE id = ?3), (SELECT rowid FROM entities WHERE id = ?4))"
)
_CLAIM_FPS = "SELECT id, fp FROM claims WHERE id IN (SELECT value FROM json_each(?))"  # a JSON list of ids
_INDEX_SQL = "".join(f"CREATE INDEX IF NOT EXISTS {name} {cols};\n" for name, cols in _CLAIM_INDEXES.items())


class EmbeddedWriter(Writer):
    """Batches land in one SQLite transaction that stays open across flushes.

    It commits every ``commit_every`` records and when the writer closes; an error or ``discard()`` rolls
    back what is not committed yet. Few, large commits matter here: every commit writes each index page
    the batch touched to the WAL, and a batch of random claim ids touches nearly one page per claim.

    A large load - more claims than the store held when the writer started, and at least
    ``_DEFER_AFTER`` - drops the claims' secondary indexes and rebuilds them just before its last commit,
    all inside the one transaction: rebuilding an index costs a fraction of maintaining it row by row, and
    other connections keep seeing the committed store, indexes and all, until the load commits.
    """

    commit_every = 50_000
    _DEFER_AFTER = 50_000

    def __init__(self, store: EmbeddedStore, batch_size: int) -> None:
        super().__init__(batch_size)
        self.store = store
        self._db: sqlite3.Connection | None = None
        self._pending = 0  # records written since the last commit
        self._claims_before: int | None = None  # rows in the claims table when the writer started
        self._inserted = 0  # claims this writer inserted
        self._deferred = False  # secondary claim indexes dropped until the commit
        self._labels: dict[str, str] = {}  # ends known to exist in this transaction

    def _write(self, sources: list[Source], entities: list[Entity], claims: list[Claim]) -> None:
        store = self.store
        with store._write_lock:
            if self._db is None:
                self._db = store.db  # one connection for the writer's life (it holds the transaction)
            db = self._db
            if not db.in_transaction:
                db.execute("BEGIN IMMEDIATE")
                self._labels.clear()
            try:
                self._write_sources(db, sources)
                self._write_entities(db, entities)
                self._write_claims(db, claims)
            except BaseException:
                self._rollback()
                raise
            self._pending += len(sources) + len(entities) + len(claims)
            if self._pending >= self.commit_every and not self._deferred:
                self._commit()

    def close(self) -> None:
        with self.store._write_lock:
            self._commit()

    def discard(self) -> None:
        super().discard()
        with self.store._write_lock:
            self._rollback()

    def _commit(self) -> None:
        db = self._db
        if db is None or not db.in_transaction:
            return
        try:
            if self._deferred:
                for name, cols in _CLAIM_INDEXES.items():
                    db.execute(f"CREATE INDEX IF NOT EXISTS {name} {cols}")
            db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        self._deferred = False
        self._pending = 0
        self._labels.clear()

    def _rollback(self) -> None:
        db = self._db
        if db is not None and db.in_transaction:
            db.execute("ROLLBACK")
        self._deferred = False  # the rollback brought the indexes back
        self._pending = 0
        self._labels.clear()

    def _write_sources(self, db: sqlite3.Connection, sources: list[Source]) -> None:
        if not sources:
            return
        old_src = self.store.get_sources([s.id for s in sources])
        new_src = [s for s in sources if old_src.get(s.id) != s]
        self.count(
            created=sum(s.id not in old_src for s in sources),
            updated=sum(s.id in old_src for s in new_src),
            unchanged=len(sources) - len(new_src),
        )
        db.executemany(
            "INSERT INTO sources(id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            [(s.id, s.model_dump_json()) for s in new_src],
        )
        self._labels.update((s.id, SOURCE_LABEL) for s in sources)

    def _write_entities(self, db: sqlite3.Connection, entities: list[Entity]) -> None:
        if not entities:
            return
        store = self.store
        cited = sorted({s for e in entities for s in e.sources} - self._labels.keys())
        if cited:
            found = store.get_sources(cited)
            missing = set(cited) - set(found)
            if missing:
                raise InvalidInput(f"entities cite sources not in the store: {', '.join(sorted(missing)[:5])}")
            self._labels.update(dict.fromkeys(found, SOURCE_LABEL))
        old = store.get_entities([e.id for e in entities])
        rows = []
        for e in entities:
            merged = merge_entity(old[e.id], e) if e.id in old else e
            if e.id in old and merged == old[e.id]:
                self.count(unchanged=1)
                continue
            self.count(created=int(e.id not in old), updated=int(e.id in old))
            rows.append(merged)
        db.executemany(
            "INSERT INTO entities(id, label, name, doc) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
            "SET label = excluded.label, name = excluded.name, doc = excluded.doc",
            [(e.id, e.label, e.name, record_json(e).decode()) for e in rows],
        )
        db.executemany("DELETE FROM search WHERE id = ?", [(e.id,) for e in rows if e.id in old])
        db.executemany("INSERT INTO search(id, text) VALUES (?, ?)", [(e.id, search_text(e)) for e in rows])
        gone: list[tuple[str, str]] = []
        added: list[tuple[str, str]] = []
        for e in rows:
            keys = entity_keys(e)
            before = entity_keys(old[e.id]) if e.id in old else set()
            gone += [(k, e.id) for k in before - keys]
            added += [(k, e.id) for k in keys - before]
        db.executemany("DELETE FROM match_keys WHERE key = ? AND id = ?", gone)
        db.executemany("INSERT OR IGNORE INTO match_keys(key, id) VALUES (?, ?)", added)
        self._labels.update((e.id, e.label) for e in entities)

    def _write_claims(self, db: sqlite3.Connection, claims: list[Claim]) -> None:
        if not claims:
            return
        known = self._labels
        ends = {i for c in claims for i in (c.subject, c.object, c.source)} - known.keys()
        if ends:
            known.update((n.id, n.label) for n in self.store.node_labels(sorted(ends)).values())
        existing = dict(
            db.execute(
                _CLAIM_FPS,
                (orjson.dumps([c.id for c in claims]).decode(),),
            )
        )
        if not self._deferred and len(existing) < len(claims):
            self._maybe_defer(db, len(claims) - len(existing))
        ont = ontology()
        rows = []
        unchanged = 0
        for c in claims:
            s_label, o_label, src_label = known.get(c.subject), known.get(c.object), known.get(c.source)
            if s_label is None or o_label is None or src_label is None:
                field, ref = next(
                    (f, r)
                    for f, r in (("subject", c.subject), ("object", c.object), ("source", c.source))
                    if r not in known
                )
                raise InvalidInput(f"claim {c.type} refers to {field} {ref[:80]!r}, which is not in the store")
            if src_label != SOURCE_LABEL:
                raise InvalidInput(f"claim.source {c.source!r} is not a source")
            check_claim_pair(c, s_label, o_label)
            doc = record_json(c)
            fp = fingerprint(doc)  # claim_fingerprint(c), from the bytes stored below
            if existing and existing.get(c.id) == fp:
                unchanged += 1
                continue
            g = Grade.parse(c.grade)
            rows.append(
                (
                    c.id,
                    c.type,
                    c.subject,
                    c.object,
                    s_label,
                    o_label,
                    c.source,
                    g.r,
                    g.c,
                    ont.handling_rank(c.handling),
                    c.valid_from,
                    c.valid_to,
                    fp,
                    doc.decode(),
                )
            )
        updated = sum(1 for r in rows if r[0] in existing) if existing else 0
        self.count(created=len(rows) - updated, updated=updated, unchanged=unchanged)
        db.executemany(_CLAIM_INSERT, rows)

    def _maybe_defer(self, db: sqlite3.Connection, new_claims: int) -> None:
        """Drop the secondary claim indexes once this load outgrows what the store held (see the class)."""
        if self._claims_before is None:
            # max(rowid) is the table's size or more, read from the b-tree's edge (count(*) scans it)
            self._claims_before = db.execute("SELECT coalesce(max(rowid), 0) FROM claims").fetchone()[0]
        self._inserted += new_claims
        if self._inserted >= max(self._DEFER_AFTER, self._claims_before or 0):
            for name in _CLAIM_INDEXES:
                db.execute(f"DROP INDEX IF EXISTS {name}")
            self._deferred = True
