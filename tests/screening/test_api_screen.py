"""``POST /screen`` and the yente-compatible ``POST /match/{dataset}`` through HTTP, on both stores.

The ``api`` fixture (tests/conftest.py) serves the fixture world; each test adds ``screening.jsonl`` (a
fictional designation of Lotus Holdings and Tan Wei-Ming, an internal H2 listing of Colonel Aung Zaw, an
Ethereum wallet held by Lotus Holdings). ``/match`` is asked the queries of yente's own documentation.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from compoundgraph.loader import load_jsonl
from compoundgraph.store import GraphStore
from tests.support.api import Api, make_api, problem
from tests.support.world import ETH, ETH_ID, SCREENING


@pytest.fixture
def sapi(api: Api) -> Api:
    load_jsonl(api.store, [SCREENING])
    return api


def test_screen_rows(sapi: Api) -> None:
    body = {
        "rows": [
            {"key": "c1", "name": "陈伟明"},
            {"wallet": ETH.lower()},
            {"Wallet": ETH[:-1] + "d"},
            {"phone": "+855 12 345 678", "favourite colour": "red"},
            {"name": "Nobody Atall"},
        ],
        "threshold": 0.85,
    }
    r = sapi.post("/screen", role="investigator", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["summary"] == {"rows": 5, "rows_with_hits": 3, "rows_listed": 2, "rows_with_errors": 1, "hits": 3}
    assert out["unknown_columns"] == ["favourite colour"]
    tan, wallet, decoy, phone, nobody = out["rows"]
    assert tan["key"] == "c1" and tan["hits"][0]["entity"] == "person-tan-weiming" and tan["listed"]
    assert tan["hits"][0]["distance"] == {
        "hops": 2,
        "target": "compound-golden-lotus",
        "target_name": "Golden Lotus Park",
        "target_label": "Compound",
        "grade": "B2",
    }
    w = wallet["hits"][0]
    assert (w["entity"], w["how"], w["listed"]) == (ETH_ID, "normalised identifier", True)
    assert w["sanctions"][0]["via"] == "org-lotus-holdings"
    assert decoy["hits"] == [] and "EIP-55 checksum" in decoy["errors"][0] and decoy["where"] == "rows[2]"
    assert phone["hits"][0]["entity"] == "account-phone-nok" and nobody["hits"] == []
    audit = [e for e in sapi.audit.entries() if e["path"] == "/screen"]
    assert audit and audit[-1]["rows"] == 5


def test_screen_as_csv_and_bad_input(sapi: Api) -> None:
    r = sapi.post("/screen?format=csv", role="partner", json={"rows": [{"name": "Lotus Holdings Ltd"}, {"x": 1}]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(r.text)))
    assert lines[0]["entity"] == "org-lotus-holdings" and lines[0]["listed"] == "yes"
    assert lines[1]["errors"] == "nothing to screen: no name or identifier in this row"
    assert problem(sapi.post("/screen", json={"rows": [], "threshold": 2}))["status"] == 422
    assert problem(sapi.post("/screen", json={"rows": [{"name": "x"}], "min_grade": "Q9"}))["where"] == "min_grade"
    assert problem(sapi.post("/screen", role=None, json={"rows": []}))["status"] == 401


def test_partner_screens_against_what_partners_may_see(sapi: Api) -> None:
    rows = {"rows": [{"name": "Colonel Aung Zaw"}], "threshold": 0.9}
    full = sapi.post("/screen", role="analyst", json=rows).json()["rows"][0]["hits"][0]
    # the H2 listing and the H2 collusion claim with the militia are internal
    assert full["listed"] and full["sanctions"][0]["id"] == "event-screen-internal"
    assert full["distance"]["target"] == "armed-northern-hills" and full["distance"]["grade"] == "D4"
    # only an internal tip-line names him: for a partner he does not exist (the partner export drops him too)
    assert sapi.post("/screen", role="partner", json=rows).json()["rows"][0]["hits"] == []
    seen = sapi.post("/screen", role="partner", json={"rows": [{"name": "Tan Wei-Ming"}], "threshold": 0.9})
    assert seen.json()["rows"][0]["hits"][0]["entity"] == "person-tan-weiming"


def test_match_answers_yente_documentation_queries(sapi: Api) -> None:
    # the example of yente's /match documentation, and the quickstart's first-name / last-name query
    body = {
        "queries": {
            "entity1": {
                "schema": "Person",
                "properties": {"name": ["John Doe"], "birthDate": ["1975-04-21"], "nationality": ["us"]},
            },
            "entity2": {
                "schema": "Company",
                "properties": {
                    "name": ["Brilliant Amazing Limited"],
                    "jurisdiction": ["hk"],
                    "registrationNumber": ["84BA99810"],
                },
            },
            "q": {
                "schema": "Person",
                "properties": {"firstName": ["Aleksandr"], "lastName": ["Zacharov"], "birthDate": ["1965"]},
            },
            "tan": {"schema": "Person", "properties": {"firstName": ["Weiming"], "lastName": ["Tan"]}},
            "wallet": {"schema": "CryptoWallet", "properties": {"publicKey": [ETH.lower()]}},
            "lotus": {"schema": "Company", "properties": {"name": ["Lotus Holdings"], "jurisdiction": ["kh"]}},
        }
    }
    r = sapi.post("/match/default", role="partner", json=body, params={"limit": 3})
    assert r.status_code == 200, r.text
    assert r.headers["x-batch-size"] == "6"
    out = r.json()
    assert set(out) == {"responses", "matcher", "limit"} and out["limit"] == 3
    assert "name_fuzzy" in out["matcher"] and out["matcher"]["name_fuzzy"]["description"]
    resp = out["responses"]
    assert list(resp) == ["entity1", "entity2", "q", "tan", "wallet", "lotus"]
    for key in ("entity1", "entity2", "q"):
        assert resp[key]["status"] == 200 and resp[key]["results"] == []
        assert resp[key]["total"] == {"value": 0, "relation": "eq"}
    assert resp["entity1"]["query"]["schema"] == "Person"
    tan = resp["tan"]["results"][0]
    assert set(tan) >= {
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "score",
        "features",
        "match",
        "first_seen",
        "last_seen",
        "last_change",
    }
    assert (tan["id"], tan["schema"], tan["target"], tan["match"]) == ("person-tan-weiming", "Person", True, True)
    assert tan["properties"]["topics"] == ["sanction"] and "陈伟明" in tan["properties"]["alias"]
    assert all(isinstance(v, list) for v in tan["properties"].values())
    wallet = resp["wallet"]["results"][0]
    assert (wallet["id"], wallet["schema"], wallet["score"]) == (ETH_ID, "CryptoWallet", 1.0)
    assert wallet["properties"]["publicKey"] == [ETH]
    # a Company query matches organisations, never people or wallets
    assert {x["schema"] for x in resp["lotus"]["results"]} == {"Organization"}
    assert resp["lotus"]["results"][0]["id"] == "org-lotus-holdings"


def test_match_datasets_thresholds_and_errors(sapi: Api) -> None:
    q = {"queries": {"a": {"schema": "LegalEntity", "properties": {"name": ["Lotus Registry Holdings"]}}}}
    everything = sapi.post("/match/default", json=q, params={"cutoff": 0.3}).json()["responses"]["a"]["results"]
    listed = sapi.post("/match/sanctions", json=q, params={"cutoff": 0.3}).json()["responses"]["a"]["results"]
    assert {x["id"] for x in listed} == {"org-lotus-holdings"}
    assert {x["id"] for x in everything} >= {"org-lotus-holdings", "org-lotus-registry"}
    assert all(x["target"] for x in listed)
    strict = sapi.post("/match/default", json=q, params={"threshold": 0.99}).json()["responses"]["a"]["results"]
    assert any(not x["match"] for x in strict)  # returned above the cutoff, but not a match
    assert problem(sapi.post("/match/nope", json=q))["status"] == 404
    bad_schema = {"queries": {"a": {"schema": "Starship", "properties": {"name": ["x"]}}}}
    assert problem(sapi.post("/match/default", json=bad_schema))["where"] == "queries.a.schema"
    bad_wallet = {"queries": {"w": {"schema": "CryptoWallet", "properties": {"publicKey": [ETH[:-1] + "d"]}}}}
    p = problem(sapi.post("/match/default", json=bad_wallet))
    assert p["where"] == "queries.w" and "EIP-55" in p["detail"]
    assert problem(sapi.post("/match/default", json={"queries": {}}))["status"] == 422


def test_match_takes_the_key_as_yente_clients_send_it(sapi: Api) -> None:
    q = {"queries": {"a": {"schema": "Person", "properties": {"name": ["Tan Wei-Ming"]}}}}
    ok = sapi.client.post("/match/default", json=q, headers={"Authorization": f"ApiKey {sapi.keys['partner']}"})
    assert ok.status_code == 200 and ok.json()["responses"]["a"]["results"][0]["id"] == "person-tan-weiming"
    bad = sapi.client.post("/match/default", json=q, headers={"Authorization": "ApiKey cg_nope_nope"})
    assert problem(bad)["status"] == 401


# -- file uploads ------------------------------------------------------------------------------------------
def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_screen_upload_csv_xlsx_and_jsonl(sapi: Api) -> None:
    csv_file = f"key,name,wallet,favourite colour\nc1,陈伟明,,red\nc2,,{ETH.lower()},\nc3,,{ETH[:-1]}d,\n".encode()
    r = sapi.post(
        "/screen",
        role="investigator",
        files={"file": ("clients.csv", csv_file)},
        data={"threshold": "0.9", "max_hops": "2"},
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["summary"]["rows"] == 3 and out["unknown_columns"] == ["favourite colour"]
    tan, wallet, decoy = out["rows"]
    assert (tan["key"], tan["where"], tan["hits"][0]["entity"]) == ("c1", "line 2", "person-tan-weiming")
    assert tan["hits"][0]["distance"]["hops"] == 2
    assert wallet["hits"][0]["entity"] == ETH_ID and wallet["listed"]
    # a bad cell is reported on its row, naming the line and the column
    assert decoy["hits"] == [] and decoy["where"] == "line 4" and decoy["errors"][0].startswith("wallet: ")
    audit = [e for e in sapi.audit.entries() if e["path"] == "/screen"][-1]
    assert audit["filename"] == "clients.csv" and audit["rows"] == 3 and len(audit["sha256"]) == 64

    # the same answer from a workbook (a formula is refused on its row, never computed) and from JSON lines
    book = _xlsx([["Name", "Wallet"], ["Tan Wei-Ming", None], ['=HYPERLINK("x")', None], [None, ETH.lower()]])
    x = sapi.post("/screen?format=csv", files={"file": ("list.xlsx", book)})
    assert x.status_code == 200 and x.headers["content-type"].startswith("text/csv"), x.text
    lines = list(csv.DictReader(io.StringIO(x.text)))
    assert [ln["entity"] for ln in lines] == ["person-tan-weiming", "", ETH_ID]
    assert lines[1]["where"] == "sheet Clients row 3"
    assert lines[1]["errors"].startswith("name: ") and "formula" in lines[1]["errors"]
    jl = b'{"name": "Lotus Holdings"}\n\n{"wallet": "' + ETH.lower().encode() + b'"}\n'
    j = sapi.post("/screen", files={"file": ("rows.jsonl", jl)}).json()
    assert [r["hits"][0]["entity"] for r in j["rows"]] == ["org-lotus-holdings", ETH_ID]


def test_screen_upload_limits_and_errors(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, max_upload_bytes=4096, max_body_bytes=1024)
    try:
        # an upload may be larger than a JSON body, up to the ingest uploads' cap
        ok = a.post("/screen", files={"file": ("big.csv", b"name\n" + b"Tan Wei-Ming\n" * 200)})
        assert ok.status_code == 200 and ok.json()["summary"]["rows"] == 200
        assert problem(a.post("/screen", json={"rows": [{"name": "x" * 2000}]}))["status"] == 413
        big = problem(a.post("/screen", files={"file": ("big.csv", b"name\n" + b"Tan Wei-Ming\n" * 400)}))
        assert big["status"] == 413
        bad_type = problem(a.post("/screen", files={"file": ("list.pdf", b"%PDF-1.4")}))
        assert bad_type["status"] == 422 and bad_type["where"] == "file" and ".xlsx" in bad_type["detail"]
        broken = problem(a.post("/screen", files={"file": ("list.xlsx", b"PK\x03\x04 not a workbook")}))
        assert broken["status"] == 422 and broken["where"] == "list.xlsx" and "XLSX" in broken["detail"]
        empty = problem(a.post("/screen", files={"file": ("empty.csv", b"name\n")}))
        assert empty["status"] == 422 and "no rows" in empty["detail"]
        opt = problem(a.post("/screen", files={"file": ("a.csv", b"name\nx\n")}, data={"threshold": "2"}))
        assert opt["status"] == 422 and "threshold" in str(opt)
        extra = problem(a.post("/screen", files={"file": ("a.csv", b"name\nx\n")}, data={"colour": "red"}))
        assert extra["status"] == 422 and extra["where"] == "colour"
        nofile = problem(a.post("/screen", data={"threshold": "0.9"}, files={"other": ("a.csv", b"name\nx\n")}))
        assert nofile["status"] == 422
        two = {"file": ("a.csv", b"name\nx\n"), "more": ("b.csv", b"name\ny\n")}
        assert problem(a.post("/screen", files=two))["status"] == 422  # one file a request
        junk = a.client.post(
            "/screen",
            content=b"--x\r\nnot a part",
            headers={"X-API-Key": a.keys["admin"], "content-type": "multipart/form-data; boundary=x"},
        )
        assert problem(junk)["status"] == 422
        assert problem(a.post("/screen", role=None, files={"file": ("a.csv", b"name\nx\n")}))["status"] == 401
    finally:
        a.client.close()


def test_screen_upload_row_cap(sapi: Api) -> None:
    many = b"name\n" + b"Tan Wei-Ming\n" * 10_001
    r = problem(sapi.post("/screen", files={"file": ("many.csv", many)}))
    assert r["status"] == 413 and "10,000" in r["detail"] and r["where"].startswith("many.csv, line")


def test_screen_documents_both_bodies(sapi: Api) -> None:
    spec = sapi.client.get("/openapi.json").json()
    body = spec["paths"]["/screen"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    form = body["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and {"file", "threshold", "limit"} <= set(form["properties"])
