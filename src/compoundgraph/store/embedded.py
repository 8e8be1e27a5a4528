"""The embedded store: one SQLite file (WAL, transactions) for one machine, offline, no server.

Entities, claims and sources live in SQLite; traversals are indexed SQL lookups; search candidates come
from an FTS5 trigram index, so substrings of any script (Burmese, Thai, Chinese) are found. Analytics get a
NetworkX projection through :meth:`GraphStore.to_networkx`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..errors import InvalidInput, NotFound, StoreUnavailable
from ..grades import Grade
from ..ids import normalize
from ..memory import gc_paused
from ..models import Claim, Entity, Source, check_claim_pair, fingerprint, record_json, trusted
from ..ontology import SOURCE_LABEL, ontology
from .base import ClaimFilter, GraphColumns, GraphStore, Node, Writer, merge_entity, search_text

__all__ = ["EmbeddedStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, label TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entities_label ON entities(label);
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, subject TEXT NOT NULL, object TEXT NOT NULL,
    subject_label TEXT NOT NULL, object_label TEXT NOT NULL, source TEXT NOT NULL,
    grade_r INTEGER NOT NULL, grade_c INTEGER NOT NULL, handling_rank INTEGER NOT NULL,
    valid_from TEXT, valid_to TEXT, fp TEXT NOT NULL, doc TEXT NOT NULL, s INTEGER, o INTEGER);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(id UNINDEXED, text, tokenize='trigram');
"""
# The claims' secondary indexes, by name: a large load drops and rebuilds them inside its own transaction
# (see _EmbeddedWriter), and opening a store creates any that are missing.
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
_CLAIM_COLUMNS = ("id, type, subject, object, subject_label, object_label, source, grade_r, grade_c, handling_rank, "
                  "valid_from, valid_to, fp, doc")
_CLAIM_INSERT = (
    f"INSERT OR REPLACE INTO claims({_CLAIM_COLUMNS}, s, o) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "(SELECT rowid FROM entities WHERE id = ?3), (SELECT rowid FROM entities WHERE id = ?4))"
)
_CLAIM_FPS = "SELECT id, fp FROM claims WHERE id IN (SELECT value FROM json_each(?))"  # a JSON list of ids
_INDEX_SQL = "".join(f"CREATE INDEX IF NOT EXISTS {name} {cols};\n" for name, cols in _CLAIM_INDEXES.items())
SCHEMA_VERSION = "2"

# The same claim filter as cypher/read/*.cypher, in SQL. ``{alias}`` is the claims table alias.
_FILTER = """
    (:n_rel = 0 OR {a}.type IN (SELECT value FROM json_each(:rel_types)))
    AND {a}.grade_r <= :min_r AND {a}.grade_c <= :min_c AND {a}.handling_rank <= :max_handling
    AND (:as_of IS NULL OR (({a}.valid_from IS NULL OR {a}.valid_from <= :as_of)
                            AND ({a}.valid_to IS NULL OR {a}.valid_to >= :as_of)))
    AND (:n_hidden = 0 OR ({a}.source NOT IN (SELECT value FROM json_each(:hidden_sources))
                           AND {a}.subject NOT IN (SELECT value FROM json_each(:hidden_sources))
                           AND {a}.object NOT IN (SELECT value FROM json_each(:hidden_sources))))
"""


def _params(flt: ClaimFilter, ids: Sequence[str] = ()) -> dict[str, Any]:
    p = flt.params()
    return {
        "rel_types": json.dumps(p["rel_types"]),
        "n_rel": len(p["rel_types"]),
        "types": json.dumps(p["entity_types"]),
        "n_types": len(p["entity_types"]),
        "min_r": p["min_r"],
        "min_c": p["min_c"],
        "max_handling": p["max_handling"],
        "as_of": p["as_of"],
        "hidden_sources": json.dumps(p["hidden_sources"]),
        "n_hidden": len(p["hidden_sources"]),
        "ids": json.dumps(list(ids)),
    }


# Rows were validated on the way in; reading them back skips validation (a hot path for traversals).
def _entity(doc: str) -> Entity:
    return trusted(Entity, orjson.loads(doc))


def _source(doc: str) -> Source:
    return trusted(Source, orjson.loads(doc))


def _claim(doc: str) -> Claim:
    return trusted(Claim, orjson.loads(doc))


class EmbeddedStore(GraphStore):
    kind = "embedded"

    def __init__(self, path: str | Path, batch_size: int = 5_000, supernode_threshold: int = 100) -> None:
        super().__init__(batch_size, supernode_threshold)
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._conns: list[sqlite3.Connection] = []
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # created private (0600) like the key file; SQLite gives its -wal and -shm files the same mode
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        self.init_schema()

    # -- connections -----------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        """One connection per thread (the API serves from a thread pool)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open embedded store {self.path}: {exc}") from exc
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("PRAGMA cache_size=-200000")
            # Reads through a memory map share the OS page cache: the API gives every worker thread its own
            # connection, and private page caches of ~200 MB each would stay cold (SQLite caps the map at 2 GB)
            conn.execute("PRAGMA mmap_size=8589934592")
            self._local.conn = conn
            self._conns.append(conn)
        return conn

    def init_schema(self) -> None:
        """Create what is missing; a store written by schema version 1 gains the claims' entity rowids."""
        db = self.db
        db.executescript(_SCHEMA)
        columns = {r[1] for r in db.execute("PRAGMA table_info(claims)")}
        with self._write_lock:
            if "s" not in columns:  # all or nothing: a failed upgrade leaves the store as it was
                try:
                    db.executescript(
                        "BEGIN IMMEDIATE; "
                        "ALTER TABLE claims ADD COLUMN s INTEGER; ALTER TABLE claims ADD COLUMN o INTEGER; "
                        "UPDATE claims SET s = (SELECT rowid FROM entities WHERE id = claims.subject), "
                        "o = (SELECT rowid FROM entities WHERE id = claims.object); COMMIT;"
                    )
                except sqlite3.Error as exc:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise StoreUnavailable(f"cannot upgrade embedded store {self.path} to schema 2: {exc}") from exc
            db.executescript(_INDEX_SQL)
            if db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() != (SCHEMA_VERSION,):
                db.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = "
                           "excluded.value", (SCHEMA_VERSION,))

    def close(self) -> None:
        for conn in self._conns:
            conn.close()
        self._conns.clear()
        self._local = threading.local()

    def info(self) -> dict[str, Any]:
        version = self.db.execute("select sqlite_version()").fetchone()[0]
        return {"kind": self.kind, "location": str(self.path), "server_version": f"SQLite {version}",
                "reachable": True}

    # -- writes ------------------------------------------------------------------------------------
    def writer(self, batch_size: int | None = None) -> Writer:
        return _EmbeddedWriter(self, batch_size or self.batch_size)

    def retract_source(self, source_id: str) -> dict[str, int]:
        with self._write_lock:
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                if not db.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone():
                    raise NotFound(f"no source with id {source_id[:80]!r}")
                touched = {
                    r[0]
                    for r in db.execute(
                        "SELECT subject FROM claims WHERE source = ? UNION SELECT object FROM claims WHERE source = ?",
                        (source_id, source_id),
                    )
                }
                claims = db.execute(
                    "DELETE FROM claims WHERE source = ? OR object = ?", (source_id, source_id)
                ).rowcount
                attested = [
                    _entity(doc)
                    for (doc,) in db.execute(
                        "SELECT doc FROM entities WHERE id IN (SELECT value FROM json_each(?)) "
                        "OR doc LIKE ?",
                        (json.dumps(sorted(touched)), f'%"{source_id}"%'),
                    )
                ]
                removed = 0
                for e in attested:
                    rest = [s for s in e.sources if s != source_id]
                    has_claims = db.execute(
                        "SELECT 1 FROM claims WHERE subject = ? OR object = ? LIMIT 1", (e.id, e.id)
                    ).fetchone()
                    if not rest and not has_claims:
                        db.execute("DELETE FROM entities WHERE id = ?", (e.id,))
                        db.execute("DELETE FROM search WHERE id = ?", (e.id,))
                        removed += 1
                    elif rest != e.sources:
                        doc = e.model_dump(mode="json")
                        doc["sources"] = rest
                        db.execute("UPDATE entities SET doc = ? WHERE id = ?", (json.dumps(doc), e.id))
                db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return {"claims": claims, "entities": removed, "sources": 1}

    def delete_all(self, confirm: bool = False) -> None:
        if not confirm:
            raise InvalidInput("delete_all needs confirm=True")
        with self._write_lock:
            self.db.executescript(
                "BEGIN; DELETE FROM claims; DELETE FROM entities; DELETE FROM sources; DELETE FROM search; COMMIT;"
            )

    # -- primitive reads ---------------------------------------------------------------------------
    def get_entities(self, ids: Sequence[str]) -> dict[str, Entity]:
        rows = self.db.execute(
            "SELECT doc FROM entities WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)
        )
        return {e.id: e for e in (_entity(doc) for (doc,) in rows)}

    def get_sources(self, ids: Sequence[str]) -> dict[str, Source]:
        rows = self.db.execute(
            "SELECT doc FROM sources WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)
        )
        return {s.id: s for s in (_source(doc) for (doc,) in rows)}

    def node_labels(self, ids: Sequence[str]) -> dict[str, Node]:
        j = json.dumps(list(ids))
        out = {
            i: Node(i, label, name)
            for i, label, name in self.db.execute(
                "SELECT id, label, name FROM entities WHERE id IN (SELECT value FROM json_each(?))", (j,)
            )
        }
        for i, doc in self.db.execute(
            "SELECT id, doc FROM sources WHERE id IN (SELECT value FROM json_each(?))", (j,)
        ):
            out[i] = Node(i, SOURCE_LABEL, json.loads(doc)["title"])
        return out

    def claims_of(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        sql = f"""
            SELECT c.doc FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a='c')}
            UNION
            SELECT c.doc FROM claims c WHERE c.object IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a='c')}
        """
        return [_claim(doc) for (doc,) in self.db.execute(sql, _params(flt, ids))]

    def neighbours(self, ids: Sequence[str], flt: ClaimFilter) -> set[str]:
        sql = f"""
            SELECT c.object FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a='c')}
            UNION
            SELECT c.subject FROM claims c WHERE c.object IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a='c')}
        """
        return {n for (n,) in self.db.execute(sql, _params(flt, ids))} - set(ids)

    def degrees(self, ids: Sequence[str], flt: ClaimFilter, above: int = 0) -> dict[str, int]:
        sql = f"""
            SELECT n, count(DISTINCT m) FROM (
              SELECT c.subject AS n, c.object AS m FROM claims c
              WHERE c.subject IN (SELECT value FROM json_each(:ids))
                AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
                AND {_FILTER.format(a='c')}
              UNION ALL
              SELECT c.object AS n, c.subject AS m FROM claims c
              WHERE c.object IN (SELECT value FROM json_each(:ids))
                AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
                AND {_FILTER.format(a='c')}
            ) WHERE n != m GROUP BY n
        """
        return {n: d for n, d in self.db.execute(sql, _params(flt, ids)).fetchall() if d > above}

    def claims_between(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        # "+c.object" keeps SQLite from probing the index once per (subject, object) pair of the two lists
        sql = f"""
            SELECT c.doc FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND +c.object IN (SELECT value FROM json_each(:ids)) AND {_FILTER.format(a='c')}
        """
        return [_claim(doc) for (doc,) in self.db.execute(sql, _params(flt, ids))]

    def search_candidates(self, query: str, limit: int) -> list[tuple[str, str, str, list[str], list[str]]]:
        q = normalize(query)
        ids: dict[str, None] = {}
        if len(q) >= 3:
            phrase = '"' + q.replace('"', '""') + '"'
            for (i,) in self.db.execute("SELECT id FROM search WHERE text MATCH ? LIMIT ?", (phrase, limit)):
                ids.setdefault(i, None)
            # typos: rows sharing trigrams with the query, best first
            grams = sorted({q[i : i + 3] for i in range(len(q) - 2)})
            fuzzy = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
            for (i,) in self.db.execute(
                "SELECT id FROM search WHERE text MATCH ? ORDER BY rank LIMIT ?", (fuzzy, limit)
            ):
                ids.setdefault(i, None)
        else:
            for (i,) in self.db.execute(
                "SELECT id FROM search WHERE text LIKE ? ESCAPE '\\' LIMIT ?",
                ("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", limit),
            ):
                ids.setdefault(i, None)
        if query.strip():
            row = self.db.execute("SELECT id FROM entities WHERE id = ?", (query.strip(),)).fetchone()
            if row:
                ids.setdefault(row[0], None)
        found = self.get_entities(list(ids))
        return [(e.id, e.label, e.name, e.aliases, e.identifiers) for e in found.values()]

    def match_candidates(self, queries: Sequence[str], limit: int, names: bool = True) -> list[list[str]]:
        """Per query, from the trigram index: rows holding every word of 3+ characters (any order, so a
        swapped or shortened name is found); then, while fewer than ``limit``, rows holding the first three
        letters of every such word ("Tan Weiming" finds "Tan Wei Ming", and a typo after
        the third letter is forgiven); failing both, rows holding the last three letters of every word (a typo
        early in a word); failing that, for three words or more, rows holding all words but one (a word the
        graph's name lacks). Each is a trigram lookup, never a ranking of everything that shares one common
        word. A query of short words only, and every identifier, is looked up as a phrase."""
        db = self.db
        out: list[list[str]] = []

        def quoted(words: list[str]) -> list[str]:
            return ['"' + w.replace('"', '""') + '"' for w in words]

        for query in queries:
            q = normalize(query)
            words = sorted({w for w in q.split() if len(w) >= 3}) if names else []
            ids: list[str] = []
            if not names and len(q) >= 3:
                ids = [i for (i,) in db.execute("SELECT id FROM search WHERE text MATCH ? LIMIT ?",
                                                (quoted([q])[0], limit))]
            elif words:
                ids = [i for (i,) in db.execute("SELECT id FROM search WHERE text MATCH ? LIMIT ?",
                                                (" AND ".join(quoted(words)), limit))]
                heads = sorted({w[:3] for w in words})
                if len(ids) < limit and len(words) > 1 and heads != words:
                    ids += [i for (i,) in db.execute(  # unranked: bm25 over every match costs 5x the lookup
                        "SELECT id FROM search WHERE text MATCH ? LIMIT ?", (" AND ".join(quoted(heads)), limit))]
                tails = sorted({w[-3:] for w in words})
                if not ids and len(words) > 1 and tails != words:
                    ids = [i for (i,) in db.execute(
                        "SELECT id FROM search WHERE text MATCH ? LIMIT ?", (" AND ".join(quoted(tails)), limit))]
                if not ids and len(words) >= 3:  # a word the graph's name lacks ("Lotus Registry Holdings")
                    for skip in words:
                        ids += [i for (i,) in db.execute("SELECT id FROM search WHERE text MATCH ? LIMIT ?", (
                            " AND ".join(quoted([w for w in words if w != skip])), limit))]
            elif len(q) >= 3:  # "li li": the trigram index serves LIKE on three characters or more
                ids = [i for (i,) in db.execute(
                    "SELECT id FROM search WHERE text LIKE ? ESCAPE '\\' LIMIT ?",
                    ("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", limit))]
            out.append(list(dict.fromkeys(ids)))
        return out

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "labels": dict(self.db.execute("SELECT label, count(*) FROM entities GROUP BY label ORDER BY label")),
            "relationships": dict(self.db.execute("SELECT type, count(*) FROM claims GROUP BY type ORDER BY type")),
            "sources": {SOURCE_LABEL: self.db.execute("SELECT count(*) FROM sources").fetchone()[0]},
        }

    def iter_sources(self) -> Iterator[Source]:
        for (doc,) in self.db.execute("SELECT doc FROM sources ORDER BY id"):
            yield _source(doc)

    def iter_entities(self) -> Iterator[Entity]:
        for (doc,) in self.db.execute("SELECT doc FROM entities ORDER BY id"):
            yield _entity(doc)

    def iter_claims(self, flt: ClaimFilter | None = None) -> Iterator[Claim]:
        flt = flt or ClaimFilter()
        p = _params(flt)
        sql = f"""SELECT c.doc FROM claims c WHERE {_FILTER.format(a='c')}
                  AND (:n_types = 0 OR (c.subject_label IN (SELECT value FROM json_each(:types))
                                        AND c.object_label IN (SELECT value FROM json_each(:types))))
                  ORDER BY c.id"""
        for (doc,) in self.db.execute(sql, p):
            yield _claim(doc)

    def graph_columns(self, flt: ClaimFilter | None = None) -> GraphColumns:
        """Two scans: the entities, and the covering index claims_projection, whose entity rowids and
        fingerprints come back as one string per column and type (no Python object per claim). A string
        may hold up to SQLite's 1 GB limit: about 40 million claims of one type, four times the largest
        synthetic world (10 million transfers)."""
        flt = flt or ClaimFilter()
        p = _params(flt)
        db = self.db
        own = not db.in_transaction
        if own:
            db.execute("BEGIN")  # one snapshot for both scans
        try:
            with gc_paused():  # a hundred thousand entity rows would trigger full collections for nothing
                ents = db.execute("SELECT rowid, id, label, name FROM entities WHERE :n_types = 0 "
                                  "OR label IN (SELECT value FROM json_each(:types))", p).fetchall()
                groups = db.execute(
                    f"""SELECT type, group_concat(c.s, ' '), group_concat(c.o, ' '), group_concat(c.fp, '')
                        FROM claims c
                        WHERE c.s IS NOT NULL AND c.o IS NOT NULL AND {_FILTER.format(a='c')}
                        AND (:n_types = 0 OR (c.subject_label IN (SELECT value FROM json_each(:types))
                                              AND c.object_label IN (SELECT value FROM json_each(:types))))
                        GROUP BY c.type""", p).fetchall()
        finally:
            if own:
                db.execute("COMMIT")

        def ints(column: int) -> np.ndarray:
            text = " ".join(g[column] for g in groups)
            return np.fromstring(text, dtype=np.int64, sep=" ") if text else np.zeros(0, np.int64)

        return GraphColumns.from_keys(
            np.fromiter((r[0] for r in ents), dtype=np.int64, count=len(ents)),
            [r[1] for r in ents], [r[2] for r in ents], [r[3] for r in ents],
            ints(1), ints(2), "".join(g[3] for g in groups),
        )


class _EmbeddedWriter(Writer):
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
        self.count(created=sum(s.id not in old_src for s in sources),
                   updated=sum(s.id in old_src for s in new_src),
                   unchanged=len(sources) - len(new_src))
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
                field, ref = next((f, r) for f, r in (("subject", c.subject), ("object", c.object),
                                                      ("source", c.source)) if r not in known)
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
            rows.append((c.id, c.type, c.subject, c.object, s_label, o_label, c.source, g.r, g.c,
                         ont.handling_rank(c.handling), c.valid_from, c.valid_to, fp, doc.decode()))
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
