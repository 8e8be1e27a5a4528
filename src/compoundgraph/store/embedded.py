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
from ..ids import normalize
from ..memory import gc_paused
from ..models import Claim, Entity, Source, trusted
from ..ontology import SOURCE_LABEL
from .base import ClaimFilter, GraphColumns, GraphStore, Node, Writer
from .embedded_writer import _INDEX_SQL, EmbeddedWriter

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
SCHEMA_VERSION = "2"

# The same claim filter as cypher/fragments/claim_filter.cypher, in SQL. ``{alias}`` is the claims table alias.
# A bound at its "any" value (6, 6, 99) is decided without the row: SQLite then reads the claim's row only
# when a test needs it (an unfiltered degree count stays inside the index).
_FILTER = """
    (:n_rel = 0 OR {a}.type IN (SELECT value FROM json_each(:rel_types)))
    AND (:min_r >= 6 OR {a}.grade_r <= :min_r) AND (:min_c >= 6 OR {a}.grade_c <= :min_c)
    AND (:max_handling >= 99 OR {a}.handling_rank <= :max_handling)
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
                db.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = "
                    "excluded.value",
                    (SCHEMA_VERSION,),
                )

    def close(self) -> None:
        for conn in self._conns:
            conn.close()
        self._conns.clear()
        self._local = threading.local()

    def info(self) -> dict[str, Any]:
        version = self.db.execute("select sqlite_version()").fetchone()[0]
        return {"kind": self.kind, "location": str(self.path), "server_version": f"SQLite {version}", "reachable": True}

    # -- writes ------------------------------------------------------------------------------------
    def writer(self, batch_size: int | None = None) -> Writer:
        return EmbeddedWriter(self, batch_size or self.batch_size)

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
                        "SELECT doc FROM entities WHERE id IN (SELECT value FROM json_each(?)) OR doc LIKE ?",
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
        for i, doc in self.db.execute("SELECT id, doc FROM sources WHERE id IN (SELECT value FROM json_each(?))", (j,)):
            out[i] = Node(i, SOURCE_LABEL, json.loads(doc)["title"])
        return out

    def claims_of(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        sql = f"""
            SELECT c.doc FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a="c")}
            UNION
            SELECT c.doc FROM claims c WHERE c.object IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a="c")}
        """
        return [_claim(doc) for (doc,) in self.db.execute(sql, _params(flt, ids))]

    def neighbours(self, ids: Sequence[str], flt: ClaimFilter) -> set[str]:
        sql = f"""
            SELECT c.object FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a="c")}
            UNION
            SELECT c.subject FROM claims c WHERE c.object IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
              AND {_FILTER.format(a="c")}
        """
        return {n for (n,) in self.db.execute(sql, _params(flt, ids))} - set(ids)

    def degrees(self, ids: Sequence[str], flt: ClaimFilter, above: int = 0) -> dict[str, int]:
        sql = f"""
            SELECT n, count(DISTINCT m) FROM (
              SELECT c.subject AS n, c.object AS m FROM claims c
              WHERE c.subject IN (SELECT value FROM json_each(:ids))
                AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
                AND {_FILTER.format(a="c")}
              UNION ALL
              SELECT c.object AS n, c.subject AS m FROM claims c
              WHERE c.object IN (SELECT value FROM json_each(:ids))
                AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
                AND {_FILTER.format(a="c")}
            ) WHERE n != m GROUP BY n
        """
        return {n: d for n, d in self.db.execute(sql, _params(flt, ids)).fetchall() if d > above}

    def claims_between(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        # "+c.object" keeps SQLite from probing the index once per (subject, object) pair of the two lists
        sql = f"""
            SELECT c.doc FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND +c.object IN (SELECT value FROM json_each(:ids)) AND {_FILTER.format(a="c")}
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
                ids = [
                    i
                    for (i,) in db.execute("SELECT id FROM search WHERE text MATCH ? LIMIT ?", (quoted([q])[0], limit))
                ]
            elif words:
                ids = [
                    i
                    for (i,) in db.execute(
                        "SELECT id FROM search WHERE text MATCH ? LIMIT ?", (" AND ".join(quoted(words)), limit)
                    )
                ]
                heads = sorted({w[:3] for w in words})
                if len(ids) < limit and len(words) > 1 and heads != words:
                    ids += [
                        i
                        for (i,) in db.execute(  # unranked: bm25 over every match costs 5x the lookup
                            "SELECT id FROM search WHERE text MATCH ? LIMIT ?", (" AND ".join(quoted(heads)), limit)
                        )
                    ]
                tails = sorted({w[-3:] for w in words})
                if not ids and len(words) > 1 and tails != words:
                    ids = [
                        i
                        for (i,) in db.execute(
                            "SELECT id FROM search WHERE text MATCH ? LIMIT ?", (" AND ".join(quoted(tails)), limit)
                        )
                    ]
                if not ids and len(words) >= 3:  # a word the graph's name lacks ("Lotus Registry Holdings")
                    for skip in words:
                        ids += [
                            i
                            for (i,) in db.execute(
                                "SELECT id FROM search WHERE text MATCH ? LIMIT ?",
                                (" AND ".join(quoted([w for w in words if w != skip])), limit),
                            )
                        ]
            elif len(q) >= 3:  # "li li": the trigram index serves LIKE on three characters or more
                ids = [
                    i
                    for (i,) in db.execute(
                        "SELECT id FROM search WHERE text LIKE ? ESCAPE '\\' LIMIT ?",
                        ("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", limit),
                    )
                ]
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
        sql = f"""SELECT c.doc FROM claims c WHERE {_FILTER.format(a="c")}
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
                ents = db.execute(
                    "SELECT rowid, id, label, name FROM entities WHERE :n_types = 0 "
                    "OR label IN (SELECT value FROM json_each(:types))",
                    p,
                ).fetchall()
                groups = db.execute(
                    f"""SELECT type, group_concat(c.s, ' '), group_concat(c.o, ' '), group_concat(c.fp, '')
                        FROM claims c
                        WHERE c.s IS NOT NULL AND c.o IS NOT NULL AND {_FILTER.format(a="c")}
                        AND (:n_types = 0 OR (c.subject_label IN (SELECT value FROM json_each(:types))
                                              AND c.object_label IN (SELECT value FROM json_each(:types))))
                        GROUP BY c.type""",
                    p,
                ).fetchall()
        finally:
            if own:
                db.execute("COMMIT")

        def ints(column: int) -> np.ndarray:
            text = " ".join(g[column] for g in groups)
            return np.fromstring(text, dtype=np.int64, sep=" ") if text else np.zeros(0, np.int64)

        return GraphColumns.from_keys(
            np.fromiter((r[0] for r in ents), dtype=np.int64, count=len(ents)),
            [r[1] for r in ents],
            [r[2] for r in ents],
            [r[3] for r in ents],
            ints(1),
            ints(2),
            "".join(g[3] for g in groups),
        )
