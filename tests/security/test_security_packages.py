"""Partner packages under attack: decompression bombs, untrusted signers, replays; YAML alias bombs.

Packages are made from the fixture world with real Ed25519 keys; imports go into both stores.
"""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from compoundgraph.cli.main import app as cli
from compoundgraph.errors import InvalidInput
from compoundgraph.exports import build_view, create_package, import_package, verify_package
from compoundgraph.exports import package as package_mod
from compoundgraph.exports.keys import fingerprint, generate_keypair, load_private_key, load_public_key
from compoundgraph.exports.package import PackageInvalid
from compoundgraph.exports.trust import TrustStore
from compoundgraph.ingest import Options, ingest
from compoundgraph.loader import load_jsonl
from compoundgraph.settings import get_settings
from compoundgraph.store import EmbeddedStore, GraphStore
from tests.support.api import make_api, problem
from tests.support.world import WORLD

BOMB_BYTES = 300 * 1024**2  # inflates from about 300 KB


@pytest.fixture
def origin(tmp_path: Path) -> EmbeddedStore:
    s = EmbeddedStore(tmp_path / "origin.sqlite")
    load_jsonl(s, [WORLD])
    return s


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return generate_keypair(tmp_path / "keys", "agency")


def _package(origin: GraphStore, key: Path, out: Path) -> Path:
    return create_package(build_view(origin, "partner"), out, ["csv"], load_private_key(key))


def _with_bomb(pkg: Path, out: Path, member: str = "csv/nodes.csv") -> Path:
    """The same zip with one listed member replaced by hundreds of MB of zeros (manifest untouched)."""
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == member:
                with dst.open(member, "w", force_zip64=True) as f:
                    zeros = bytes(1 << 20)
                    for _ in range(BOMB_BYTES >> 20):
                        f.write(zeros)
            else:
                dst.writestr(info, src.read(info))
    return out


def test_a_bomb_inside_a_signed_package_is_not_inflated(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path, store: GraphStore
) -> None:
    pkg = _package(origin, keys[0], tmp_path / "pkg.zip")
    bomb = _with_bomb(pkg, tmp_path / "bomb.zip")
    assert bomb.stat().st_size < 5 * 1024**2
    tracemalloc.start()
    try:
        v = verify_package(bomb, keys[1])
        with pytest.raises(PackageInvalid, match=r"csv/nodes\.csv"):
            import_package(store, bomb, keys[1])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not v.ok and v.signature_ok and v.changed == ["csv/nodes.csv"]
    assert peak < 32 * 1024**2, f"{peak:,} bytes allocated verifying a bomb"
    assert store.counts()["labels"] == {}


def test_an_unsigned_bomb_is_refused_before_any_member_is_read(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    """A bomb whose manifest is signed by someone else: nothing but the manifest is read."""
    stranger = generate_keypair(tmp_path / "stranger", "x")
    pkg = _package(origin, stranger[0], tmp_path / "pkg.zip")
    bomb = _with_bomb(pkg, tmp_path / "bomb.zip", "compoundgraph.jsonl")
    tracemalloc.start()
    try:
        v = verify_package(bomb, keys[1])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not v.signature_ok and "not read" in v.summary()
    assert peak < 16 * 1024**2  # memory is asserted; speed is measured in benchmarks/bench_security.py


def test_a_manifest_declaring_too_much_is_refused(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _package(origin, keys[0], tmp_path / "pkg")
    assert verify_package(pkg, keys[1]).ok
    monkeypatch.setattr(package_mod, "MAX_BYTES", 1_000)
    v = verify_package(pkg, keys[1])
    assert not v.ok and "declares" in v.summary()


def test_unknown_signers_are_refused_unless_accepted(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path, store: GraphStore
) -> None:
    pkg = _package(origin, keys[0], tmp_path / "pkg.zip")
    trust = TrustStore(tmp_path / "trust.json")
    fp = fingerprint(load_public_key(keys[1]))
    with pytest.raises(PackageInvalid, match=f"not in the trust store.*{fp}"):
        import_package(store, pkg, trust=trust)
    with pytest.raises(PackageInvalid, match="not in the trust store"):
        import_package(store, pkg, trust=trust, accept_fingerprint="00" * 32)
    assert store.counts()["labels"] == {}
    s = import_package(store, pkg, trust=trust, accept_fingerprint=fp)
    assert s.created > 0
    assert [t.fingerprint for t in trust.list()] == [fp]
    assert import_package(store, pkg, trust=trust).created == 0  # now trusted; the same package again is a no-op
    assert (tmp_path / "trust.json").stat().st_mode & 0o777 == 0o600


def test_a_re_signed_tampered_package_is_refused(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path, store: GraphStore
) -> None:
    """An attacker edits the data and re-signs with their own key (carried in the package): refused."""
    trust = TrustStore(tmp_path / "trust.json")
    trust.add(keys[1], "Agency")
    evil_key = Ed25519PrivateKey.generate()
    evil = create_package(build_view(origin, "partner"), tmp_path / "evil.zip", ["csv"], evil_key)
    assert verify_package(evil, evil_key.public_key()).ok  # intact against the key it carries
    with pytest.raises(PackageInvalid, match="not in the trust store"):
        import_package(store, evil, trust=trust)
    with pytest.raises(PackageInvalid, match="not in the trust store"):
        verify_package(evil, trust=trust)
    assert store.counts()["labels"] == {}


def test_an_older_package_from_the_same_signer_is_a_replay(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path, store: GraphStore
) -> None:
    trust = TrustStore(tmp_path / "trust.json")
    trust.add(keys[1], "Agency")
    older = _package(origin, keys[0], tmp_path / "older.zip")
    newer = _package(origin, keys[0], tmp_path / "newer.zip")
    import_package(store, newer, trust=trust)
    with pytest.raises(PackageInvalid, match="replay"):
        import_package(store, older, trust=trust)
    import_package(store, newer, trust=trust)  # the same package again is fine


def test_ingest_and_the_api_use_the_trust_store(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path, store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPOUNDGRAPH_TRUST_STORE_PATH", str(tmp_path / "trust.json"))
    get_settings.cache_clear()
    try:
        pkg = _package(origin, keys[0], tmp_path / "pkg.zip")
        fp = fingerprint(load_public_key(keys[1]))
        with pytest.raises(PackageInvalid, match="not in the trust store"):
            ingest(store, [pkg], Options())
        api = make_api(store, tmp_path)
        files = {"file": ("pkg.zip", pkg.read_bytes(), "application/zip")}
        body = problem(api.post("/ingest", role="editor", files=files))
        assert body["status"] == 422 and "trust store" in body["detail"]
        assert store.counts()["labels"] == {}
        r = api.post("/ingest", role="editor", files=files, data={"accept_fingerprint": fp})
        assert r.status_code == 200, r.text
        assert r.json()["created"] > 0
        assert TrustStore().get(fp) is not None
        assert ingest(store, [pkg], Options()).created == 0
        api.client.close()
    finally:
        get_settings.cache_clear()


def test_trust_cli_add_list_remove(
    keys: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, origin: EmbeddedStore
) -> None:
    monkeypatch.setenv("COMPOUNDGRAPH_TRUST_STORE_PATH", str(tmp_path / "trust.json"))
    monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_URI", "")
    monkeypatch.setenv("COMPOUNDGRAPH_EMBEDDED_PATH", str(tmp_path / "target.sqlite"))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        fp = fingerprint(load_public_key(keys[1]))
        pkg = _package(origin, keys[0], tmp_path / "pkg.zip")
        r = runner.invoke(cli, ["package", "import", str(pkg)])
        assert r.exit_code == 2 and "trust store" in r.output
        r = runner.invoke(cli, ["package", "trust", "add", str(keys[1]), "--name", "Agency"])
        assert r.exit_code == 0 and fp in r.output, r.output
        r = runner.invoke(cli, ["package", "trust", "list"])
        assert fp in r.output and "Agency" in r.output
        r = runner.invoke(cli, ["package", "verify", str(pkg)])
        assert r.exit_code == 0, r.output
        r = runner.invoke(cli, ["package", "import", str(pkg)])
        assert r.exit_code == 0 and "created" in r.output, r.output
        r = runner.invoke(cli, ["package", "trust", "remove", fp])
        assert r.exit_code == 0
        r = runner.invoke(cli, ["package", "trust", "list"])
        assert fp not in r.output
        r = runner.invoke(cli, ["ingest", str(pkg), "--report-dir", str(tmp_path / "r")])
        assert r.exit_code == 2 and "trust store" in r.output
        r = runner.invoke(cli, ["ingest", str(pkg), "--report-dir", str(tmp_path / "r"), "--accept-fingerprint", fp])
        assert r.exit_code == 0, r.output
    finally:
        get_settings.cache_clear()


ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
persons: [{name: *e}]
"""


def test_yaml_aliases_are_refused(tmp_path: Path, store: GraphStore) -> None:
    bomb = tmp_path / "persons.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    with pytest.raises(InvalidInput, match="alias") as exc:
        ingest(store, [bomb], Options())
    assert "persons.yaml" in str(exc.value)
    plain = tmp_path / "more-persons.yaml"
    plain.write_text(json.dumps({"persons": [{"name": "Plain Person"}]}), encoding="utf-8")
    assert ingest(store, [plain], Options(), report_dir=None).created > 0
