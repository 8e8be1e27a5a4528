"""The API's edges: UI endpoints behind keys, /health disclosure, body and header limits, upload names, XLSX
bombs, source URL schemes, security headers, file modes and the console's concurrency limit.

Store-backed checks run on both stores (``api`` / ``store``); the header cap is tested against a real
``compoundgraph serve`` process, and the console limit against the real Neo4j.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook

from compoundgraph.api.routers.ingest import safe_upload_name
from compoundgraph.errors import InvalidInput
from compoundgraph.ingest import Options, ingest
from compoundgraph.loader import load_jsonl
from compoundgraph.store import EmbeddedStore, GraphStore
from tests.support.api import Api, make_api, problem

LAYOUT = {"nodes": ["a", "b", "c"], "edges": [["a", "b"], ["b", "c"]]}
CHART = {"nodes": [{"id": "a", "label": "Person", "name": "A"}], "edges": []}


# -- the UI's CPU-heavy endpoints --------------------------------------------------------------------
def test_ui_endpoints_need_a_key(api: Api) -> None:
    for url, body in (("/ui/layout", LAYOUT), ("/ui/standalone", CHART)):
        assert problem(api.client.post(url, json=body))["status"] == 401, url
        assert problem(api.client.post(url, json=body, headers={"X-API-Key": "cg_x_y"}))["status"] == 401
        assert api.post(url, role="partner", json=body).status_code == 200, url


def test_ui_endpoints_are_rate_limited(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, rate_per_minute=3)
    codes = [a.post("/ui/layout", role="analyst", json=LAYOUT).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert a.post("/ui/standalone", role="analyst", json=CHART).status_code == 429


def test_ui_endpoints_in_demo_mode_only_for_loopback(world: GraphStore, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    a = make_api(world, tmp_path, demo=True)
    assert a.client.post("/ui/layout", json=LAYOUT).status_code == 200
    remote = TestClient(a.app, client=("203.0.113.7", 40000))
    assert problem(remote.post("/ui/layout", json=LAYOUT))["status"] == 401


# -- /health -------------------------------------------------------------------------------------------
def test_health_tells_strangers_only_status_and_kind(api: Api) -> None:
    public = api.client.get("/health").json()
    assert public == {"status": "ok", "store": {"kind": api.store.kind}, "versions": {}, "demo": False}
    for role in ("partner", "analyst", "editor"):
        assert api.get("/health", role=role).json()["versions"] == {}
    admin = api.get("/health", role="admin").json()
    assert "location" in admin["store"] and admin["versions"]["compoundgraph"]


# -- bodies --------------------------------------------------------------------------------------------
def _chunks(data: bytes, size: int = 512) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_chunked_bodies_over_the_limit_get_413(world: GraphStore, tmp_path: Path) -> None:
    a = make_api(world, tmp_path, max_body_bytes=1_024, max_upload_bytes=4_096)
    body = json.dumps({"query": "MATCH (n) RETURN n // " + "x" * 5_000}).encode()
    r = a.client.post(
        "/cypher", content=_chunks(body), headers={"X-API-Key": a.keys["analyst"], "Content-Type": "application/json"}
    )
    assert "content-length" not in r.request.headers
    assert problem(r)["status"] == 413
    boundary = "cgboundary"
    upload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\n'
            f"Content-Type: application/x-ndjson\r\n\r\n"
        ).encode()
        + b"{}\n" * 5_000
        + f"\r\n--{boundary}--\r\n".encode()
    )
    r = a.client.post(
        "/ingest",
        content=_chunks(upload),
        headers={"X-API-Key": a.keys["editor"], "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert problem(r)["status"] == 413
    assert [e["status"] for e in a.audit.entries()] == [413, 413]


# -- uploads -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["..", "./..", "x/..", "../", "...", "..\\..", "/", ""])
def test_upload_names_that_are_folders_are_made_safe(api: Api, name: str) -> None:
    assert safe_upload_name(name) == "upload"
    r = api.post(
        "/ingest",
        role="editor",
        files={"file": (name, b'{"x": 1}\n', "application/x-ndjson")},
        data={"dry_run": "true"},
    )
    assert r.status_code == 422, r.text  # the format cannot be told from "upload": a clear refusal, not a 500
    assert "upload" in problem(r)["detail"] or problem(r)["where"]


def test_upload_names_keep_their_extension() -> None:
    assert safe_upload_name("../../etc/people.csv") == "people.csv"
    assert safe_upload_name("C:\\tmp\\..\\x.xlsx") == "x.xlsx"
    assert safe_upload_name(".hidden.jsonl") == "hidden.jsonl"


def _xlsx_bomb(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "Persons"
    wb.active.append(["name"])
    wb.active.append(["Someone"])
    wb.save(path)
    lol = "".join(f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 10))
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(path) as src:
        items = {i.filename: src.read(i) for i in src.infolist()}
    items["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for n, data in items.items():
            dst.writestr(n, data)
    return path


def test_an_xlsx_entity_bomb_is_refused_with_422(api: Api, tmp_path: Path) -> None:
    bomb = _xlsx_bomb(tmp_path / "persons.xlsx")
    with pytest.raises(InvalidInput, match="XLSX"):
        ingest(api.store, [bomb], Options(), report_dir=None)
    r = api.post("/ingest", role="editor", files={"file": ("persons.xlsx", bomb.read_bytes())})
    body = problem(r)
    assert body["status"] == 422 and "XLSX" in body["detail"]


# -- source URLs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.domain)",
        "JavaScript:x",
        "data:text/html,<b>",
        "file:///etc/passwd",
        "vbscript:x",
        "//evil.example/x",
    ],
)
def test_non_web_source_urls_are_refused_at_ingest(store: GraphStore, tmp_path: Path, url: str) -> None:
    rows = tmp_path / "persons.csv"
    rows.write_text(f"name,source_title,source_url\nSomeone,Bulletin,{url}\n", encoding="utf-8")
    summary = ingest(store, [rows], Options(), report_dir=None)
    assert summary.rejected == 1 and "http(s)" in summary.rejects[0].reason
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"record": "source", "title": "Bulletin", "url": url}) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="http"):
        load_jsonl(store, [records])
    assert not [s for s in store.iter_sources() if s.url == url]
    fine = tmp_path / "more-persons.csv"
    fine.write_text("name,source_title,source_url\nSomeone,Bulletin,https://example.org/b\n", encoding="utf-8")
    assert ingest(store, [fine], Options(), report_dir=None).rejected == 0


# -- headers and files ---------------------------------------------------------------------------------
def test_security_headers(api: Api) -> None:
    for url in ("/", "/static/js/main.js", "/health", "/nope"):
        h = api.client.get(url).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "no-referrer"
    assert "content-security-policy" not in api.client.get("/docs").headers  # Swagger UI's CDN bootstrap
    assert api.client.get("/docs").headers["x-content-type-options"] == "nosniff"


def test_the_embedded_store_and_audit_log_are_private(tmp_path: Path, world: GraphStore) -> None:
    old = os.umask(0o022)
    try:
        s = EmbeddedStore(tmp_path / "new" / "store.sqlite")
        s.upsert([])
        a = make_api(world, tmp_path)
        a.get("/stats")
    finally:
        os.umask(old)
    assert (tmp_path / "new" / "store.sqlite").stat().st_mode & 0o777 == 0o600
    for p in tmp_path.glob("new/store.sqlite-*"):
        assert p.stat().st_mode & 0o777 == 0o600, p
    assert a.audit.path.stat().st_mode & 0o777 == 0o600


# -- request heads, against a real server ---------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raw(port: int, head: bytes, timeout: float = 30.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as c:
        try:
            c.sendall(head)
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        try:
            while chunk := c.recv(65536):
                out += chunk
        except (ConnectionResetError, TimeoutError):
            pass
        return out


def test_oversize_request_headers_get_431_from_a_real_server(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "COMPOUNDGRAPH_NEO4J_URI": "",
        "COMPOUNDGRAPH_EMBEDDED_PATH": str(tmp_path / "s.sqlite"),
        "COMPOUNDGRAPH_API_KEYS_PATH": str(tmp_path / "keys.json"),
    }
    cmd = [str(Path(sys.executable).with_name("compoundgraph")), "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        big = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (8 * 1024**2) + b"\r\n\r\n"
        answer = _raw(port, big)
        assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
        many = b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-H: 0123456789\r\n" * 20_000 + b"\r\n"
        assert _raw(port, many).startswith(b"HTTP/1.1 431")
        # a small head followed by a big body in the same packets is not a big head
        body = b'{"query": "' + b"x" * 300_000 + b'"}'
        post = (
            b"POST /cypher HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + body
        )
        assert _raw(port, post).startswith(b"HTTP/1.1 401"), "a body counted as head"
        # ordinary requests (keep-alive, several on one connection) still work
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            for _ in range(3):
                assert c.get("/health", headers={"X-Ok": "a" * 4_000}).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# -- the console ---------------------------------------------------------------------------------------
SLOW = "UNWIND range(1, 400000000) AS x WITH x WHERE x % 1000003 = 0 RETURN count(x) AS n"


def test_console_queries_are_limited_per_key(neo4j_driver: object, tmp_path: Path) -> None:
    from tests.support.neo4j import make_neo4j_store

    store = make_neo4j_store(neo4j_driver)
    a = make_api(store, tmp_path, cypher_concurrent_per_key=1, cypher_concurrent_total=2, cypher_timeout_s=4.0)
    results: list[int] = []
    slow = threading.Thread(
        target=lambda: results.append(a.post("/cypher", role="analyst", json={"query": SLOW}).status_code)
    )
    slow.start()
    try:
        deadline = time.monotonic() + 5
        while not a.app.state.ctx.console_slots._running and time.monotonic() < deadline:
            time.sleep(0.02)
        second = a.post("/cypher", role="analyst", json={"query": "RETURN 1 AS x"})
        assert problem(second)["status"] == 429 and "already running for this key" in problem(second)["detail"]
        other = a.post("/cypher", role="admin", json={"query": "RETURN 1 AS x"})
        assert other.status_code == 200, other.text
    finally:
        slow.join(timeout=60)
    assert results and results[0] in (200, 504)
    assert a.post("/cypher", role="analyst", json={"query": "RETURN 1 AS x"}).status_code == 200


def test_the_launcher_bounds_transactions(neo4j_driver: object) -> None:
    records, _, _ = neo4j_driver.execute_query(  # type: ignore[attr-defined]
        "SHOW SETTINGS YIELD name, value WHERE name IN ['db.transaction.timeout', 'db.memory.transaction.max', "
        "'dbms.memory.transaction.total.max'] RETURN name, value"
    )
    values = {r["name"]: r["value"] for r in records}
    assert values["db.transaction.timeout"] not in ("0s", "0")
    assert values["db.memory.transaction.max"] not in ("0B", "0")
    assert values["dbms.memory.transaction.total.max"] not in ("0B", "0")
