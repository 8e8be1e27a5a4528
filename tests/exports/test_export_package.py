"""Task-force packages: create, verify (tampering), import into an empty store of either kind, round trip."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compoundgraph.exports import build_view, create_package, import_package, is_package, verify_package
from compoundgraph.exports.keys import generate_keypair, load_private_key, load_public_key
from compoundgraph.exports.package import PackageInvalid, read_package
from compoundgraph.loader import load_jsonl
from compoundgraph.store import EmbeddedStore, GraphStore
from compoundgraph.store.base import GraphStore as _GS
from tests.support.world import WORLD

FORMATS = ["ftm", "stix", "graphml", "gexf", "i2", "cytoscape", "csv", "neo4j-admin"]


@pytest.fixture
def origin(tmp_path: Path) -> EmbeddedStore:
    s = EmbeddedStore(tmp_path / "origin.sqlite")
    load_jsonl(s, [WORLD])
    return s


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return generate_keypair(tmp_path / "keys", "agency")


def _snapshot(store: _GS) -> dict[str, set[str]]:
    def dump(records: Any) -> set[str]:
        return {json.dumps(r.model_dump(mode="json"), sort_keys=True) for r in records}

    return {
        "sources": dump(store.iter_sources()),
        "entities": dump(store.iter_entities()),
        "claims": dump(store.iter_claims()),
    }


def _package(origin: GraphStore, keys: tuple[Path, Path], out: Path, profile: str) -> Path:
    view = build_view(origin, profile)
    return create_package(view, out, FORMATS, load_private_key(keys[0]), exporter="Task force test")


@pytest.mark.parametrize("suffix", ["", ".zip"])
def test_internal_round_trip_gives_the_same_graph(
    origin: EmbeddedStore, store: GraphStore, keys: tuple[Path, Path], tmp_path: Path, suffix: str
) -> None:
    pkg = _package(origin, keys, tmp_path / f"pkg{suffix}", "internal")
    assert is_package(pkg)
    v = verify_package(pkg, keys[1])
    assert v.ok, v.summary()
    assert v.manifest["redaction"]["profile"] == "internal"
    assert v.manifest["counts"]["claims"] == 41 and v.manifest["exporter"]["name"] == "Task force test"
    summary = import_package(store, pkg, keys[1])
    assert summary.created > 0
    assert _snapshot(store) == _snapshot(origin)  # nothing in the world is H3: all of it comes back
    again = import_package(store, pkg, keys[1])
    assert again.created == 0 and again.updated == 0  # their sources stay theirs: re-import is idempotent
    assert _snapshot(store) == _snapshot(origin)


def test_partner_round_trip_gives_the_graph_less_redaction(
    origin: EmbeddedStore, store: GraphStore, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    pkg = _package(origin, keys, tmp_path / "partner.zip", "partner")
    import_package(store, pkg, keys[1])
    view = build_view(origin, "partner")
    got = _snapshot(store)
    want = {
        "sources": {json.dumps(s.model_dump(mode="json"), sort_keys=True) for s in view.sources.values()},
        "entities": {json.dumps(e.model_dump(mode="json"), sort_keys=True) for e in view.entities.values()},
        "claims": {json.dumps(c.model_dump(mode="json"), sort_keys=True) for c in view.claims},
    }
    assert got == want
    assert store.counts()["labels"].get("Case", 0) == 0
    files = read_package(pkg)
    # three cases in three cells: all below the default threshold of 5, so one combined "<5" row
    assert b",suppressed (cells under 5),,,<5\r\n" in files["victim_cases.csv"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["redaction"]["dropped"]["entities_victim_case"] == "<5"
    assert manifest["handling_present"] == {"H1": 34}
    assert set(manifest["formats"]) == set(FORMATS)
    assert manifest["grading"]["handling"]["H1"]["tlp"] == "green"
    assert manifest["query"]["kind"] == "all"


def _tamper(pkg: Path, edit: str) -> None:
    if edit == "change":
        target = pkg / "stix" / "stix-bundle.json"
        target.write_bytes(target.read_bytes().replace(b"Golden Lotus", b"Golden Lotos", 1))
    elif edit == "add":
        (pkg / "ftm" / "extra.jsonl").write_text("{}\n")
    elif edit == "remove":
        (pkg / "i2" / "i2_links.csv").unlink()
    elif edit == "manifest":
        body = json.loads((pkg / "manifest.json").read_text())
        body["redaction"]["profile"] = "internal"
        (pkg / "manifest.json").write_text(json.dumps(body))
    elif edit == "jsonl":  # change the data and fix its hash in the manifest: only the signature catches it
        import hashlib

        data = (pkg / "compoundgraph.jsonl").read_bytes().replace(b"Tan Wei-Ming", b"Tan Wei-Min")
        (pkg / "compoundgraph.jsonl").write_bytes(data)
        body = json.loads((pkg / "manifest.json").read_text())
        body["files"]["compoundgraph.jsonl"]["sha256"] = hashlib.sha256(data).hexdigest()
        (pkg / "manifest.json").write_text(json.dumps(body))


@pytest.mark.parametrize(
    "edit,kind",
    [("change", "changed"), ("add", "added"), ("remove", "removed"), ("manifest", "signature"), ("jsonl", "signature")],
)
def test_verify_detects_tampering(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path, edit: str, kind: str
) -> None:
    pkg = _package(origin, keys, tmp_path / "pkg", "partner")
    assert verify_package(pkg, keys[1]).ok
    _tamper(pkg, edit)
    v = verify_package(pkg, keys[1])
    assert not v.ok
    if kind == "signature":
        assert not v.signature_ok
    else:
        assert v.signature_ok and getattr(v, kind), v.summary()
    target = EmbeddedStore(tmp_path / "target.sqlite")
    with pytest.raises(PackageInvalid):
        import_package(target, pkg, keys[1])
    with pytest.raises(PackageInvalid):
        import_package(target, pkg)  # even against the key it carries
    assert target.counts()["labels"] == {}


def test_verify_refuses_another_key_and_a_broken_signature(
    origin: EmbeddedStore, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    pkg = _package(origin, keys, tmp_path / "pkg.zip", "partner")
    stranger = Ed25519PrivateKey.generate().public_key()
    v = verify_package(pkg, stranger)
    assert not v.ok and not v.signature_ok and "signature" in v.summary()
    # a zip with a forged signature file
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(forged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.sig":
                data = base64.b64encode(b"\0" * 64)
            dst.writestr(info, data)
    assert not verify_package(forged, keys[1]).signature_ok
    # a zip entry that tries to leave the folder is refused
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../escape.txt", "x")
        z.writestr("manifest.json", "{}")
    with pytest.raises(PackageInvalid, match="unsafe path"):
        verify_package(evil, keys[1])


def test_keys_round_trip_and_refuse_overwrite(tmp_path: Path) -> None:
    from compoundgraph.errors import InvalidInput

    private, public = generate_keypair(tmp_path, "k", passphrase=b"correct horse")
    assert private.stat().st_mode & 0o077 == 0
    key = load_private_key(private, b"correct horse")
    assert key.public_key().public_bytes_raw() == load_public_key(public).public_bytes_raw()
    with pytest.raises(InvalidInput):
        load_private_key(private, b"wrong")
    with pytest.raises(InvalidInput, match="refusing to overwrite"):
        generate_keypair(tmp_path, "k")
    with pytest.raises(InvalidInput, match=r"Ed25519|PEM"):
        load_public_key(b"not a key")
