"""Saved investigations in the configured store's own database, behind one contract.

:class:`InvestigationStore` holds the rules (versions, conflicts, soft delete) once, in Python; each store
implements five primitives over its own database:

- **embedded**: a table ``investigations`` in the SQLite file (not an entity, so no entity read, search,
  count, export or projection sees it);
- **Neo4j**: nodes labelled ``Investigation`` only (never ``Node`` or ``Entity``, which every graph query
  matches), Cypher in ``cypher/investigations/``.

An update names the version it was based on; a compare-and-swap inside one write transaction refuses a
stale one with :class:`~compoundgraph.errors.Conflict` saying who changed it and when. Every change (content,
title, shares, delete, restore) makes a new version.

``investigations_of(store)`` gives the one instance for an open store.
"""

from __future__ import annotations

import abc
import json
import threading
import weakref
from collections.abc import Sequence
from typing import Any, Literal, overload

from pydantic import ValidationError

from ..errors import Conflict, InvalidInput, NotFound
from ..investigations.model import Chart, Investigation, Share, Summary, new_id, now, parse_chart
from ..investigations.sealing import seal, unseal
from .base import GraphStore
from .cypher import cypher, statements
from .embedded import EmbeddedStore

__all__ = ["InvestigationStore", "EmbeddedInvestigations", "Neo4jInvestigations", "investigations_of"]

# the columns of a row, in order; ``chart`` and ``shares`` are JSON text
_META = (
    "id",
    "title",
    "owner",
    "created",
    "modified",
    "modified_by",
    "version",
    "entities",
    "size",
    "shares",
    "deleted",
    "deleted_by",
)
_COLUMNS = (*_META, "chart")


def _not_found(inv_id: str) -> NotFound:
    return NotFound(f"no investigation with id {inv_id[:80]!r}")


def _summary(row: dict[str, Any]) -> Summary:
    data = {k: row.get(k) for k in _META}
    data["shares"] = json.loads(row.get("shares") or "[]")
    return Summary.model_validate(data)


def _investigation(row: dict[str, Any]) -> Investigation:
    """A stored row back as a record; a row whose content no longer parses is refused, naming it."""
    where = f"investigation {row['id']}"
    text = unseal(row["chart"], row["id"])
    try:
        chart = Chart.model_validate_json(text)  # the fast path: straight from the stored JSON
    except ValidationError:
        try:
            doc = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"the saved chart is not JSON ({exc}); it cannot be opened", where=where) from exc
        parse_chart(doc, where=f"{where}: chart")  # raises, naming the field
        raise  # pragma: no cover - parse_chart refuses whatever the fast path refused
    chart = parse_chart(chart, where=f"{where}: chart")  # the size limits
    return Investigation.model_validate({**_summary(row).model_dump(), "chart": chart})


def _chart_json(chart: Chart) -> str:
    return chart.model_dump_json()


class InvestigationStore(abc.ABC):
    """Create, read, list, update (compare-and-swap on the version), soft delete and restore."""

    # -- primitives (per store) ----------------------------------------------------------------------
    @abc.abstractmethod
    def _insert(self, row: dict[str, Any]) -> None:
        """Write a new row (its id is fresh)."""

    @abc.abstractmethod
    def _fetch(self, inv_id: str) -> dict[str, Any] | None:
        """The row with this id, deleted or not."""

    @abc.abstractmethod
    def _swap(self, inv_id: str, expect: int, changes: dict[str, Any]) -> tuple[bool, dict[str, Any] | None]:
        """In one write transaction: if the row's version is ``expect``, apply ``changes`` and return
        ``(True, new row)``; otherwise change nothing and return ``(False, current row or None)``."""

    @abc.abstractmethod
    def _rows(self, include_deleted: bool) -> list[dict[str, Any]]:
        """Every row without its chart."""

    @abc.abstractmethod
    def survivors(self, ids: Sequence[str]) -> dict[str, str]:
        """For ids merged away by identity resolution: the id of the entity that now holds each in its
        ``referents``."""

    @abc.abstractmethod
    def purge(self, confirm: bool = False) -> None:
        """Remove every investigation for good (tests)."""

    # -- the contract ------------------------------------------------------------------------------
    def create(self, title: str, chart: Chart, owner: str) -> Investigation:
        chart = parse_chart(chart)
        title = _title(title)
        stamp = now()
        doc = _chart_json(chart)
        inv_id = new_id()
        row = {
            "id": inv_id,
            "title": title,
            "owner": owner,
            "created": stamp,
            "modified": stamp,
            "modified_by": owner,
            "version": 1,
            "entities": len(chart.entities),
            "size": len(doc.encode()),
            "shares": "[]",
            "deleted": None,
            "deleted_by": None,
            "chart": seal(doc, inv_id),
        }
        self._insert(row)
        return _investigation(row)

    def restore_backup(self, inv: Investigation, as_new: bool = False) -> Investigation:
        """Put back an investigation exported whole (``investigations export``): with its id, owner, times,
        version and shares; ``as_new`` gives it a fresh id instead. An id already in the store is refused."""
        chart = parse_chart(inv.chart)
        doc = _chart_json(chart)
        row = {
            **{k: getattr(inv, k) for k in _META},
            "chart": doc,
            "entities": len(chart.entities),
            "size": len(doc.encode()),
            "shares": json.dumps([x.model_dump() for x in inv.shares]),
            "title": _title(inv.title),
        }
        if as_new:
            row["id"] = new_id()
        row["chart"] = seal(doc, row["id"])
        if not as_new and self._fetch(inv.id) is not None:
            raise Conflict(
                f"investigation {inv.id} is already in the store; import it as a new one instead", where="id"
            )
        self._insert(row)
        return _investigation(row)

    def get(self, inv_id: str, include_deleted: bool = False) -> Investigation:
        row = self._fetch(inv_id)
        if row is None or (row.get("deleted") and not include_deleted):
            raise _not_found(inv_id)
        return _investigation(row)

    def summary(self, inv_id: str, include_deleted: bool = False) -> Summary:
        """The row without parsing its chart (access checks; a corrupt chart can still be deleted)."""
        row = self._fetch(inv_id)
        if row is None or (row.get("deleted") and not include_deleted):
            raise _not_found(inv_id)
        return _summary(row)

    def summaries(self, include_deleted: bool = False) -> list[Summary]:
        rows = sorted(self._rows(include_deleted), key=lambda r: (r["modified"], r["id"]), reverse=True)
        return [_summary(r) for r in rows]

    def update(
        self,
        inv_id: str,
        version: int,
        actor: str,
        title: str | None = None,
        chart: Chart | None = None,
        shares: list[Share] | None = None,
    ) -> Investigation:
        """Save a new version based on ``version``; 409 naming who changed it and when if it is stale."""
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = _title(title)
        if chart is not None:
            chart = parse_chart(chart)
            doc = _chart_json(chart)
            changes.update(chart=seal(doc, inv_id), entities=len(chart.entities), size=len(doc.encode()))
        if shares is not None:
            changes["shares"] = json.dumps([s.model_dump() for s in shares])
        return self._change(inv_id, version, actor, changes)

    def delete(self, inv_id: str, actor: str, version: int | None = None) -> Summary:
        """Soft delete: hidden from every read until an admin restores it."""
        current = self.summary(inv_id)
        stamp = now()
        changed = self._change(
            inv_id,
            current.version if version is None else version,
            actor,
            {"deleted": stamp, "deleted_by": actor},
            parse=False,
        )
        return changed

    def restore(self, inv_id: str, actor: str) -> Summary:
        current = self.summary(inv_id, include_deleted=True)
        if not current.deleted:
            raise InvalidInput(f"investigation {inv_id[:80]!r} is not deleted", where="id")
        return self._change(
            inv_id, current.version, actor, {"deleted": None, "deleted_by": None}, parse=False, include_deleted=True
        )

    @overload
    def _change(
        self,
        inv_id: str,
        version: int,
        actor: str,
        changes: dict[str, Any],
        parse: Literal[True] = True,
        include_deleted: bool = False,
    ) -> Investigation: ...

    @overload
    def _change(
        self,
        inv_id: str,
        version: int,
        actor: str,
        changes: dict[str, Any],
        parse: Literal[False],
        include_deleted: bool = False,
    ) -> Summary: ...

    def _change(
        self,
        inv_id: str,
        version: int,
        actor: str,
        changes: dict[str, Any],
        parse: bool = True,
        include_deleted: bool = False,
    ) -> Investigation | Summary:
        current = self._fetch(inv_id)
        if current is None or (current.get("deleted") and not include_deleted):
            raise _not_found(inv_id)
        changes = {**changes, "version": version + 1, "modified": now(), "modified_by": actor}
        ok, row = self._swap(inv_id, version, changes)
        if row is None or (row.get("deleted") and not include_deleted and not changes.get("deleted")):
            raise _not_found(inv_id)
        if not ok:
            raise Conflict(
                f"investigation {inv_id} was changed by key {row['modified_by']} at {row['modified']} "
                f"(it is now version {row['version']}; this change was based on version {version}): "
                "reopen it and apply the change again",
                where="version",
            )
        return _investigation(row) if parse else _summary(row)


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput("an investigation needs a title", where="title")
    if len(title) > 200:
        raise InvalidInput(f"the title has {len(title)} characters; at most 200", where="title")
    return title


# -- embedded ----------------------------------------------------------------------------------------
_SQL_SCHEMA = """
CREATE TABLE IF NOT EXISTS investigations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, owner TEXT NOT NULL, created TEXT NOT NULL,
    modified TEXT NOT NULL, modified_by TEXT NOT NULL, version INTEGER NOT NULL, entities INTEGER NOT NULL,
    size INTEGER NOT NULL, shares TEXT NOT NULL, deleted TEXT, deleted_by TEXT, chart TEXT NOT NULL);
"""


class EmbeddedInvestigations(InvestigationStore):
    """A table of the embedded store's SQLite file, written under the store's write lock."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        with store._write_lock:
            store.db.executescript(_SQL_SCHEMA)

    def _insert(self, row: dict[str, Any]) -> None:
        with self.store._write_lock:
            self.store.db.execute(
                f"INSERT INTO investigations({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [row[c] for c in _COLUMNS],
            )

    def _fetch(self, inv_id: str) -> dict[str, Any] | None:
        cur = self.store.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM investigations WHERE id = ?", (inv_id,))
        found = cur.fetchone()
        return dict(zip(_COLUMNS, found, strict=True)) if found else None

    def _swap(self, inv_id: str, expect: int, changes: dict[str, Any]) -> tuple[bool, dict[str, Any] | None]:
        cols = [c for c in changes if c in _COLUMNS and c != "id"]
        with self.store._write_lock:
            db = self.store.db
            db.execute("BEGIN IMMEDIATE")
            try:
                n = db.execute(
                    f"UPDATE investigations SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ? AND version = ?",
                    [*(changes[c] for c in cols), inv_id, expect],
                ).rowcount
                row = self._fetch(inv_id)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return n == 1, row

    def _rows(self, include_deleted: bool) -> list[dict[str, Any]]:
        sql = f"SELECT {', '.join(_META)} FROM investigations"
        if not include_deleted:
            sql += " WHERE deleted IS NULL"
        return [dict(zip(_META, r, strict=True)) for r in self.store.db.execute(sql)]

    def survivors(self, ids: Sequence[str]) -> dict[str, str]:
        rows = self.store.db.execute(
            "SELECT j.value, e.id FROM entities e, json_each(e.doc, '$.referents') j "
            "WHERE j.value IN (SELECT value FROM json_each(?)) ORDER BY e.id",
            (json.dumps(list(ids)),),
        )
        return {gone: survivor for gone, survivor in rows}

    def purge(self, confirm: bool = False) -> None:
        if not confirm:
            raise InvalidInput("purge needs confirm=True")
        with self.store._write_lock:
            self.store.db.execute("DELETE FROM investigations")


# -- Neo4j -------------------------------------------------------------------------------------------
class Neo4jInvestigations(InvestigationStore):
    """``(:Investigation)`` nodes; writes in managed write transactions, the version checked after the
    node's write lock is taken (so two concurrent saves of one version cannot both pass)."""

    def __init__(self, store: Any) -> None:
        from .neo4j import Neo4jStore

        assert isinstance(store, Neo4jStore)
        self.store = store
        with store.driver.session(database=store.database) as session:
            for stmt in statements("investigations/create_constraints"):
                session.run(stmt).consume()

    def _session(self) -> Any:
        return self.store.driver.session(database=self.store.database)

    def _insert(self, row: dict[str, Any]) -> None:
        with self._session() as session:
            session.execute_write(lambda tx: tx.run(cypher("investigations/create_investigation"), row=row).consume())

    def _fetch(self, inv_id: str) -> dict[str, Any] | None:
        records, _, _ = self.store.driver.execute_query(
            cypher("investigations/get_investigation"), {"id": inv_id}, database_=self.store.database, routing_="r"
        )
        return _row(records[0]["row"]) if records else None

    def _swap(self, inv_id: str, expect: int, changes: dict[str, Any]) -> tuple[bool, dict[str, Any] | None]:
        def work(tx: Any) -> tuple[bool, dict[str, Any] | None]:
            locked = tx.run(cypher("investigations/lock_investigation"), id=inv_id).single()
            if locked is None:
                return False, None
            row = _row(locked["row"])
            if row["version"] != expect:
                return False, row
            done = tx.run(cypher("investigations/update_investigation"), id=inv_id, changes=changes).single()
            return True, _row(done["row"])

        with self._session() as session:
            return session.execute_write(work)  # type: ignore[no-any-return]

    def _rows(self, include_deleted: bool) -> list[dict[str, Any]]:
        records, _, _ = self.store.driver.execute_query(
            cypher("investigations/list_investigations"),
            {"include_deleted": include_deleted},
            database_=self.store.database,
            routing_="r",
        )
        return [_row(r) for r in records[0]["rows"]] if records else []

    def survivors(self, ids: Sequence[str]) -> dict[str, str]:
        records, _, _ = self.store.driver.execute_query(
            cypher("investigations/find_survivors"), {"ids": list(ids)}, database_=self.store.database, routing_="r"
        )
        out: dict[str, str] = {}
        for r in sorted(records[0]["rows"], key=lambda r: r["id"]) if records else []:
            for gone in r["gone"]:
                out.setdefault(gone, r["id"])
        return out

    def purge(self, confirm: bool = False) -> None:
        if not confirm:
            raise InvalidInput("purge needs confirm=True")
        self.store.driver.execute_query(
            cypher("investigations/delete_all_investigations"), database_=self.store.database
        )


def _row(props: dict[str, Any]) -> dict[str, Any]:
    """A node's properties as a row (a property set to null is absent on the node)."""
    return {c: props.get(c) for c in _COLUMNS if c != "chart" or c in props}


# -- one per open store ------------------------------------------------------------------------------
_OPEN: weakref.WeakKeyDictionary[GraphStore, InvestigationStore] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def investigations_of(store: GraphStore) -> InvestigationStore:
    """The investigations kept in ``store``'s own database (the table or constraint made on first use)."""
    with _LOCK:
        found = _OPEN.get(store)
        if found is None:
            if isinstance(store, EmbeddedStore):
                found = EmbeddedInvestigations(store)
            elif store.kind == "neo4j":
                found = Neo4jInvestigations(store)
            else:  # pragma: no cover - a third store would add its own implementation here
                raise InvalidInput(f"the {store.kind} store does not keep investigations")
            _OPEN[store] = found
        return found
