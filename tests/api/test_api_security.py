"""Keys, roles, rate limits, demo mode and the audit trail, through HTTP on both stores.

Every endpoint group: 401 without a valid key, 403 below its role, admitted at its role.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from compoundgraph.api.audit import AuditLog
from compoundgraph.api.security import ROLES
from compoundgraph.cli.main import app as cli
from compoundgraph.store import GraphStore
from tests.support.api import Api, make_api, problem

TRACE = {"wallets": ["wallet-collect"], "direction": "forward"}
# (method, url, json body, lowest role admitted)
ENDPOINTS = [
    ("GET", "/entities/org-lotus-holdings", None, "partner"),
    ("GET", "/search?q=lotus", None, "partner"),
    ("GET", "/subgraph/ego?id=compound-jade-river", None, "partner"),
    ("GET", "/subgraph/paths?from=person-tan-weiming&to=compound-golden-lotus", None, "partner"),
    ("GET", "/stats", None, "partner"),
    ("GET", "/exports/graphml", None, "partner"),
    ("POST", "/flows/trace", TRACE, "investigator"),
    ("GET", "/analytics/centrality", None, "analyst"),
    ("GET", "/analytics/communities", None, "analyst"),
    ("GET", "/analytics/brokers", None, "analyst"),
    ("GET", "/analytics/disruption", None, "analyst"),
    ("POST", "/cypher", {"query": "MATCH (n) RETURN count(n)"}, "analyst"),
    ("POST", "/ingest", None, "editor"),
]


def _call(api: Api, method: str, url: str, body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    if url == "/ingest":
        files = {"file": ("empty.jsonl", b"", "application/x-ndjson")}
        return api.client.post(url, headers=headers, files=files, data={"dry_run": "true"})
    return api.client.request(method, url, headers=headers, json=body)


def test_every_endpoint_group_needs_a_key_and_its_role(api: Api) -> None:
    for method, url, body, lowest in ENDPOINTS:
        assert problem(_call(api, method, url, body, {}))["status"] == 401, url
        assert problem(_call(api, method, url, body, {"X-API-Key": "cg_nope_nope"}))["status"] == 401, url
        for role in ROLES:
            r = _call(api, method, url, body, {"X-API-Key": api.keys[role]})
            if ROLES.index(role) < ROLES.index(lowest):
                body_ = problem(r)
                assert body_["status"] == 403 and lowest in body_["detail"], (url, role)
            else:
                # admitted: anything but an auth refusal (409 where the console needs Neo4j)
                assert r.status_code not in (401, 403), (url, role, r.text)
                assert r.status_code < 500, (url, role, r.text)


def test_bearer_header_works_and_keys_are_stored_hashed(api: Api) -> None:
    key = api.keys["investigator"]
    r = api.client.get("/stats", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200
    stored = api.keystore.path.read_text()
    assert key not in stored and key.split("_", 2)[2] not in stored
    assert all(len(k.sha256) == 64 for k in api.keystore.list())


def test_the_charts_route_reads_a_key_as_every_other_route_does(world: GraphStore, tmp_path: Path) -> None:
    """GET /subgraph/ego checks its caller in one call instead of FastAPI's dependency chain: every way of
    presenting a key (or a wrong one) gets the same answer there as on a route with the chain, and its calls
    count against the key's rate limit."""
    a = make_api(world, tmp_path, rate_per_minute=5)
    key = a.keys["partner"]
    forms = [
        {"X-API-Key": key},
        {"Authorization": f"Bearer {key}"},
        {"Authorization": f"bearer   {key}  "},
        {"Authorization": f"ApiKey {key}"},
        {"X-API-Key": "", "Authorization": f"Bearer {key}"},
        {"Authorization": f"Basic {key}"},
        {"Authorization": "Bearer "},
        {"X-API-Key": "cg_nope_nope"},
        {},
    ]
    chart = [a.client.get("/subgraph/ego", params={"id": "compound-jade-river"}, headers=h) for h in forms[:6]]
    assert [r.status_code for r in chart] == [200, 200, 200, 200, 200, 401]
    assert problem(chart[5])["detail"] == problem(a.client.get("/stats", headers=forms[5]))["detail"]
    for h in forms[6:]:
        ego, stats = a.client.get("/subgraph/ego?id=compound-jade-river", headers=h), a.client.get("/stats", headers=h)
        assert problem(ego)["status"] == 401 and problem(ego)["detail"] == problem(stats)["detail"], h
    r = a.client.get("/subgraph/ego", params={"id": "compound-jade-river"}, headers=forms[0])  # a 6th: 5 a minute
    assert problem(r)["status"] == 429 and int(r.headers["retry-after"]) >= 1
    assert problem(a.client.get("/stats", headers=forms[0]))["status"] == 429  # one bucket for both routes
    entries = [e for e in a.audit.entries() if e["path"] == "/subgraph/ego"]
    assert {e["role"] for e in entries if e["status"] == 200} == {"partner"}


def test_revoked_key_is_refused(api: Api) -> None:
    key_id = api.keys["analyst"].split("_")[1]
    assert api.get("/stats", role="analyst").status_code == 200
    api.keystore.revoke(key_id)
    body = problem(api.get("/stats", role="analyst"))
    assert body["status"] == 401 and "revoked" in body["detail"]


def test_rate_limit_per_key(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, rate_per_minute=3)
    codes = [a.get("/ontology").status_code for _ in range(2)]  # public: not limited
    codes = [a.get("/stats", role="partner").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200]
    r = a.get("/stats", role="partner")
    assert problem(r)["status"] == 429 and int(r.headers["retry-after"]) >= 1
    assert a.get("/stats", role="investigator").status_code == 200  # another key has its own bucket


def test_demo_mode_only_for_loopback(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, demo=True)
    r = a.client.get("/subgraph/ego", params={"id": "compound-jade-river"})
    assert r.status_code == 200
    remote = TestClient(a.app, client=("203.0.113.7", 40000))
    assert problem(remote.get("/subgraph/ego", params={"id": "compound-jade-river"}))["status"] == 401
    assert problem(a.client.post("/ingest", files={"file": ("x.jsonl", b"")}))["status"] == 403  # demo: analyst


def test_graph_reads_are_audited_and_chained(api: Api) -> None:
    api.get("/subgraph/ego", role="investigator", params={"id": "compound-jade-river"})
    api.get("/entities/org-lotus-holdings", role="partner")
    api.client.get("/stats")  # refused: audited too
    api.client.get("/health")  # not a graph read: not audited
    api.post("/cypher", role="analyst", json={"query": "MATCH (n) RETURN count(n) AS c"})
    entries = list(api.audit.entries())
    assert [e["path"] for e in entries] == ["/subgraph/ego", "/entities/org-lotus-holdings", "/stats", "/cypher"]
    assert entries[0]["actor"] == api.keys["investigator"].split("_")[1] and entries[0]["role"] == "investigator"
    assert entries[0]["entity"] == "compound-jade-river" and entries[0]["status"] == 200
    assert entries[2]["status"] == 401 and entries[2]["actor"] == "-"
    assert entries[3]["cypher"] == "MATCH (n) RETURN count(n) AS c"
    assert api.audit.verify().ok and api.audit.verify().entries == 4


def _cli_verify(monkeypatch: pytest.MonkeyPatch, path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COMPOUNDGRAPH_API_AUDIT_PATH", str(path))
    return CliRunner().invoke(cli, ["audit", "verify"])


@pytest.mark.parametrize("tamper", ["edit", "delete-middle", "delete-last", "insert", "edit-last"])
def test_audit_verify_detects_tampering(tamper: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for i in range(5):
        log.append("GET ego", "k1", "analyst", path="/subgraph/ego", n=i)
    ok = _cli_verify(monkeypatch, log.path)
    assert ok.exit_code == 0 and "5 entries" in ok.output
    lines = log.path.read_text().splitlines(keepends=True)
    if tamper == "edit":
        lines[2] = lines[2].replace('"n": 2', '"n": 7')
    elif tamper == "delete-middle":
        del lines[2]
    elif tamper == "delete-last":
        del lines[-1]
    elif tamper == "insert":
        lines.insert(3, json.dumps({**json.loads(lines[2]), "seq": 4}) + "\n")
    else:
        lines[-1] = lines[-1].replace('"n": 4', '"n": 9')
    log.path.write_text("".join(lines))
    result = log.verify()
    assert not result.ok
    bad = _cli_verify(monkeypatch, log.path)
    assert bad.exit_code == 1 and "broken" in bad.output


def test_cli_keys_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPOUNDGRAPH_API_KEYS_PATH", str(tmp_path / "keys.json"))
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "create", "Task force desk", "--role", "partner"])
    assert made.exit_code == 0, made.output
    key = made.output.strip().splitlines()[-1]
    assert key.startswith("cg_")
    key_id = key.split("_")[1]
    listed = runner.invoke(cli, ["keys", "list"])
    assert key_id in listed.output and "partner" in listed.output and key not in listed.output
    assert runner.invoke(cli, ["keys", "revoke", key_id]).exit_code == 0
    assert runner.invoke(cli, ["keys", "create", "x", "--role", "emperor"]).exit_code == 2


def test_serve_refuses_demo_mode_off_loopback() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--demo"])
    assert result.exit_code == 2 and "loopback" in result.output
