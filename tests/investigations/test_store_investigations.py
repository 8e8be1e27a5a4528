"""Saved investigations in the store contract, run on both stores (embedded and a real Neo4j).

Fixtures as in ``test_store_contract.py`` (``store`` / ``world`` from conftest); ``inv`` is the store's
investigations, emptied first (Neo4j keeps ``Investigation`` nodes across tests: they are not ``Node``s, so
the store's ``delete_all`` leaves them).
"""

from __future__ import annotations

import threading

import pytest

from compoundgraph.errors import Conflict, InvalidInput, NotFound, TooLarge
from compoundgraph.exports.service import build_view
from compoundgraph.investigations.model import MAX_ENTITIES, MAX_NOTES_BYTES, Share, parse_chart
from compoundgraph.investigations.service import follow_changes
from compoundgraph.loader import record_to_json
from compoundgraph.models import Entity
from compoundgraph.store import GraphStore
from compoundgraph.store.investigations import InvestigationStore, investigations_of


@pytest.fixture
def inv(store: GraphStore) -> InvestigationStore:
    found = investigations_of(store)
    found.purge(confirm=True)
    return found


def chart(ids: list[str], **kw: object) -> dict:
    return {
        "entities": [
            {"id": i, "x": 10.0 * n, "y": -5.5 * n, "pinned": n % 2 == 0, "hidden": n == 1} for n, i in enumerate(ids)
        ],
        "filters": {"types": ["Compound", "Person"], "rel_types": ["OPERATES"], "min_grade": "C3"},
        "as_of": "2024-06-30",
        "notes": {
            "investigation": "Lead from the tip line; check with the task force.",
            "entities": {ids[0]: "owner per the field report"} if ids else {},
            "claims": {"claim-abc": "contested by a second source"},
        },
        "layout": {"kind": "manual", "options": {"physics": False}, "viewport": {"x": 1.5, "y": 2.0, "scale": 0.8}},
        **kw,
    }


WORLD_IDS = ["compound-golden-lotus", "org-lotus-holdings", "person-tan-weiming"]


def test_create_and_open_round_trip(inv: InvestigationStore) -> None:
    made = inv.create("Golden Lotus network", parse_chart(chart(WORLD_IDS)), owner="key-a")
    assert made.id.startswith("inv-") and made.version == 1 and made.owner == "key-a"
    assert made.created == made.modified and made.modified.endswith("Z") and made.modified_by == "key-a"
    got = inv.get(made.id)
    assert got == made
    assert [(e.id, e.x, e.y, e.pinned, e.hidden) for e in got.chart.entities] == [
        ("compound-golden-lotus", 0.0, -0.0, True, False),
        ("org-lotus-holdings", 10.0, -5.5, False, True),
        ("person-tan-weiming", 20.0, -11.0, True, False),
    ]
    assert got.chart.as_of == "2024-06-30" and got.chart.filters.min_grade == "C3"
    assert got.chart.notes.entities == {"compound-golden-lotus": "owner per the field report"}
    assert got.chart.notes.claims == {"claim-abc": "contested by a second source"}
    assert got.chart.layout.viewport.scale == 0.8
    assert got.entities == 3 and got.size > 100
    assert [s.id for s in inv.summaries()] == [made.id]
    with pytest.raises(NotFound, match="no investigation with id 'inv-nope'"):
        inv.get("inv-nope")


def test_update_versions_and_stale_conflict(inv: InvestigationStore) -> None:
    made = inv.create("Draft", parse_chart(chart(WORLD_IDS)), owner="key-a")
    v2 = inv.update(made.id, 1, "key-b", title="Renamed", chart=parse_chart(chart(WORLD_IDS[:1])))
    assert (v2.version, v2.title, v2.modified_by, v2.entities) == (2, "Renamed", "key-b", 1)
    assert v2.owner == "key-a" and v2.created == made.created and v2.modified >= made.modified
    with pytest.raises(Conflict) as caught:
        inv.update(made.id, 1, "key-a", title="Stale")
    assert "changed by key key-b at " + v2.modified in caught.value.detail
    assert "version 2" in caught.value.detail and caught.value.where == "version"
    assert inv.get(made.id).title == "Renamed"  # the stale save changed nothing


def test_concurrent_saves_of_one_version_one_wins(inv: InvestigationStore) -> None:
    made = inv.create("Race", parse_chart(chart(WORLD_IDS)), owner="key-a")
    results: list[str] = []

    def save(n: int) -> None:
        try:
            inv.update(made.id, 1, f"key-{n}", title=f"by {n}")
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 5 + ["ok"]
    assert inv.get(made.id).version == 2


def test_soft_delete_restore_and_shares(inv: InvestigationStore) -> None:
    made = inv.create("To share", parse_chart(chart(WORLD_IDS)), owner="key-a")
    shared = inv.update(
        made.id, 1, "key-a", shares=[Share(to="key:key-p", access="read"), Share(to="role:analyst", access="edit")]
    )
    assert [(s.to, s.access) for s in shared.shares] == [("key:key-p", "read"), ("role:analyst", "edit")]
    gone = inv.delete(made.id, "key-a")
    assert gone.deleted and gone.deleted_by == "key-a" and gone.version == 3
    with pytest.raises(NotFound):
        inv.get(made.id)
    with pytest.raises(NotFound):
        inv.update(made.id, 3, "key-a", title="x")
    assert inv.summaries() == []
    assert [s.id for s in inv.summaries(include_deleted=True)] == [made.id]
    back = inv.restore(made.id, "key-admin")
    assert back.deleted is None and back.version == 4 and back.modified_by == "key-admin"
    assert inv.get(made.id).chart.notes.investigation.startswith("Lead from the tip line")
    with pytest.raises(InvalidInput, match="not deleted"):
        inv.restore(made.id, "key-admin")


def test_investigations_never_show_up_in_graph_reads(world: GraphStore) -> None:
    inv = investigations_of(world)
    inv.purge(confirm=True)
    counts = world.counts()
    entities = [record_to_json(e) for e in world.iter_entities()]
    claims = [c.id for c in world.iter_claims()]
    columns = world.graph_columns()
    view = build_view(world, "internal")
    made = inv.create("Golden Lotus network", parse_chart(chart(WORLD_IDS)), owner="key-a")
    assert world.counts() == counts
    assert [record_to_json(e) for e in world.iter_entities()] == entities
    assert [c.id for c in world.iter_claims()] == claims
    assert world.get_entities([made.id]) == {} and world.node_labels([made.id]) == {}
    assert world.search("Golden Lotus")[0].id == "compound-golden-lotus"
    assert all(h.id != made.id for q in ("Golden Lotus network", "Golden Lotus", made.id) for h in world.search(q, 50))
    assert world.graph_columns().ids == columns.ids
    assert made.id not in world.to_networkx()
    after = build_view(world, "internal")
    assert set(after.entities) == set(view.entities) and len(after.claims) == len(view.claims)
    with pytest.raises(NotFound):
        world.entity(made.id)


def test_opening_follows_merges_and_reports_gone(world: GraphStore) -> None:
    inv = investigations_of(world)
    inv.purge(confirm=True)
    before = {e.id for e in world.iter_entities()}
    ids = ["person-merged-away", *sorted(before)]
    saved = inv.create("Everything", parse_chart(chart(ids)), owner="key-a")
    # an accepted merge leaves the survivor carrying the merged id in its referents
    tan = world.get_entities(["person-tan-weiming"])["person-tan-weiming"]
    world.upsert([Entity.model_validate({**tan.model_dump(), "referents": ["person-merged-away"]})])
    world.retract_source("src-tipline-0042")
    gone = before - {e.id for e in world.iter_entities()}
    assert gone  # the fixture has entities known only from the tip line
    opened, changes = follow_changes(world, inv.get(saved.id).chart)
    assert changes.merged == {"person-merged-away": "person-tan-weiming"}
    assert changes.gone == sorted(gone)
    assert "merged" in changes.message() and "no longer in the graph" in changes.message()
    on_chart = [e.id for e in opened.entities]
    assert "person-merged-away" not in on_chart and on_chart.count("person-tan-weiming") == 1
    assert not gone & set(on_chart)
    # the merged id's note moved to the survivor; the saved record is untouched until saved again
    assert inv.get(saved.id).entities == len(ids)


def test_merged_survivor_takes_position_when_not_on_chart(world: GraphStore) -> None:
    inv = investigations_of(world)
    inv.purge(confirm=True)
    saved = inv.create("Merge", parse_chart(chart(["person-merged-away", "compound-golden-lotus"])), owner="k")
    tan = world.get_entities(["person-tan-weiming"])["person-tan-weiming"]
    world.upsert([Entity.model_validate({**tan.model_dump(), "referents": ["person-merged-away"]})])
    opened, changes = follow_changes(world, inv.get(saved.id).chart)
    first = opened.entities[0] if opened.entities[0].id == "person-tan-weiming" else opened.entities[1]
    assert (first.id, first.x, first.y, first.pinned) == ("person-tan-weiming", 0.0, 0.0, True)
    assert opened.notes.entities == {"person-tan-weiming": "owner per the field report"}
    assert changes.gone == []


def test_corrupt_saved_chart_is_refused_clearly(inv: InvestigationStore, store: GraphStore) -> None:
    made = inv.create("Will break", parse_chart(chart(WORLD_IDS)), owner="key-a")
    bad = '{"entities": [], "layout": {"kind": "spiral"}}'
    if store.kind == "embedded":
        store.db.execute("UPDATE investigations SET chart = ? WHERE id = ?", (bad, made.id))  # type: ignore[attr-defined]
    else:
        store.driver.execute_query(
            "MATCH (i:Investigation {id: $id}) SET i.chart = $bad",  # type: ignore[attr-defined]
            id=made.id,
            bad=bad,
        )
    with pytest.raises(InvalidInput) as caught:
        inv.get(made.id)
    assert caught.value.where == f"investigation {made.id}: chart.layout.kind"
    # it stays listed and can still be deleted
    assert [s.id for s in inv.summaries()] == [made.id]
    inv.delete(made.id, "key-a")


def test_limits_and_bad_layouts_name_the_problem() -> None:
    with pytest.raises(TooLarge, match="20,001 entities on the chart; the limit is 20,000"):
        parse_chart({"entities": [{"id": f"e{i}", "x": 0, "y": 0} for i in range(MAX_ENTITIES + 1)]})
    with pytest.raises(TooLarge, match="the limit is 5,242,880 bytes") as caught:
        parse_chart({"notes": {"investigation": "x" * (MAX_NOTES_BYTES + 1)}})
    assert caught.value.where == "chart.notes"
    parse_chart({"entities": [{"id": f"e{i}", "x": i, "y": 0} for i in range(MAX_ENTITIES)]})  # at the limit
    cases = [
        ({"entities": [{"id": "a", "x": float("nan"), "y": 0}]}, "chart.entities.0.x", "finite"),
        ({"entities": [{"id": "a", "x": 0, "y": 0}, {"id": "a", "x": 1, "y": 1}]}, "chart", "twice"),
        ({"layout": {"kind": "spiral"}}, "chart.layout.kind", "manual"),
        ({"layout": {"viewport": {"scale": 0}}}, "chart.layout.viewport.scale", "above 0"),
        ({"layout": "force"}, "chart.layout", "valid dictionary"),
        ({"notes": {"entities": {"ghost": "x"}}}, "chart", "not an entity on the chart"),
        ({"as_of": "2024-02-30"}, "chart.as_of", "not a real date"),
        ({"entities": [{"id": "a", "x": 0, "y": 0, "colour": "red"}]}, "chart.entities.0.colour", "Extra"),
    ]
    for data, where, words in cases:
        with pytest.raises(InvalidInput) as err:
            parse_chart(data)
        assert err.value.where == where, (data, err.value)
        assert words in err.value.detail, (data, err.value.detail)
    with pytest.raises(InvalidInput, match="expected a JSON object"):
        parse_chart([1, 2])
