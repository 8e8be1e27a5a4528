"""``/investigations`` on both stores: every role, sharing, conflicts, soft delete, the partner redaction of a
shared investigation (checked against what ``/entities`` gives the same partner key), bad input and the
audit chain.

Fixtures: ``api`` from tests/conftest.py (the fixture world, one key per role); investigations left in
Neo4j by earlier tests are purged first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from compoundgraph.models import Claim
from compoundgraph.store import ClaimFilter, GraphStore
from compoundgraph.store.investigations import investigations_of
from tests.support.api import Api, make_api, problem

CHART_IDS = [
    "compound-golden-lotus",
    "org-lotus-holdings",
    "person-tan-weiming",
    "person-aung-zaw",
    "case-0001",
    "armed-northern-hills",
    "src-mekong-watch-2024",
    "src-tipline-0042",
]


@pytest.fixture
def api(world: GraphStore, tmp_path: Path) -> Iterator[Api]:
    investigations_of(world).purge(confirm=True)
    a = make_api(world, tmp_path)
    yield a
    a.client.close()


def key_id(a: Api, role: str) -> str:
    return a.keys[role].split("_")[1]


def chart(ids: list[str] = CHART_IDS) -> dict:
    return {
        "entities": [{"id": i, "x": float(n), "y": 2.0 * n, "pinned": n == 0} for n, i in enumerate(ids)],
        "as_of": "2024-06-30",
        "filters": {"min_grade": "D5"},
        "notes": {"investigation": "shared with the task force", "entities": {i: f"note on {i}" for i in ids}},
        "layout": {"kind": "force"},
    }


def h(a: Api, role: str) -> dict[str, str]:
    return {"X-API-Key": a.keys[role]}


def create(a: Api, role: str = "investigator", **kw: object) -> dict:
    r = a.post("/investigations", role=role, json={"title": "Golden Lotus", "chart": chart(), **kw})
    assert r.status_code == 201, r.text
    return r.json()


def test_roles_that_create(api: Api) -> None:
    for role in ("investigator", "analyst", "editor", "admin"):
        body = create(api, role)
        assert body["owner"] == key_id(api, role) and body["version"] == 1 and body["access"] == "owner"
        assert body["changes"] == {
            "changed": False,
            "gone": [],
            "merged": {},
            "message": "the graph has not changed under this investigation",
        }
        assert [e["id"] for e in body["chart"]["entities"]] == CHART_IDS
    assert problem(api.post("/investigations", role="partner", json={"title": "x"})).get("status") == 403
    assert api.post("/investigations", role=None, json={"title": "x"}).status_code == 401
    mine = api.get("/investigations", role="analyst").json()["investigations"]
    assert [(i["owner"], i["owner_name"], i["access"]) for i in mine] == [
        (key_id(api, "analyst"), "test analyst", "owner")
    ]


def test_others_private_investigation_is_404_like_an_unknown_id(api: Api) -> None:
    made = create(api)
    _, other = api.keystore.create("another investigator", "investigator")
    unknown = problem(api.get("/investigations/inv-0000000000000000"))
    assert unknown["status"] == 404
    for role_key in (other, api.keys["admin"], api.keys["partner"], api.keys["analyst"]):
        r = api.client.get(f"/investigations/{made['id']}", headers={"X-API-Key": role_key})
        body = problem(r)
        assert r.status_code == 404 and body["detail"] == f"no investigation with id {made['id']!r}"
    hdr = {"X-API-Key": other}
    assert (
        api.client.put(f"/investigations/{made['id']}", headers=hdr, json={"version": 1, "title": "x"}).status_code
        == 404
    )
    assert api.client.delete(f"/investigations/{made['id']}", headers=hdr).status_code == 404
    assert api.client.put(f"/investigations/{made['id']}/shares", headers=hdr, json={"shares": []}).status_code == 404
    assert api.client.get("/investigations", headers=hdr).json() == {"investigations": []}


def test_update_and_stale_version_is_409_naming_who_and_when(api: Api) -> None:
    made = create(api)
    url = f"/investigations/{made['id']}"
    r = api.client.put(url, headers=h(api, "investigator"), json={"version": 1, "title": "Renamed"})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["title"] == "Renamed"
    assert r.json()["chart"] == made["chart"]  # a title-only save keeps the chart
    stale = api.client.put(url, headers=h(api, "investigator"), json={"version": 1, "chart": {}})
    body = problem(stale)
    assert stale.status_code == 409 and body["where"] == "version"
    assert f"changed by key {key_id(api, 'investigator')} at {r.json()['modified']}" in body["detail"]
    assert api.get(url, role="investigator").json()["title"] == "Renamed"


def test_sharing_read_edit_and_roles(api: Api) -> None:
    made = create(api)
    url = f"/investigations/{made['id']}"
    _, other = api.keystore.create("colleague", "investigator")
    other_id = other.split("_")[1]
    r = api.client.put(
        url + "/shares",
        headers=h(api, "investigator"),
        json={"shares": [{"to": f"key:{other_id}", "access": "edit"}, {"to": "role:analyst", "access": "read"}]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["shares"] == [{"to": f"key:{other_id}", "access": "edit"}, {"to": "role:analyst", "access": "read"}]
    hdr = {"X-API-Key": other}
    saved = api.client.put(url, headers=hdr, json={"version": 2, "title": "By a colleague"})
    assert saved.status_code == 200 and saved.json()["modified_by"] == other_id and saved.json()["access"] == "edit"
    # edit access does not share or delete
    assert problem(api.client.put(url + "/shares", headers=hdr, json={"shares": []}))["status"] == 403
    assert problem(api.client.delete(url, headers=hdr))["status"] == 403
    # role:analyst reaches analysts and above, read only
    for role in ("analyst", "editor", "admin"):
        opened = api.get(url, role=role)
        assert opened.status_code == 200 and opened.json()["access"] == "read"
        assert problem(api.client.put(url, headers=h(api, role), json={"version": 3, "title": "x"}))["status"] == 403
    assert api.get(url, role="partner").status_code == 404  # not shared with partners
    # bad shares are refused, naming the entry
    for shares, where in (
        ([{"to": "key:nobody", "access": "read"}], "shares.0.to"),
        ([{"to": "role:emperor", "access": "read"}], "shares.0.to"),
        ([{"to": f"key:{key_id(api, 'partner')}", "access": "edit"}], "shares.0.access"),
        ([{"to": "role:partner", "access": "edit"}], "shares.0.access"),
    ):
        bad = api.client.put(url + "/shares", headers=h(api, "investigator"), json={"shares": shares})
        assert bad.status_code == 422 and problem(bad)["where"] == where, bad.text


def test_partner_gets_the_partner_redaction(api: Api) -> None:
    made = create(api)
    url = f"/investigations/{made['id']}"
    claims = api.get("/entities/org-lotus-holdings").json()["claims"]
    restricted = next(c["id"] for c in claims if c["handling"] == "H2")
    open_claim = next(
        c["id"]
        for c in claims
        if c["handling"] in ("H0", "H1") and c["object"] in CHART_IDS and c["subject"] in CHART_IDS
    )
    notes = {**chart()["notes"], "claims": {restricted: "from the tip line", open_claim: "field report"}}
    api.client.put(url, headers=h(api, "investigator"), json={"version": 1, "chart": {**chart(), "notes": notes}})
    r = api.client.put(
        url + "/shares",
        headers=h(api, "investigator"),
        json={"shares": [{"to": f"key:{key_id(api, 'partner')}", "access": "read"}]},
    )
    assert r.status_code == 200, r.text
    opened = api.get(url, role="partner")
    assert opened.status_code == 200, opened.text
    body = opened.json()
    shown = [e["id"] for e in body["chart"]["entities"]]
    # exactly what the partner's own entity reads allow
    for i in CHART_IDS:
        path = f"/entities/{i}" if not i.startswith("src-") else None
        if path:
            assert (i in shown) == (api.get(path, role="partner").status_code == 200), i
    assert "case-0001" not in shown and "src-tipline-0042" not in shown and "src-mekong-watch-2024" in shown
    assert "compound-golden-lotus" in shown and "person-aung-zaw" not in shown
    assert set(body["chart"]["notes"]["entities"]) == set(shown)
    assert body["chart"]["notes"]["claims"] == {open_claim: "field report"}
    assert body["access"] == "read" and body["shares"] == [] and body["entities"] == len(shown)
    listed = api.get("/investigations", role="partner").json()["investigations"]
    assert [(i["id"], i["entities"], i["size"], i["shares"], i["owner_name"]) for i in listed] == [
        (made["id"], None, None, [], None)
    ]
    assert problem(api.client.put(url, headers=h(api, "partner"), json={"version": 3, "title": "x"}))["status"] == 403
    # even an edit share by role gives a partner read access only
    assert api.get(url, role="investigator").json()["chart"]["notes"]["claims"][restricted] == "from the tip line"


def test_soft_delete_and_admin_restore(api: Api) -> None:
    made = create(api)
    url = f"/investigations/{made['id']}"
    gone = api.client.delete(url, headers=h(api, "investigator"))
    assert gone.status_code == 200 and gone.json()["deleted"]
    assert gone.json()["deleted_by"] == key_id(api, "investigator")
    assert api.get(url, role="investigator").status_code == 404
    assert api.get("/investigations", role="investigator").json() == {"investigations": []}
    assert problem(api.get("/investigations?deleted=true", role="editor"))["status"] == 403
    deleted = api.get("/investigations?deleted=true", role="admin").json()["investigations"]
    assert [(d["id"], d["access"]) for d in deleted] == [(made["id"], "admin")]
    assert api.post(url + "/restore", role="editor").status_code == 403
    back = api.post(url + "/restore", role="admin")
    assert back.status_code == 200 and back.json()["deleted"] is None
    assert api.get(url, role="investigator").json()["chart"] == made["chart"]
    assert api.post(url + "/restore", role="admin").status_code == 422  # not deleted
    assert api.post("/investigations/inv-0000000000000000/restore", role="admin").status_code == 404


def test_bad_input(api: Api) -> None:
    big = {"entities": [{"id": f"e{i}", "x": 0, "y": 0} for i in range(20_001)]}
    r = api.post("/investigations", role="investigator", json={"title": "big", "chart": big})
    assert r.status_code == 413 and "the limit is 20,000" in problem(r)["detail"]
    notes = {"notes": {"investigation": "n" * (5 * 1024 * 1024 + 1)}}
    r = api.post("/investigations", role="investigator", json={"title": "long notes", "chart": notes})
    assert r.status_code == 413 and "5,242,880 bytes" in problem(r)["detail"]
    assert problem(r)["where"] == "chart.notes"
    r = api.post(
        "/investigations",
        role="investigator",
        json={"title": "corrupt", "chart": {"layout": {"kind": "force", "viewport": {"scale": -1}}}},
    )
    assert r.status_code == 422 and problem(r)["where"] == "chart.layout.viewport.scale"
    r = api.post("/investigations", role="investigator", json={"title": "corrupt", "chart": {"layout": [1]}})
    assert r.status_code == 422 and problem(r)["where"] == "chart.layout"
    assert api.post("/investigations", role="investigator", json={"title": "", "chart": {}}).status_code == 422
    assert investigations_of(api.store).summaries() == []  # nothing refused was stored
    made = create(api)
    r = api.client.put(
        f"/investigations/{made['id']}",
        headers=h(api, "investigator"),
        json={"version": 1, "chart": {"entities": [{"id": "a", "x": "left", "y": 0}]}},
    )
    assert r.status_code == 422 and problem(r)["where"] == "chart.entities.0.x"
    assert api.get(f"/investigations/{made['id']}", role="investigator").json()["version"] == 1


def test_opening_says_what_changed(api: Api) -> None:
    made = create(api)
    api.store.retract_source("src-tipline-0042")
    body = api.get(f"/investigations/{made['id']}", role="investigator").json()
    assert body["changes"]["changed"] and "person-aung-zaw" in body["changes"]["gone"]
    assert "src-tipline-0042" in body["changes"]["gone"]
    assert "no longer in the graph" in body["changes"]["message"]
    assert "person-aung-zaw" not in [e["id"] for e in body["chart"]["entities"]]


def test_every_action_is_in_the_audit_chain(api: Api) -> None:
    made = create(api)
    url = f"/investigations/{made['id']}"
    api.get(url, role="investigator")
    api.client.put(url, headers=h(api, "investigator"), json={"version": 1, "title": "t"})
    api.client.put(url + "/shares", headers=h(api, "investigator"), json={"shares": [{"to": "role:analyst"}]})
    api.get("/investigations", role="analyst")
    api.client.delete(url, headers=h(api, "investigator"))
    api.post(url + "/restore", role="admin")
    api.get(url, role="partner")
    entries = [e for e in api.audit.entries() if e.get("path", "").startswith("/investigations")]
    assert [(e["op"], e.get("investigation"), e["status"]) for e in entries] == [
        ("create", made["id"], 201),
        ("open", made["id"], 200),
        ("update", made["id"], 200),
        ("share", made["id"], 200),
        ("list", None, 200),
        ("delete", made["id"], 200),
        ("restore", made["id"], 200),
        ("open", made["id"], 404),
    ]
    assert api.audit.verify().ok


def test_saved_traces_say_when_the_graph_under_them_changed(api: Api) -> None:
    params = {"wallets": ["wallet-collect"], "direction": "forward", "method": "fifo"}
    traced = api.post("/flows/trace", role="investigator", json=params).json()
    traces = [
        {"title": "From the collection wallet", "params": params, "stamp": traced["stamp"]},
        {"title": "Broken", "params": {"wallets": []}, "stamp": {}},
    ]
    made = api.post(
        "/investigations", role="investigator", json={"title": "Money", "chart": {**chart(), "traces": traces}}
    ).json()
    url = f"/investigations/{made['id']}/traces/check"
    first = api.post(url, role="investigator").json()["traces"]
    assert first[0]["changed"] is False and first[0]["current_stamp"] == traced["stamp"]["id"]
    assert first[1]["changed"] is None and "wallets" in first[1]["error"]
    # a later transfer out of a wallet on the trace changes what the trace reads
    api.store.upsert(
        [
            Claim(
                type="TRANSFERRED",
                subject="wallet-tan",
                object="wallet-collect",
                grade="A1",
                source="src-mekong-watch-2024",
                properties={
                    "tx_hash": "f" * 64,
                    "log_index": 0,
                    "amount": "10",
                    "asset": "USDT",
                    "timestamp": "2024-02-02T10:00:00Z",
                },
            )
        ]
    )
    again = api.post(url, role="investigator").json()["traces"]
    assert again[0]["changed"] is True and again[0]["saved_stamp"] == traced["stamp"]["id"]
    assert problem(api.post(url, role="partner"))["status"] == 403
    assert api.post(url, role="analyst").status_code == 404  # not shared


def test_the_entities_and_claims_of_a_saved_chart(api: Api) -> None:
    """``GET /investigations/{id}/subgraph``: what the web UI draws on opening; the saved claim list is kept."""
    made = create(api)
    url = f"/investigations/{made['id']}"
    sg = api.get(url + "/subgraph", role="investigator").json()
    assert sorted(n["id"] for n in sg["nodes"]) == sorted(CHART_IDS)
    between = {c.id for c in api.store.claims_between(CHART_IDS, ClaimFilter())}
    assert {e["id"] for e in sg["edges"]} == between and len(between) > 2  # no list saved: every claim between
    kept = sorted(between)[:2]
    r = api.client.put(url, headers=h(api, "investigator"), json={"version": 1, "chart": {**chart(), "claims": kept}})
    assert r.status_code == 200 and r.json()["chart"]["claims"] == kept
    assert sorted(e["id"] for e in api.get(url + "/subgraph", role="investigator").json()["edges"]) == kept
    report = api.get(url + "/report", role="investigator").text
    assert report.count('<li id="claim-') == len(kept)
    # partners: the redacted chart's entities, and only the claims they may read (also in the saved list)
    api.client.put(
        url + "/shares",
        headers=h(api, "investigator"),
        json={"shares": [{"to": f"key:{key_id(api, 'partner')}", "access": "read"}]},
    )
    theirs = api.get(url, role="partner").json()["chart"]
    psg = api.get(url + "/subgraph", role="partner").json()
    assert sorted(n["id"] for n in psg["nodes"]) == sorted(e["id"] for e in theirs["entities"])
    assert "case-0001" not in {n["id"] for n in psg["nodes"]}
    readable = {
        c["id"]
        for i in theirs["entities"]
        if not i["id"].startswith("src-")
        for c in api.get(f"/entities/{i['id']}", role="partner").json()["claims"]
    }
    assert set(theirs["claims"]) <= readable and {e["id"] for e in psg["edges"]} <= readable
    assert set(theirs["claims"]) == {e["id"] for e in psg["edges"]}
    assert api.get("/investigations/inv-0000000000000000/subgraph", role="investigator").status_code == 404
