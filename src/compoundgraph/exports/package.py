"""Task-force packages: the chosen formats, a manifest and an Ed25519 signature, as a folder or a zip.

```
package/                    (or package.zip with the same entries)
  manifest.json             SHA-256 and size of every other file, counts, grading table, handling codes,
                            redaction profile and what it dropped, exporter, time, the selecting query
  manifest.sig              base64 Ed25519 signature of manifest.json's exact bytes
  signer.pub                the signer's public key (PEM; informative - verify with a key you trust)
  compoundgraph.jsonl       the lossless records (always present: what import_package loads)
  victim_cases.csv          counts per compound, nationality and period (partner profile)
  <format>/...              one folder per chosen format (ftm, stix, graphml, gexf, i2, ...)
```

:func:`verify_package` checks the signature first, then streams every file against the size and hash
the signed manifest gives (nothing is inflated beyond it), listing changed, added and removed files;
:func:`import_package` takes the signer's key from the trust store (``trust.py``), verifies, refuses
replays, then loads ``compoundgraph.jsonl`` keeping the partner's sources (ids and all), so importing the
same package twice changes nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import logging
import shutil
import zipfile
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import __version__ as _version
from ..errors import InvalidInput
from ..loader import parse_record
from ..models import Claim, Entity, Record, Source
from ..ontology import ontology
from ..store.base import GraphStore, WriteSummary
from . import jsonl
from .archive import MAX_FILES, MAX_MANIFEST_BYTES, PackageArchive, PackageInvalid
from .csv_plain import aggregates_csv
from .formats import get_format, write_format
from .grading import grading_table
from .keys import fingerprint, load_public_key, public_pem
from .redaction import PROFILES
from .selection import ExportView, spool_view
from .sink import DirSink, HashingSink, Sink, ZipSink
from .spool import SpooledView
from .trust import TrustStore, parse_signed_at

__all__ = [
    "create_package",
    "verify_package",
    "import_package",
    "read_package",
    "is_package",
    "Verification",
    "MANIFEST",
    "SIGNATURE",
    "SIGNER",
    "PackageInvalid",
]

log = logging.getLogger(__name__)

MANIFEST, SIGNATURE, SIGNER = "manifest.json", "manifest.sig", "signer.pub"
_UNLISTED = {MANIFEST, SIGNATURE}
# the most a package's manifest may declare in all (verification streams; import holds the lossless file)
MAX_BYTES = 2 * 1024**3


@dataclass
class Verification:
    ok: bool
    signature_ok: bool
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        if self.ok:
            return "package verified: signature good, every file as listed"
        parts = list(self.problems)
        for kind in ("changed", "added", "removed"):
            names = getattr(self, kind)
            if names:
                parts.append(f"{kind}: {', '.join(names)}")
        return "; ".join(parts)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def create_package(
    view: ExportView | SpooledView,
    out: Path,
    formats: list[str],
    private_key: Ed25519PrivateKey,
    exporter: str = "compoundgraph export",
    overwrite: bool = False,
) -> Path:
    """Write a signed package to ``out`` (a zip when it ends in ``.zip``, else a folder).

    Files are streamed into the package one at a time, each hashed as it is written; the package is built
    beside ``out`` (``<name>.part``) and moved into place once signed, so a failed export leaves nothing.
    """
    if isinstance(view, ExportView):
        with spool_view(view) as spooled:
            return create_package(spooled, out, formats, private_key, exporter, overwrite)
    if out.exists() and not overwrite and (out.is_file() or any(out.iterdir())):
        raise InvalidInput(f"{out} exists and is not empty; choose another path", where=str(out))
    formats = [get_format(name).name for name in dict.fromkeys(formats)]  # unknown names fail before writing
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    _remove(part)
    try:
        if out.suffix.lower() == ".zip":
            with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as z:
                _fill(view, ZipSink(z), formats, private_key, exporter)
        else:
            _fill(view, DirSink(part), formats, private_key, exporter)
        if out.exists():
            _remove(out)
        part.replace(out)
    except BaseException:
        _remove(part)
        raise
    return out


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class _Prefixed:
    def __init__(self, inner: Sink, prefix: str) -> None:
        self.inner = inner
        self.prefix = prefix

    def open(self, name: str) -> AbstractContextManager[IO[bytes]]:
        return self.inner.open(self.prefix + name)


def _fill(view: SpooledView, base: Sink, formats: list[str], private_key: Ed25519PrivateKey, exporter: str) -> None:
    sink = HashingSink(base)
    jsonl.write(view, sink)
    if view.aggregates:
        with sink.open("victim_cases.csv") as fh:
            fh.write(aggregates_csv(view.aggregates))
    chosen: dict[str, Any] = {}
    for name in formats:
        fmt = get_format(name)
        if name == "jsonl":
            chosen[name] = {"tool": fmt.tool, "files": [jsonl.FILENAME]}
            continue
        before = set(sink.files)
        write_format(view, name, _Prefixed(sink, f"{name}/"), exporter)
        chosen[name] = {"tool": fmt.tool, "files": sorted(set(sink.files) - before)}
    public = private_key.public_key()
    with sink.open(SIGNER) as fh:
        fh.write(public_pem(public))
    profile = PROFILES.get(view.profile)
    manifest = {
        "package": "compoundgraph task-force package",
        "manifest_version": 1,
        "created": view.exported_at,
        # microseconds: importers refuse a package signed before the newest one they have from this signer
        "signed_at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "exporter": {"name": exporter, "software": f"compoundgraph {_version}"},
        "query": view.query,
        "redaction": {
            "profile": view.profile,
            "description": profile.description if profile else "no redaction applied",
            "max_handling": profile.max_handling if profile else None,
            "victim_cases": "aggregated to counts per compound, nationality and period"
            if profile and profile.aggregate_cases
            else "included as records",
            "dropped": view.dropped,
        },
        "handling_codes": {c: h.description for c, h in ontology().handling.items()},
        "handling_present": view.handling_present(),
        "grading": grading_table(),
        "counts": view.counts(),
        "lossless": jsonl.FILENAME,
        "formats": chosen,
        "signature": {
            "algorithm": "Ed25519",
            "file": SIGNATURE,
            "signs": MANIFEST,
            "public_key_sha256": fingerprint(public),
        },
        "files": {name: {"sha256": sha, "bytes": size} for name, (sha, size) in sorted(sink.files.items())},
    }
    body = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")
    with base.open(MANIFEST) as fh:
        fh.write(body)
    with base.open(SIGNATURE) as fh:
        fh.write(base64.b64encode(private_key.sign(body)) + b"\n")


def read_package(path: Path) -> dict[str, bytes]:
    """Every file of a package folder or zip, by relative POSIX path (unsafe paths and oversize refused).

    For tests and tools that want the bytes; verification and import stream instead (see ``archive.py``).
    """
    with PackageArchive(path) as archive:
        if sum(archive.declared_size(n) for n in archive.names) > MAX_BYTES:
            raise PackageInvalid("package too large", where=str(path))
        return {name: archive.read(name, MAX_BYTES) for name in archive.names}


def is_package(path: Path) -> bool:
    """A folder or zip holding a ``manifest.json`` (what ``compoundgraph ingest`` looks for)."""
    if path.is_dir():
        return (path / MANIFEST).is_file()
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return MANIFEST in z.namelist()
    return False


def _manifest(archive: PackageArchive, v: Verification) -> bytes | None:
    """manifest.json's bytes (bounded) and its parsed form in ``v.manifest``; None with a problem noted."""
    if MANIFEST not in archive.names:
        v.problems.append("no manifest.json")
        return None
    body = archive.read(MANIFEST, MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(body)
        listed = manifest["files"]
        if not isinstance(listed, dict):
            raise TypeError("files is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        v.problems.append(f"manifest.json is not a valid manifest ({exc})")
        return None
    v.manifest = manifest
    return body


def _check(archive: PackageArchive, key: Ed25519PublicKey) -> Verification:
    """Signature first, then every listed file streamed against the size and hash the signed manifest gives.

    Nothing is inflated unless the signature holds: a bad signature is reported with the names that differ
    from the manifest, without reading the files. With a good signature, a file is read at most up to the
    size the manifest states for it, and the manifest may declare at most :data:`MAX_BYTES` in all.
    """
    v = Verification(ok=False, signature_ok=False)
    body = _manifest(archive, v)
    if body is None:
        return v
    listed: dict[str, Any] = v.manifest["files"]
    try:
        raw = archive.read(SIGNATURE, 1024) if SIGNATURE in archive.names else b""
        sig = base64.b64decode(raw.strip(), validate=True)
        key.verify(sig, body)
        v.signature_ok = True
    except (InvalidSignature, ValueError, PackageInvalid):
        v.problems.append(
            "signature does not verify with the given public key" if SIGNATURE in archive.names else "no manifest.sig"
        )
    present = {n for n in archive.names if n not in _UNLISTED}
    v.removed = sorted(set(listed) - present)
    v.added = sorted(present - set(listed))
    if not v.signature_ok:
        v.problems.append("file contents not read: the manifest is not signed by the given key")
        return v
    declared = [e.get("bytes") if isinstance(e, dict) else None for e in listed.values()]
    if not all(isinstance(b, int) and b >= 0 for b in declared):
        v.problems.append("the manifest does not give every file's size")
        return v
    if len(listed) > MAX_FILES or sum(declared) > MAX_BYTES:  # type: ignore[arg-type]
        v.problems.append(
            f"the manifest declares {len(listed):,} files and {sum(declared):,} bytes "  # type: ignore[arg-type]
            f"(limits {MAX_FILES:,} files, {MAX_BYTES:,} bytes)"
        )
        return v
    for name in sorted(set(listed) & present):
        size = listed[name]["bytes"]
        # the container's own size claim is checked first: a member announcing more is not inflated at all
        if archive.declared_size(name) != size or archive.sha256(name, size) != listed[name].get("sha256"):
            v.changed.append(name)
    v.ok = v.signature_ok and not (v.removed or v.added or v.changed or v.problems)
    return v


def verify_package(
    path: Path, public_key: Path | bytes | Ed25519PublicKey | None = None, trust: TrustStore | None = None
) -> Verification:
    """Check a package against a public key you trust (or the trust store's key for its signer)."""
    with PackageArchive(path) as archive:
        key = load_public_key(public_key) if public_key is not None else _trusted_key(archive, trust, None)[0]
        return _check(archive, key)


def _carried_key(archive: PackageArchive) -> Ed25519PublicKey:
    if SIGNER not in archive.names:
        raise PackageInvalid("no public key given and none in the package", where=archive.where)
    return load_public_key(archive.read(SIGNER, 16 * 1024))


def _trusted_key(
    archive: PackageArchive, trust: TrustStore | None, accept_fingerprint: str | None
) -> tuple[Ed25519PublicKey, bool]:
    """The key to check the package with: the trust store's key for its signer, or the carried key when the
    caller accepted its fingerprint. Returns the key and whether it is newly accepted."""
    trust = trust or TrustStore()
    carried = _carried_key(archive)
    fp = fingerprint(carried)
    signer = trust.get(fp)
    if signer is not None:
        return signer.key, False
    if accept_fingerprint and accept_fingerprint.strip().lower().replace(":", "") == fp:
        return carried, True
    raise PackageInvalid(
        f"the package is signed by a key that is not in the trust store (fingerprint {fp}); check the "
        f"fingerprint with the sender, then add the key with `compoundgraph package trust add` or accept it "
        f"for this import with --accept-fingerprint {fp}",
        where=archive.where,
    )


def import_package(
    store: GraphStore,
    path: Path,
    public_key: Path | bytes | Ed25519PublicKey | None = None,
    *,
    trust: TrustStore | None = None,
    accept_fingerprint: str | None = None,
) -> WriteSummary:
    """Verify a partner's package and load its lossless records, provenance intact.

    The signature is checked with ``public_key`` when given, else with the trust store's key for the
    package's signer (``trust``: default, the configured store). A signer not in the store is refused unless
    ``accept_fingerprint`` is its key's fingerprint, which adds the key to the store. A package signed
    before the newest one already imported from the same signer is refused (a replay). Records are written
    as they are - the partner's sources keep their ids, titles and handling codes - so a second import of
    the same package changes nothing.
    """
    trust = trust or TrustStore()
    with PackageArchive(path) as archive:
        accepted = False
        if public_key is not None:
            key = load_public_key(public_key)
        else:
            key, accepted = _trusted_key(archive, trust, accept_fingerprint)
        v = _check(archive, key)
        if not v.ok:
            raise PackageInvalid(v.summary(), where=str(path))
        body = archive.read(MANIFEST, MAX_MANIFEST_BYTES)
        signed_at = parse_signed_at(v.manifest.get("signed_at"), str(path))
        fp = fingerprint(key)
        trust.check_fresh(fp, signed_at, _sha256(body), str(path))
        name = str(v.manifest.get("lossless", jsonl.FILENAME))
        if name not in archive.names or name not in v.manifest["files"]:
            raise PackageInvalid(f"the lossless file {name} is missing", where=str(path))
        data = archive.read(name, int(v.manifest["files"][name]["bytes"]))
    if _sha256(data) != v.manifest["files"][name].get("sha256"):  # changed between check and read
        raise PackageInvalid(f"{name} changed while it was read", where=str(path))
    records = _records(data, f"{path}:{name}")
    _check_references(store, records, f"{path}:{name}")
    with store.writer() as writer:
        for kind in (Source, Entity, Claim):
            writer.add_all(r for r in records if isinstance(r, kind))
            writer.flush()
    if accepted:
        trust.add(key, f"accepted on import of {path.name}")
    trust.record(fp, signed_at, _sha256(body))
    return writer.summary


def _records(data: bytes, where: str) -> list[Record]:
    out: list[Record] = []
    for number, raw in enumerate(io.BytesIO(data), start=1):
        text = raw.decode("utf-8", errors="strict").strip()
        if text:
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"not JSON: {exc.msg}", where=f"{where}:{number}") from exc
            out.append(parse_record(obj, f"{where}:{number}"))
    return out


def _check_references(store: GraphStore, records: list[Record], where: str) -> None:
    defined = {r.id for r in records if isinstance(r, (Source, Entity))}
    wanted = {s for r in records if isinstance(r, Entity) for s in r.sources}
    wanted |= {x for r in records if isinstance(r, Claim) for x in (r.subject, r.object, r.source)}
    missing = sorted(wanted - defined)
    if missing:
        known = set(store.node_labels(missing))
        absent = [m for m in missing if m not in known]
        if absent:
            raise InvalidInput(
                f"{len(absent)} referenced id(s) are neither in the package nor in the store, e.g. {absent[0]!r}",
                where=where,
            )
