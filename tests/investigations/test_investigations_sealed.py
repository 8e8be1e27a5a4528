"""Saved charts are sealed at rest: their notes cannot be read from the database (the Cypher console on
Neo4j, the SQLite file embedded), only through the investigations API; a chart does not open with another
key or on another investigation."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from compoundgraph.investigations import sealing
from compoundgraph.settings import get_settings
from compoundgraph.store import GraphStore
from compoundgraph.store.investigations import investigations_of
from tests.support.api import Api, make_api

from .test_api_investigations import chart

SECRET = "informant-7 met the recruiter at the Mae Sot bus station"


@pytest.fixture
def api(world: GraphStore, tmp_path: Path) -> Iterator[Api]:
    investigations_of(world).purge(confirm=True)
    a = make_api(world, tmp_path)
    yield a
    a.client.close()


def test_notes_are_sealed_in_the_database_and_open_through_the_api(api: Api, world: GraphStore) -> None:
    body = {**chart(), "notes": {"investigation": SECRET}}
    made = api.post("/investigations", role="investigator", json={"title": "Mae Sot route", "chart": body})
    assert made.status_code == 201, made.text
    inv = made.json()["id"]
    opened = api.get(f"/investigations/{inv}", role="investigator")
    assert opened.json()["chart"]["notes"]["investigation"] == SECRET
    if world.kind == "neo4j":  # what an analyst's console sees
        r = api.post("/cypher", role="analyst", json={"query": "MATCH (n:Investigation) RETURN n.chart AS c"})
        assert r.status_code == 200 and r.json()["rows"], r.text
        stored = r.json()["rows"][0][0]
        answer = api.post("/cypher", role="analyst", json={"query": "MATCH (n) RETURN n"}).text
        assert "informant-7" not in answer
    else:
        path = world.path  # type: ignore[attr-defined]
        with sqlite3.connect(path) as db:
            stored = db.execute("SELECT chart FROM investigations WHERE id = ?", (inv,)).fetchone()[0]
    assert stored.startswith(sealing.SEALED) and "informant-7" not in stored


def test_a_chart_opens_with_its_key_on_its_investigation_only(
    api: Api, world: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = investigations_of(world)
    made = api.post("/investigations", role="investigator", json={"title": "one", "chart": chart()}).json()
    sealed = sealing.seal('{"notes": {}}', made["id"])
    with pytest.raises(Exception, match="does not open"):
        sealing.unseal(sealed, "another-investigation")
    monkeypatch.setenv("COMPOUNDGRAPH_INVESTIGATIONS_KEY_PATH", str(tmp_path / "other.key"))
    get_settings.cache_clear()
    try:
        r = api.get(f"/investigations/{made['id']}", role="investigator")
        assert r.status_code == 422 and "does not open with the key" in r.text
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert store.get(made["id"]).title == "one"
    assert oct((Path(sealing.key_path())).stat().st_mode & 0o777) == "0o600"
