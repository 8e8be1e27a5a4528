"""The export spool: a selection held in a temporary SQLite file on disk, so exports take constant memory.

Every export is written from a :class:`SpooledView`. Selecting the whole graph streams the store's paged
iterators (``iter_sources`` / ``iter_entities`` / ``iter_claims``) into the spool; redaction
(:mod:`.redaction`) then works on it page by page, and the format writers read it back one record at a
time, in id order, asking the spool (indexed SQL, not Python dictionaries) what a writer needs to know
about other records: an end's type and name, whether a link is contested, the holders of a wallet, the
number of a parallel claim. What stays in memory is bounded: the sources (documents, not facts: a
one-million-transfer chain export is one source), the victim-case aggregates (one row per cell of at
least ``min_cell`` cases), a page of records, and SQLite's page cache (16 MB). The file is deleted when the
view is closed.

Records are stored pickled: the spool is a private temporary file of this process, read back unchanged.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import Claim, Entity, Source

__all__ = ["Spool", "SpooledView", "Edge", "PAGE", "load_claim", "load_entity", "claim_time"]

PAGE = 2_000  # records per page when a pass rewrites the spool
_CACHE_KIB = 16 * 1024

_SCHEMA = """
CREATE TABLE entities (id TEXT PRIMARY KEY, label TEXT NOT NULL, name TEXT NOT NULL, doc BLOB NOT NULL);
CREATE TABLE entity_sources (entity TEXT NOT NULL, source TEXT NOT NULL);
CREATE INDEX entity_sources_entity ON entity_sources (entity);
CREATE TABLE claims (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, subject TEXT NOT NULL, object TEXT NOT NULL, source TEXT NOT NULL,
  handling TEXT NOT NULL, valid_from TEXT, valid_to TEXT, denies INTEGER NOT NULL, at TEXT NOT NULL,
  doc BLOB NOT NULL, contested INTEGER NOT NULL DEFAULT 0,
  corroborated INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE srcs (id TEXT PRIMARY KEY);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS entities_label ON entities (label, id);
CREATE INDEX IF NOT EXISTS entity_sources_source ON entity_sources (source);
CREATE INDEX IF NOT EXISTS claims_subject ON claims (subject, type, object);
CREATE INDEX IF NOT EXISTS claims_object ON claims (object, type);
CREATE INDEX IF NOT EXISTS claims_type ON claims (type, id);
CREATE INDEX IF NOT EXISTS claims_source ON claims (source);
"""


def _dump(record: Entity | Claim) -> bytes:
    return pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


def load_claim(doc: bytes) -> Claim:
    c = pickle.loads(doc)
    assert isinstance(c, Claim)
    return c


def load_entity(doc: bytes) -> Entity:
    e = pickle.loads(doc)
    assert isinstance(e, Entity)
    return e


def claim_time(c: Claim) -> str:
    """When a claim held, for ordering parallel claims: its start, else a transfer's timestamp, else ""."""
    return str(c.valid_from or c.properties.get("timestamp") or "")


class Spool:
    """A temporary SQLite file holding entities and claims (sources stay in memory: see the module doc)."""

    def __init__(self, directory: Path | None = None) -> None:
        fd, name = tempfile.mkstemp(prefix="compoundgraph-export-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.path = Path(name)
        # (transactions: ``with self.db`` commits each batch of writes as one)
        self.db = sqlite3.connect(name, check_same_thread=False)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{_CACHE_KIB}", "temp_store = FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)

    # -- filling ------------------------------------------------------------------------------------
    def add_entities(self, entities: Iterable[Entity]) -> None:
        self._batched(entities, self._put_entities)

    def add_claims(self, claims: Iterable[Claim]) -> None:
        self._batched(claims, self._put_claims)

    def _batched(self, records: Iterable[Any], put: Any) -> None:
        batch: list[Any] = []
        for r in records:
            batch.append(r)
            if len(batch) >= PAGE:
                put(batch)
                batch = []
        if batch:
            put(batch)

    def _put_entities(self, batch: list[Entity]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM entity_sources WHERE entity = ?", [(e.id,) for e in batch])
            self.db.executemany(
                "INSERT OR REPLACE INTO entities (id, label, name, doc) VALUES (?, ?, ?, ?)",
                [(e.id, e.label, e.name, _dump(e)) for e in batch],
            )
            self.db.executemany(
                "INSERT INTO entity_sources (entity, source) VALUES (?, ?)",
                [(e.id, s) for e in batch for s in e.sources],
            )

    def _put_claims(self, batch: list[Claim]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO claims (id, type, subject, object, source, handling, valid_from, valid_to, "
                "denies, at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.id,
                        c.type,
                        c.subject,
                        c.object,
                        c.source,
                        c.handling,
                        c.valid_from,
                        c.valid_to,
                        int(c.properties.get("stance") == "denies"),
                        claim_time(c),
                        _dump(c),
                    )
                    for c in batch
                ],
            )

    def index(self) -> None:
        self.db.executescript(_INDEXES)
        self.db.execute("ANALYZE")

    def set_sources(self, ids: Iterable[str]) -> None:
        """The source ids SQL may join against (the view's sources)."""
        with self.db:
            self.db.execute("DELETE FROM srcs")
            self.db.executemany("INSERT INTO srcs (id) VALUES (?)", [(i,) for i in ids])

    # -- rewriting --------------------------------------------------------------------------------
    def delete_claims(self, ids: Sequence[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM claims WHERE id = ?", [(i,) for i in ids])

    def delete_entities(self, ids: Sequence[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM entities WHERE id = ?", [(i,) for i in ids])
            self.db.executemany("DELETE FROM entity_sources WHERE entity = ?", [(i,) for i in ids])

    def pages(self, sql: str, params: Sequence[Any] = ()) -> Iterator[list[Any]]:
        """Keyset pages of ``sql`` (its first column is the id; it reads ``id > ?`` as its last parameter and
        ends with ``ORDER BY id LIMIT ?``): each page is read whole, so the caller may rewrite the table
        between pages."""
        after = ""
        while True:
            rows = self.db.execute(sql, (*params, after, PAGE)).fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def mark_contested(self) -> None:
        """A link (subject, type, object) is contested when a source denies it or its asserting sources give
        different periods (the rule of ``views.contested_ids``, as one SQL statement); corroborated when two or
        more sources assert it and none denies it (``views.corroborated_ids``)."""
        with self.db:
            self.db.execute("UPDATE claims SET contested = 0, corroborated = 0")
            self.db.execute(
                """
                UPDATE claims SET contested = 1 WHERE (subject, type, object) IN (
                  SELECT subject, type, object FROM claims GROUP BY subject, type, object
                  HAVING SUM(denies) > 0 OR COUNT(DISTINCT CASE
                    WHEN denies = 0 AND (coalesce(valid_from, '') <> '' OR coalesce(valid_to, '') <> '')
                    THEN json_array(valid_from, valid_to) END) > 1)
                """
            )
            self.db.execute(
                """
                UPDATE claims SET corroborated = 1 WHERE (subject, type, object) IN (
                  SELECT subject, type, object FROM claims GROUP BY subject, type, object
                  HAVING SUM(denies) = 0 AND COUNT(DISTINCT source) > 1)
                """
            )


@dataclass(frozen=True)
class Edge:
    """A claim as the graph formats draw it: the claim, whether its link is contested or corroborated, and its
    two ends' types and names (an end that is a source reads ``Source`` and its title)."""

    claim: Claim
    contested: bool
    corroborated: bool
    subject_label: str
    subject_name: str
    object_label: str
    object_name: str
    number: int  # 1 for the first claim of its type between its two ends (by time, then id), 2, 3 ...


class SpooledView:
    """What every format writer reads: a redacted selection, spooled (see the module doc).

    ``sources`` is a dict (by id, in id order); entities and claims come from the iterators, in id order.
    Close it (or use it as a context manager) to delete the spool.
    """

    def __init__(
        self,
        spool: Spool,
        sources: dict[str, Source],
        query: dict[str, Any],
        exported_at: str,
        profile: str = "unredacted",
    ) -> None:
        from .selection import CaseAggregate

        self.spool = spool
        self.sources = dict(sorted(sources.items()))
        self.query = query
        self.exported_at = exported_at
        self.profile = profile
        self.aggregates: list[CaseAggregate] = []
        self.dropped: dict[str, int | str] = {}
        self.spool.set_sources(self.sources)

    def __enter__(self) -> SpooledView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.spool.close()

    @property
    def db(self) -> sqlite3.Connection:
        return self.spool.db

    def set_sources(self, sources: dict[str, Source]) -> None:
        self.sources = dict(sources)
        self.spool.set_sources(self.sources)

    # -- records, in id order ------------------------------------------------------------------------
    def iter_entities(self, label: str | None = None) -> Iterator[Entity]:
        if label is None:
            rows = self.db.execute("SELECT doc FROM entities ORDER BY id")
        else:
            rows = self.db.execute("SELECT doc FROM entities WHERE label = ? ORDER BY id", (label,))
        for (doc,) in rows:
            yield load_entity(doc)

    def iter_claims(self, rel_type: str | None = None) -> Iterator[Claim]:
        if rel_type is None:
            rows = self.db.execute("SELECT doc FROM claims ORDER BY id")
        else:
            rows = self.db.execute("SELECT doc FROM claims WHERE type = ? ORDER BY id", (rel_type,))
        for (doc,) in rows:
            yield load_claim(doc)

    def iter_edges(self, numbered: bool = False, order: str = "id") -> Iterator[Edge]:
        """Every claim with its contested flag, its ends' types and names, and (``numbered``) its number
        among the claims of one type between the same two ends, ordered by time then id.

        ``order``: ``id`` (claim id), or ``adjacency`` - by subject, then by the first claim from that subject
        to each object, then id (the order a networkx multigraph built in id order lists its edges in)."""
        order_by = {"id": "c.id", "adjacency": "c.subject, min(c.id) OVER (PARTITION BY c.subject, c.object), c.id"}[
            order
        ]
        number = "ROW_NUMBER() OVER (PARTITION BY c.subject, c.object, c.type ORDER BY c.at, c.id)" if numbered else "1"
        rows = self.db.execute(
            f"""
            SELECT c.doc, c.contested, c.corroborated, {number},
                   coalesce(se.label, CASE WHEN ss.id IS NULL THEN NULL ELSE 'Source' END), se.name,
                   coalesce(oe.label, CASE WHEN os.id IS NULL THEN NULL ELSE 'Source' END), oe.name,
                   c.subject, c.object
            FROM claims c
            LEFT JOIN entities se ON se.id = c.subject LEFT JOIN srcs ss ON ss.id = c.subject
            LEFT JOIN entities oe ON oe.id = c.object LEFT JOIN srcs os ON os.id = c.object
            ORDER BY {order_by}
            """
        )
        for doc, contested, corroborated, n, slabel, sname, olabel, oname, subject, obj in rows:
            yield Edge(
                load_claim(doc),
                bool(contested),
                bool(corroborated),
                slabel or "",
                sname if sname is not None else self._title(subject),
                olabel or "",
                oname if oname is not None else self._title(obj),
                int(n),
            )

    def _title(self, node_id: str) -> str:
        s = self.sources.get(node_id)
        return s.title if s else ""

    def labels(self, ids: Iterable[str]) -> dict[str, str]:
        """Entity id -> label for those of ``ids`` in the view."""
        j = json.dumps(sorted(set(ids)))
        rows = self.db.execute("SELECT id, label FROM entities WHERE id IN (SELECT value FROM json_each(?))", (j,))
        return dict(rows.fetchall())

    def claims_touching(self, node_id: str, rel_types: Sequence[str] = (), as_object: bool = True) -> list[Claim]:
        """The claims (of ``rel_types`` when given) with ``node_id`` as object (or subject), in id order."""
        end = "object" if as_object else "subject"
        j = json.dumps(list(rel_types))
        rows = self.db.execute(
            f"SELECT doc FROM claims WHERE {end} = ? AND (? = '[]' OR type IN (SELECT value FROM json_each(?))) "
            "ORDER BY id",
            (node_id, j, j),
        )
        return [load_claim(doc) for (doc,) in rows]

    def mentioned_sources(self) -> list[Source]:
        """Sources that are claim endpoints (graph formats draw them as nodes), in id order."""
        rows = self.db.execute(
            "SELECT DISTINCT c.object FROM claims c JOIN srcs s ON s.id = c.object "
            "WHERE c.object NOT IN (SELECT id FROM entities) ORDER BY c.object"
        )
        return [self.sources[i] for (i,) in rows]

    def entity_property_keys(self) -> list[str]:
        keys: set[str] = set()
        for e in self.iter_entities():
            keys.update(e.properties)
        return sorted(keys)

    def claim_property_keys(self) -> list[str]:
        keys: set[str] = set()
        for c in self.iter_claims():
            keys.update(c.properties)
        return sorted(keys)

    def handling_present(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT handling, count(*) FROM claims GROUP BY handling ORDER BY handling"))

    def counts(self) -> dict[str, Any]:
        labels = dict(self.db.execute("SELECT label, count(*) FROM entities GROUP BY label ORDER BY label"))
        rels = dict(self.db.execute("SELECT type, count(*) FROM claims GROUP BY type ORDER BY type"))
        return {
            "sources": len(self.sources),
            "entities": sum(labels.values()),
            "claims": sum(rels.values()),
            "labels": labels,
            "relationships": rels,
            "victim_case_aggregates": len(self.aggregates),
        }
