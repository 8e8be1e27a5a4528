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

:func:`verify_package` recomputes every hash, lists changed, added and removed files and checks the
signature; :func:`import_package` verifies, then loads ``compoundgraph.jsonl`` keeping the partner's
sources (ids and all), so importing the same package twice changes nothing.
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
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .. import __version__ as _version
from ..errors import InvalidInput
from ..loader import parse_record
from ..models import Claim, Entity, Record, Source
from ..ontology import ontology
from ..store.base import GraphStore, WriteSummary
from . import jsonl, stix
from .csv_plain import aggregates_csv
from .formats import get_format, render
from .grading import grading_table
from .keys import fingerprint, load_public_key, public_pem
from .redaction import PROFILES
from .selection import ExportView

__all__ = ["create_package", "verify_package", "import_package", "read_package", "is_package", "Verification",
           "MANIFEST",
           "SIGNATURE", "SIGNER", "PackageInvalid"]

log = logging.getLogger(__name__)

MANIFEST, SIGNATURE, SIGNER = "manifest.json", "manifest.sig", "signer.pub"
_UNLISTED = {MANIFEST, SIGNATURE}
MAX_FILES = 10_000
MAX_BYTES = 8 * 1024**3


class PackageInvalid(InvalidInput):
    """A package failed verification (changed, added or removed files, or a bad signature)."""


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


def create_package(view: ExportView, out: Path, formats: list[str], private_key: Ed25519PrivateKey,
                   exporter: str = "compoundgraph export", overwrite: bool = False) -> Path:
    """Write a signed package to ``out`` (a zip when it ends in ``.zip``, else a folder)."""
    if out.exists() and not overwrite and (out.is_file() or any(out.iterdir())):
        raise InvalidInput(f"{out} exists and is not empty; choose another path", where=str(out))
    files: dict[str, bytes] = {}
    files.update(jsonl.render(view))
    if view.aggregates:
        files["victim_cases.csv"] = aggregates_csv(view)
    chosen: dict[str, Any] = {}
    for name in dict.fromkeys(formats):
        fmt = get_format(name)
        if name == "jsonl":
            chosen[name] = {"tool": fmt.tool, "files": [jsonl.FILENAME]}
            continue
        rendered = stix.render(view, exporter) if name == "stix" else render(view, name)
        for fname, data in rendered.items():
            files[f"{name}/{fname}"] = data
        chosen[name] = {"tool": fmt.tool, "files": [f"{name}/{f}" for f in sorted(rendered)]}
    public = private_key.public_key()
    files[SIGNER] = public_pem(public)
    profile = PROFILES.get(view.profile)
    handling_present: dict[str, int] = {}
    for c in view.claims:
        handling_present[c.handling] = handling_present.get(c.handling, 0) + 1
    manifest = {
        "package": "compoundgraph task-force package",
        "manifest_version": 1,
        "created": view.exported_at,
        "signed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "exporter": {"name": exporter, "software": f"compoundgraph {_version}"},
        "query": view.query,
        "redaction": {
            "profile": view.profile,
            "description": profile.description if profile else "no redaction applied",
            "max_handling": profile.max_handling if profile else None,
            "victim_cases": "aggregated to counts per compound, nationality and period"
            if profile and profile.aggregate_cases else "included as records",
            "dropped": view.dropped,
        },
        "handling_codes": {c: h.description for c, h in ontology().handling.items()},
        "handling_present": dict(sorted(handling_present.items())),
        "grading": grading_table(),
        "counts": view.counts(),
        "lossless": jsonl.FILENAME,
        "formats": chosen,
        "signature": {"algorithm": "Ed25519", "file": SIGNATURE, "signs": MANIFEST,
                      "public_key_sha256": fingerprint(public)},
        "files": {name: {"sha256": _sha256(data), "bytes": len(data)} for name, data in sorted(files.items())},
    }
    body = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")
    files[MANIFEST] = body
    files[SIGNATURE] = base64.b64encode(private_key.sign(body)) + b"\n"
    _write(out, files, overwrite)
    return out


def _write(out: Path, files: dict[str, bytes], overwrite: bool) -> None:
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, files[name])
        tmp.replace(out)
        return
    if out.exists() and overwrite:
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    for name, data in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _safe_name(name: str, where: str) -> str:
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or "\\" in name or not name or name.startswith("/"):
        raise PackageInvalid(f"unsafe path {name[:120]!r} in the package", where=where)
    return p.as_posix()


def read_package(path: Path) -> dict[str, bytes]:
    """Every file of a package folder or zip, by relative POSIX path (unsafe paths refused)."""
    where = str(path)
    if not path.exists():
        raise InvalidInput("no such package", where=where)
    files: dict[str, bytes] = {}
    total = 0
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            if f.is_symlink():
                raise PackageInvalid(f"symbolic link {f.relative_to(path)} in the package", where=where)
            if f.is_file():
                name = f.relative_to(path).as_posix()
                files[name] = f.read_bytes()
                total += len(files[name])
                if len(files) > MAX_FILES or total > MAX_BYTES:
                    raise PackageInvalid("package too large", where=where)
        return files
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_BYTES:
                raise PackageInvalid("package too large", where=where)
            for info in infos:
                if info.is_dir():
                    continue
                name = _safe_name(info.filename, where)
                if name in files:
                    raise PackageInvalid(f"{name} appears twice in the zip", where=where)
                files[name] = z.read(info)
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"neither a package folder nor a zip ({exc})", where=where) from exc
    return files


def is_package(path: Path) -> bool:
    """A folder or zip holding a ``manifest.json`` (what ``compoundgraph ingest`` looks for)."""
    if path.is_dir():
        return (path / MANIFEST).is_file()
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return MANIFEST in z.namelist()
    return False


def _check(files: dict[str, bytes], key: Ed25519PublicKey) -> Verification:
    v = Verification(ok=False, signature_ok=False)
    body = files.get(MANIFEST)
    if body is None:
        v.problems.append("no manifest.json")
        return v
    try:
        manifest = json.loads(body)
        listed = manifest["files"]
        if not isinstance(listed, dict):
            raise TypeError("files is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        v.problems.append(f"manifest.json is not a valid manifest ({exc})")
        return v
    v.manifest = manifest
    try:
        sig = base64.b64decode(files.get(SIGNATURE, b"").strip(), validate=True)
        key.verify(sig, body)
        v.signature_ok = True
    except (InvalidSignature, ValueError):
        v.problems.append("signature does not verify with the given public key" if SIGNATURE in files
                          else "no manifest.sig")
    present = {n for n in files if n not in _UNLISTED}
    v.removed = sorted(set(listed) - present)
    v.added = sorted(present - set(listed))
    v.changed = sorted(n for n in set(listed) & present
                       if not isinstance(listed[n], dict) or listed[n].get("sha256") != _sha256(files[n]))
    v.ok = v.signature_ok and not (v.removed or v.added or v.changed or v.problems)
    return v


def verify_package(path: Path, public_key: Path | bytes | Ed25519PublicKey) -> Verification:
    """Check a package against a public key you trust: signature, and every file's hash."""
    return _check(read_package(path), load_public_key(public_key))


def import_package(store: GraphStore, path: Path, public_key: Path | bytes | Ed25519PublicKey | None = None
                   ) -> WriteSummary:
    """Verify a partner's package and load its lossless records, provenance intact.

    Without ``public_key`` the package is checked against the key it carries: that proves it is intact,
    not who made it (a warning is logged). Records are written as they are - the partner's sources keep
    their ids, titles and handling codes - so a second import of the same package changes nothing.
    """
    files = read_package(path)
    if public_key is None:
        if SIGNER not in files:
            raise PackageInvalid("no public key given and none in the package", where=str(path))
        log.warning("importing %s without a trusted key: integrity checked, origin not proven", path)
        key = load_public_key(files[SIGNER])
    else:
        key = load_public_key(public_key)
    v = _check(files, key)
    if not v.ok:
        raise PackageInvalid(v.summary(), where=str(path))
    name = str(v.manifest.get("lossless", jsonl.FILENAME))
    if name not in files:
        raise PackageInvalid(f"the lossless file {name} is missing", where=str(path))
    records = _records(files[name], f"{path}:{name}")
    _check_references(store, records, f"{path}:{name}")
    with store.writer() as writer:
        for kind in (Source, Entity, Claim):
            writer.add_all(r for r in records if isinstance(r, kind))
            writer.flush()
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
            raise InvalidInput(f"{len(absent)} referenced id(s) are neither in the package nor in the store, "
                               f"e.g. {absent[0]!r}", where=where)
