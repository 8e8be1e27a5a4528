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
from .filters import is_proposal
from .match_keys import KEYS_VERSION, MAX_WORDS, entity_keys

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
CREATE TABLE IF NOT EXISTS match_keys (key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
"""
# Screening's blocking index (see store/match_keys.py): postings of each key counted up to a cap (to walk each
# set from its rarest key), then per set the ids holding every key, in id order.
_RARE_CAP = 2_000
_KEY_SIZES = """
    SELECT j.value, (SELECT count(*) FROM (SELECT 1 FROM match_keys m WHERE m.key = j.value LIMIT ?2))
    FROM json_each(?1) j
"""
_MAX_KEYS = MAX_WORDS  # keys in a set (name_plan never makes more)
# The sets come as JSON ``[[k0, k1, ...], ...]``, each with its rarest key first; materialised once as columns,
# so that the probes of each candidate are plain primary-key lookups (no JSON parsed per candidate).
_KEYED_IDS = (
    "WITH s AS MATERIALIZED (SELECT j.key AS pos, "
    + ", ".join(f"json_extract(j.value, '$[{i}]') AS k{i}" for i in range(_MAX_KEYS))
    + " FROM json_each(?1) j) "
    "SELECT s.pos, (SELECT json_group_array(id) FROM (SELECT a.id FROM match_keys a WHERE a.key = s.k0 "
    + " ".join(
        f"AND (s.k{i} IS NULL OR EXISTS (SELECT 1 FROM match_keys b WHERE b.key = s.k{i} AND b.id = a.id))"
        for i in range(1, _MAX_KEYS)
    )
    + " ORDER BY a.id LIMIT ?2)) FROM s"
)
SCHEMA_VERSION = "2"
_HUB_DEGREES = 50_000  # hub degrees kept (see degrees)

# A proposed entity, pending or rejected (filters.is_proposal). The partial index entities_proposed holds
# exactly those rows, so the filter's "not a proposed entity" reads a few index entries, never the documents.
_PROPOSED_ENTITY = (
    "json_extract(doc, '$.properties.status') IN ('pending', 'rejected') "
    "AND json_extract(doc, '$.properties.candidate_rule') IS NOT NULL"
)
_ENTITY_INDEXES = f"CREATE INDEX IF NOT EXISTS entities_proposed ON entities(id) WHERE {_PROPOSED_ENTITY};\n"

# The same claim filter as cypher/fragments/claim_filter.cypher, in SQL. ``{a}`` is the claims table alias.
# Proposed entities are found by the rowids ``s`` / ``o`` (in the projection's covering index; 0 for a
# source end, never a rowid). ``:probe_ends = 0`` skips that probe where the caller drops such claims itself
# (graph_columns: an end that is not among the entities it read becomes -1).
# A bound at its "any" value (6, 6, 99) is decided without the row: SQLite then reads the claim's row only
# when a test needs it (an unfiltered degree count stays inside the index).
_BASE = """
    (:n_rel = 0 OR {a}.type IN (SELECT value FROM json_each(:rel_types)))
    AND (:min_r >= 6 OR {a}.grade_r <= :min_r) AND (:min_c >= 6 OR {a}.grade_c <= :min_c)
    AND (:max_handling >= 99 OR {a}.handling_rank <= :max_handling)
    AND (:as_of IS NULL OR (({a}.valid_from IS NULL OR {a}.valid_from <= :as_of)
                            AND ({a}.valid_to IS NULL OR {a}.valid_to >= :as_of)))
    AND (:n_hidden = 0 OR ({a}.source NOT IN (SELECT value FROM json_each(:hidden_sources))
                           AND {a}.subject NOT IN (SELECT value FROM json_each(:hidden_sources))
                           AND {a}.object NOT IN (SELECT value FROM json_each(:hidden_sources))))
    AND (:proposals = 1
         OR (NOT (EXISTS (SELECT 1 FROM sources WHERE sources.id = {a}.object)
                  AND {a}.type = 'MENTIONED_IN'
                  AND coalesce(json_extract({a}.doc, '$.properties.role'), '') IN ('candidate', 'candidate-relation')
                  AND coalesce(json_extract({a}.doc, '$.properties.status'), '') <> 'accepted')
             AND (:probe_ends = 0
                  OR ({a}.subject NOT IN (SELECT id FROM entities WHERE __PROPOSED__)
                      AND {a}.object NOT IN (SELECT id FROM entities WHERE __PROPOSED__)))))
""".replace("__PROPOSED__", _PROPOSED_ENTITY)


_NOT_PROPOSED = f"(:proposals = 1 OR rowid NOT IN (SELECT rowid FROM entities WHERE {_PROPOSED_ENTITY}))"


def _siblings(a: str, where: str) -> str:
    """The claims of ``a``'s link (same ends, same type) that pass the rest of the filter, and ``where``."""
    return (
        f"FROM claims d WHERE d.subject = {a}.subject AND d.object = {a}.object AND d.type = {a}.type "
        f"AND {where} AND {_BASE.format(a='d')}"
    )


def _stance(a: str) -> str:
    """The stance part (cypher/fragments/claim_stance.cypher): the claim's stance, and its link's."""
    denied = _siblings(a, "json_extract(d.doc, '$.properties.stance') = 'denies'")
    periods = _siblings(
        a,
        "coalesce(json_extract(d.doc, '$.properties.stance'), 'asserts') = 'asserts' "
        "AND (d.valid_from IS NOT NULL OR d.valid_to IS NOT NULL)",
    )
    return f"""
    (:n_stances = 0
     OR coalesce(json_extract({a}.doc, '$.properties.stance'), 'asserts') IN (SELECT value FROM json_each(:stances)))
    AND (:link IS NULL
         OR (:link = 'contested'
             AND (EXISTS (SELECT 1 {denied})
                  OR (SELECT count(DISTINCT coalesce(d.valid_from, '') || '|' || coalesce(d.valid_to, ''))
                      {periods}) > 1))
         OR (:link = 'corroborated'
             AND NOT EXISTS (SELECT 1 {denied})
             AND (SELECT count(DISTINCT d.source) {_siblings(a, "1")}) > 1))
    """


def _filter(a: str, flt: ClaimFilter) -> str:
    """The claim filter on the claims table under alias ``a``; the stance part only when ``flt`` asks for a
    stance or a link (it names the claim's document, which keeps SQLite out of its covering indexes)."""
    if not flt.uses_stance:
        return f"({_BASE.format(a=a)})"
    return f"({_BASE.format(a=a)} AND {_stance(a)})"


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
        "proposals": int(p["proposals"]),
        "stances": json.dumps(p["stances"]),
        "n_stances": len(p["stances"]),
        "link": p["link"],
        "probe_ends": 1,
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
        self._hubs: dict[tuple[str, tuple[Any, ...]], int] = {}  # see degrees
        self._hubs_lock = threading.Lock()
        self._hubs_generation = 0
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
            db.executescript(_INDEX_SQL + _ENTITY_INDEXES)
            if db.execute("SELECT value FROM meta WHERE key = 'match_keys'").fetchone() != (KEYS_VERSION,):
                self._build_match_keys(db)
            if db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() != (SCHEMA_VERSION,):
                db.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = "
                    "excluded.value",
                    (SCHEMA_VERSION,),
                )

    def _build_match_keys(self, db: sqlite3.Connection) -> None:
        """Screening's blocking keys for every entity: a store written before they existed (or by an older
        version of them) gains them once, all or nothing, when it is opened."""
        try:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("SELECT value FROM meta WHERE key = 'match_keys'").fetchone() == (KEYS_VERSION,):
                db.execute("COMMIT")  # another connection built them while this one waited for the lock
                return
            db.execute("DELETE FROM match_keys")
            last = 0
            while True:
                page = db.execute(
                    "SELECT rowid, doc FROM entities WHERE rowid > ? ORDER BY rowid LIMIT 20000", (last,)
                ).fetchall()
                if not page:
                    break
                last = page[-1][0]
                db.executemany(
                    "INSERT OR IGNORE INTO match_keys(key, id) VALUES (?, ?)",
                    [(k, e.id) for e in (_entity(doc) for _, doc in page) for k in entity_keys(e)],
                )
            db.execute(
                "INSERT INTO meta VALUES ('match_keys', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (KEYS_VERSION,),
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreUnavailable(f"cannot build the screening keys of embedded store {self.path}: {exc}") from exc

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
                        db.executemany(
                            "DELETE FROM match_keys WHERE key = ? AND id = ?", [(k, e.id) for k in entity_keys(e)]
                        )
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
                "BEGIN; DELETE FROM claims; DELETE FROM entities; DELETE FROM sources; DELETE FROM search; "
                "DELETE FROM match_keys; COMMIT;"
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
              AND {_filter("c", flt)}
            UNION
            SELECT c.doc FROM claims c WHERE c.object IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
              AND {_filter("c", flt)}
        """
        return [_claim(doc) for (doc,) in self.db.execute(sql, _params(flt, ids))]

    def neighbours(self, ids: Sequence[str], flt: ClaimFilter) -> set[str]:
        sql = f"""
            SELECT c.object FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
              AND {_filter("c", flt)}
            UNION
            SELECT c.subject FROM claims c WHERE c.object IN (SELECT value FROM json_each(:ids))
              AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
              AND {_filter("c", flt)}
        """
        return {n for (n,) in self.db.execute(sql, _params(flt, ids))} - set(ids)

    def degrees(self, ids: Sequence[str], flt: ClaimFilter, above: int = 0) -> dict[str, int]:
        sql = f"""
            SELECT n, count(DISTINCT m) FROM (
              SELECT c.subject AS n, c.object AS m FROM claims c
              WHERE c.subject IN (SELECT value FROM json_each(:ids))
                AND (:n_types = 0 OR c.object_label IN (SELECT value FROM json_each(:types)))
                AND {_filter("c", flt)}
              UNION ALL
              SELECT c.object AS n, c.subject AS m FROM claims c
              WHERE c.object IN (SELECT value FROM json_each(:ids))
                AND (:n_types = 0 OR c.subject_label IN (SELECT value FROM json_each(:types)))
                AND {_filter("c", flt)}
            ) WHERE n != m GROUP BY n
        """
        params = _params(flt, ids)
        if self.db.in_transaction:  # what it counts may yet be rolled back: not kept
            return {n: d for n, d in self.db.execute(sql, params).fetchall() if d > above}
        # A hub's count reads every claim it has (tens of thousands for a busy platform or bank), and the same
        # hubs border many neighbourhoods: their counts are kept, for every thread, while the store is unchanged.
        key = tuple(v for k, v in params.items() if k != "ids")
        generation = self._hub_generation()
        known = {i: d for i in ids if (d := self._hubs.get((i, key))) is not None}
        if len(known) < len(ids):
            if known:
                params["ids"] = json.dumps([i for i in ids if i not in known])
            counted = dict(self.db.execute(sql, params).fetchall())
            known.update(counted)
            with self._hubs_lock:
                if self._hubs_generation == generation:  # nothing changed while counting
                    if len(self._hubs) >= _HUB_DEGREES:
                        self._hubs.clear()
                    self._hubs.update(((n, key), d) for n, d in counted.items() if d > self.supernode_threshold)
        return {n: d for n, d in known.items() if d > above}

    def _hub_generation(self) -> int:
        """The kept hub degrees' generation, after emptying them if the store may have changed since this
        thread's connection last looked: ``PRAGMA data_version`` moves when another connection (thread or
        process) commits, ``total_changes`` when this one writes. A count begun in an older generation is
        not kept."""
        db, local = self.db, self._local
        token = (db.execute("PRAGMA data_version").fetchone()[0], db.total_changes)
        with self._hubs_lock:
            if getattr(local, "hub_token", None) != token:
                local.hub_token = token
                self._hubs.clear()
                self._hubs_generation += 1
            return self._hubs_generation

    def claims_between(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        # "+c.object" keeps SQLite from probing the index once per (subject, object) pair of the two lists
        sql = f"""
            SELECT c.doc FROM claims c WHERE c.subject IN (SELECT value FROM json_each(:ids))
              AND +c.object IN (SELECT value FROM json_each(:ids)) AND {_filter("c", flt)}
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
        return [
            (e.id, e.label, e.name, e.aliases, e.identifiers) for e in found.values() if not is_proposal(e.properties)
        ]

    def keyed_ids(self, key_sets: Sequence[Sequence[str]], limit: int) -> list[list[str]]:
        """One statement for the batch: each set is walked from its rarest key (postings counted up to
        ``_RARE_CAP``), the others checked by primary-key probes; the first ``limit`` ids in id order."""
        sets = [sorted(set(ks)) for ks in key_sets]
        keys = sorted({k for ks in sets for k in ks})
        if not keys:
            return [[] for _ in sets]
        db = self.db
        sizes = dict(db.execute(_KEY_SIZES, (orjson.dumps(keys).decode(), _RARE_CAP)))
        ordered = [sorted(ks, key=lambda k: (sizes.get(k, 0), k)) for ks in sets]
        # a set whose rarest key is held by nobody matches nothing: not sent
        where = [i for i, ks in enumerate(ordered) if ks and sizes.get(ks[0], 0)]
        out: list[list[str]] = [[] for _ in sets]
        if where:
            if any(len(ordered[i]) > _MAX_KEYS for i in where):
                raise InvalidInput(f"a blocking lookup takes at most {_MAX_KEYS} keys")
            arg = orjson.dumps([ordered[i] for i in where]).decode()
            for pos, ids in db.execute(_KEYED_IDS, (arg, limit)):
                out[where[pos]] = orjson.loads(ids)
        return out

    def counts(self) -> dict[str, dict[str, int]]:
        p = _params(ClaimFilter())  # facts only: no proposal awaiting review
        return {
            "labels": dict(
                self.db.execute(
                    f"SELECT label, count(*) FROM entities WHERE {_NOT_PROPOSED} GROUP BY label ORDER BY label", p
                )
            ),
            "relationships": dict(
                self.db.execute(
                    f"SELECT type, count(*) FROM claims c WHERE {_BASE.format(a='c')} GROUP BY type ORDER BY type", p
                )
            ),
            "sources": {SOURCE_LABEL: self.db.execute("SELECT count(*) FROM sources").fetchone()[0]},
        }

    def iter_sources(self) -> Iterator[Source]:
        for (doc,) in self.db.execute("SELECT doc FROM sources ORDER BY id"):
            yield _source(doc)

    def iter_entities(self, proposals: bool = False) -> Iterator[Entity]:
        sql = f"SELECT doc FROM entities WHERE {_NOT_PROPOSED} ORDER BY id"
        for (doc,) in self.db.execute(sql, {"proposals": int(proposals)}):
            yield _entity(doc)

    def iter_claims(self, flt: ClaimFilter | None = None) -> Iterator[Claim]:
        flt = flt or ClaimFilter()
        p = _params(flt)
        sql = f"""SELECT c.doc FROM claims c WHERE {_filter("c", flt)}
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
        p = {**_params(flt), "probe_ends": 0}  # proposed entities are not read: their claims get a -1 end
        db = self.db
        own = not db.in_transaction
        if own:
            db.execute("BEGIN")  # one snapshot for both scans
        try:
            with gc_paused():  # a hundred thousand entity rows would trigger full collections for nothing
                ents = db.execute(
                    "SELECT rowid, id, label, name FROM entities WHERE (:n_types = 0 "
                    f"OR label IN (SELECT value FROM json_each(:types))) AND {_NOT_PROPOSED}",
                    p,
                ).fetchall()
                groups = db.execute(
                    f"""SELECT type, group_concat(c.s, ' '), group_concat(c.o, ' '), group_concat(c.fp, '')
                        FROM claims c
                        WHERE c.s IS NOT NULL AND c.o IS NOT NULL AND {_filter("c", flt)}
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
