"""What only the embedded store has: its SQLite schema and the upgrade of a store written by an older one."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from compoundgraph.errors import StoreUnavailable
from compoundgraph.loader import load_jsonl
from compoundgraph.models import Claim
from compoundgraph.store import ClaimFilter, EmbeddedStore, GraphStore
from tests.support.world import WORLD


def _columns(store: GraphStore, reference: bool = False) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The graph columns by id (positions differ between stores and runs); ``reference``: the contract's
    own version, which iterates the records."""
    cols = GraphStore.graph_columns(store, ClaimFilter()) if reference else store.graph_columns(ClaimFilter())
    claims = sorted(
        (cols.ids[s], cols.ids[d], bytes(fp).hex())
        for s, d, fp in zip(cols.src.tolist(), cols.dst.tolist(), cols.fps, strict=True)
        if s >= 0 and d >= 0
    )
    return sorted(cols.ids), claims


def test_schema_1_store_gains_entity_rowids_on_open(tmp_path: Path) -> None:
    """A store written before claims carried their entities' rowids (schema 1) is upgraded when opened:
    the columns are added and filled, the projection index is built, and the graph reads the same."""
    path = tmp_path / "old.sqlite"
    store = EmbeddedStore(path)
    load_jsonl(store, [WORLD])
    expected = _columns(store)
    store.close()
    db = sqlite3.connect(path)
    db.executescript(
        "DROP INDEX claims_projection; ALTER TABLE claims DROP COLUMN s; ALTER TABLE claims DROP COLUMN o;"
        "UPDATE meta SET value = '1' WHERE key = 'schema_version';"
    )
    db.close()

    reopened = EmbeddedStore(path)
    assert reopened.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    assert reopened.db.execute("SELECT count(*) FROM claims WHERE s IS NULL AND o IS NULL").fetchone() == (0,)
    plan = reopened.db.execute("EXPLAIN QUERY PLAN SELECT type, s, o, fp FROM claims WHERE grade_r <= 6").fetchall()
    assert "claims_projection" in str(plan)
    assert _columns(reopened) == expected
    assert _columns(reopened) == _columns(reopened, reference=True) and len(expected[1]) > 30
    reopened.close()


def test_failed_upgrade_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    store = EmbeddedStore(path)
    load_jsonl(store, [WORLD])
    before = _columns(store, reference=True)
    store.close()
    db = sqlite3.connect(path)
    db.executescript(
        "DROP INDEX claims_projection; ALTER TABLE claims DROP COLUMN s; ALTER TABLE claims DROP COLUMN o;"
        "CREATE TRIGGER no_update BEFORE UPDATE ON claims BEGIN SELECT RAISE(ABORT, 'boom'); END;"
    )
    db.close()
    with pytest.raises(StoreUnavailable, match=r"schema 2.*boom"):
        EmbeddedStore(path)
    db = sqlite3.connect(path)
    assert {r[1] for r in db.execute("PRAGMA table_info(claims)")}.isdisjoint({"s", "o"})
    db.executescript("DROP TRIGGER no_update;")
    db.close()
    reopened = EmbeddedStore(path)
    assert _columns(reopened) == before == _columns(reopened, reference=True)
    reopened.close()


def test_graph_columns_of_an_empty_store(tmp_path: Path) -> None:
    cols = EmbeddedStore(tmp_path / "empty.sqlite").graph_columns()
    assert cols.ids == [] and cols.src.shape == (0,) and cols.fps.shape == (0, 12)
    assert np.array_equal(cols.dst, np.zeros(0, dtype=np.int64))


def _one_more_neighbour(store: GraphStore, hub: str, n: int) -> None:
    """Give ``hub`` a new neighbour: a copy of one of its neighbours, joined the way that one is."""
    template = next(c for c in store.claims_of([hub], ClaimFilter()) if c.subject != c.object)
    end = "object" if template.subject == hub else "subject"
    near = store.get_entities([getattr(template, end)])[getattr(template, end)]
    twin = near.model_copy(update={"id": f"{near.id}-twin-{n}", "name": f"{near.name} {n}"})
    data = template.model_dump()
    data.update({"id": "", end: twin.id})
    store.upsert([twin, Claim.model_validate(data)])


def test_kept_hub_degrees_follow_every_write(tmp_path: Path) -> None:
    """Hubs' degrees are kept between walks; a write through another connection (another process or
    thread) or through this one is seen by the next count, never an old kept one."""
    path = tmp_path / "e.sqlite"
    reader = EmbeddedStore(path, supernode_threshold=2)
    load_jsonl(reader, [WORLD])
    flt = ClaimFilter()
    everyone = [e.id for e in reader.iter_entities()]
    hub, degree = max(reader.degrees(everyone, flt).items(), key=lambda kv: kv[1])
    assert degree > 2 and reader.degrees([hub], flt) == {hub: degree}  # counted, then kept
    assert any(h == hub for h, _ in reader._hubs)

    other = EmbeddedStore(path)  # another connection: what another process or worker would write through
    _one_more_neighbour(other, hub, 1)
    assert reader.degrees([hub], flt) == {hub: degree + 1}

    _one_more_neighbour(reader, hub, 2)  # this connection's own write
    assert reader.degrees([hub], flt) == {hub: degree + 2}

    worker = threading.Thread(target=_one_more_neighbour, args=(reader, hub, 3))  # another thread's connection
    worker.start()
    worker.join()
    assert reader.degrees([hub], flt) == {hub: degree + 3}
    other.close()
    reader.close()
