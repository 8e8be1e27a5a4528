"""The audit log against someone who can write its files but not read its key; awkward characters; modes."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compoundgraph.api.audit import GENESIS, AuditLog
from compoundgraph.cli.main import app as cli
from tests.support.api import Api, problem


def _log(tmp_path: Path, n: int = 5) -> AuditLog:
    log = AuditLog(tmp_path / "audit.jsonl")
    for i in range(n):
        log.append("GET ego", "k1", "analyst", path="/subgraph/ego", n=i)
    return log


def _verify_cli(monkeypatch: pytest.MonkeyPatch, log: AuditLog, *extra: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COMPOUNDGRAPH_API_AUDIT_PATH", str(log.path))
    return CliRunner().invoke(cli, ["audit", "verify", *extra])


def _rechain(lines: list[bytes]) -> tuple[list[bytes], str]:
    """What a forger without the key does: recompute the plain SHA-256 chain after an edit."""
    prev, out = GENESIS, []
    for raw in lines:
        entry = json.loads(raw)
        entry["prev"] = prev
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
        out.append(line)
        prev = hashlib.sha256(line).hexdigest()
    return out, prev


def test_an_edit_with_a_recomputed_chain_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _log(tmp_path)
    lines = log.path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"n": 2', b'"n": 7')
    forged, last = _rechain(lines)
    log.path.write_bytes(b"".join(forged))
    log.head_path.write_text(json.dumps({"seq": 5, "last": last}))
    assert not log.verify().ok
    assert _verify_cli(monkeypatch, log).exit_code == 1


def test_dropping_the_last_entries_and_rewriting_the_head_is_caught(tmp_path: Path) -> None:
    log = _log(tmp_path, 8)
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[:5]))
    # the forger knows line 6's prev field (the MAC of line 5) and writes a consistent-looking head
    log.head_path.write_text(json.dumps({"seq": 5, "last": json.loads(lines[5])["prev"]}))
    result = log.verify()
    assert not result.ok and "head" in result.problem


def test_a_missing_or_empty_log_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _log(tmp_path)
    log.path.unlink()
    log.head_path.unlink()
    assert not log.verify().ok and "missing" in log.verify().problem
    bad = _verify_cli(monkeypatch, log)
    assert bad.exit_code == 1 and "missing" in bad.output
    log.path.write_bytes(b"")
    assert not log.verify().ok


def test_an_empty_head_file_is_a_failure_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _log(tmp_path)
    log.head_path.write_bytes(b"")
    result = _verify_cli(monkeypatch, log)
    assert result.exit_code == 1 and "head file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_checkpoints_catch_a_rewrite_from_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _log(tmp_path, 3)
    monkeypatch.setenv("COMPOUNDGRAPH_API_AUDIT_PATH", str(log.path))
    out = CliRunner().invoke(cli, ["audit", "checkpoint", "-o", str(tmp_path / "cp.json")])
    assert out.exit_code == 0, out.output
    cp = json.loads((tmp_path / "cp.json").read_text())
    assert cp["seq"] == 3
    assert _verify_cli(monkeypatch, log, "--checkpoint", str(tmp_path / "cp.json")).exit_code == 0
    # someone with the key starts a fresh log of four entries: the chain is intact, the checkpoint is not
    log.path.unlink()
    log.head_path.unlink()
    _log(tmp_path, 4)
    assert log.verify().ok
    bad = _verify_cli(monkeypatch, log, "--checkpoint", str(tmp_path / "cp.json"))
    assert bad.exit_code == 1 and "checkpoint" in bad.output


def test_the_chain_is_keyed_and_the_key_kept_apart(tmp_path: Path) -> None:
    key_path = tmp_path / "secrets" / "audit.key"
    log = AuditLog(tmp_path / "logs" / "audit.jsonl", key_path=key_path)
    log.append("GET ego", "k1", "analyst")
    log.append("GET ego", "k1", "analyst")
    key = bytes.fromhex(key_path.read_text().strip())
    first, second = log.path.read_bytes().splitlines(keepends=True)
    assert json.loads(second)["prev"] == hmac.new(key, first, hashlib.sha256).hexdigest()
    assert json.loads(second)["prev"] != hashlib.sha256(first).hexdigest()
    assert not AuditLog(log.path, key=b"another key").verify().ok
    for p in (key_path, log.path, log.head_path):
        assert p.stat().st_mode & 0o777 == 0o600, p


@pytest.mark.parametrize("char", ["\ud800", "\u2028", "\u2029", "\u0085"])
def test_awkward_characters_are_escaped_and_audited(api: Api, char: str) -> None:
    # a lone surrogate is refused in the query text, but a parameter name carries it into the audit entry
    text = "MATCH (n) RETURN 1 AS c" if char == "\ud800" else f"MATCH (n) RETURN '{char}' AS c"
    r = api.client.post(
        "/cypher",
        content=json.dumps({"query": text, "params": {char: 1}}).encode(),
        headers={"X-API-Key": api.keys["analyst"], "Content-Type": "application/json"},
    )
    assert r.status_code < 500, r.text
    raw = api.audit.path.read_bytes()
    assert len(raw.splitlines()) == 1 == raw.count(b"\n")
    assert char.encode("utf-8", "surrogatepass") not in raw
    entry = json.loads(raw)
    assert entry["cypher"] == text and entry["params"] == [char]
    assert api.audit.verify().ok


def test_a_413_is_audited(api: Api) -> None:
    big = b"x" * (api.app.state.ctx.api.max_body_bytes + 1)
    body = problem(
        api.client.post(
            "/cypher", content=big, headers={"X-API-Key": api.keys["analyst"], "Content-Type": "application/json"}
        )
    )
    assert body["status"] == 413
    entries = list(api.audit.entries())
    assert [(e["path"], e["status"]) for e in entries] == [("/cypher", 413)]


def test_the_key_can_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from compoundgraph.api.config import ApiSettings
    from compoundgraph.settings import Settings

    key = "ab" * 32
    api = ApiSettings(audit_path=tmp_path / "audit.jsonl", audit_key=key)  # type: ignore[arg-type]
    log = api.audit_log(Settings(embedded_path=tmp_path / "s.sqlite"))
    log.append("GET ego", "k1", "analyst")
    assert not (tmp_path / "audit.key").exists()  # nothing on disk beside the log
    assert AuditLog(log.path, key=bytes.fromhex(key)).verify().ok
    assert not AuditLog(log.path, key=b"x" * 32).verify().ok
    with pytest.raises(ValidationError, match="hex"):
        ApiSettings(audit_key="not hex at all, not hex at all!!")  # type: ignore[arg-type]
    (tmp_path / "bad.key").write_text("zz\n")
    result = AuditLog(log.path, key_path=tmp_path / "bad.key").verify()
    assert not result.ok and "not hex" in result.problem
