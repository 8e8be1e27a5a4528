"""``POST /ingest`` for editors: upload one file in an ingest format; it is size-limited, hashed and audited.

The upload is saved to a private temporary file (under its own, sanitised name, so the format is detected
from the extension) and handed to the ingest pipeline (``compoundgraph.ingest.pipeline.ingest``), which
checks before it writes and reports rejected rows. The answer is the pipeline's summary, with what the file
yielded (``found``: the report's source id, its places, countries, proposals awaiting review) for the web UI's
*Add report* dialog; rejects and problems name the upload, never the server's temporary folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from ...errors import CompoundGraphError, InvalidInput, TooLarge
from ...exports.trust import default_trust_path
from ...ingest.text import TEXT_SUFFIXES
from ...loader import load_jsonl, read_jsonl
from ...store import GraphStore
from ..deps import Ctx, Editor, audit_detail, param
from ..limits import run_query
from ..problems import problem_docs
from ..schemas import IngestOut

router = APIRouter(tags=["ingest"])
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK = 1 << 20


@router.post("/ingest", response_model=IngestOut, responses=problem_docs(401, 403, 413, 422, 429, 504))
async def ingest(
    request: Request,
    principal: Editor,
    ctx: Ctx,
    file: Annotated[UploadFile, File(description="the file to ingest (JSON lines, CSV, XLSX, FtM, ... )")],
    fmt: Annotated[str | None, Form(max_length=40, description="format; default: from the file name")] = None,
    source_grade: Annotated[str | None, Form(max_length=2, description="Admiralty grade for the file's claims")] = None,
    handling: Annotated[str | None, Form(max_length=2, description="handling code for the file's claims")] = None,
    dry_run: Annotated[bool, Form(description="check and count, write nothing")] = False,
    accept_fingerprint: Annotated[
        str | None, Form(max_length=80, description="partner packages: accept this signer key (not in the trust store)")
    ] = None,
    meta: Annotated[
        UploadFile | None,
        File(
            description="a report's metadata sidecar (YAML: title, publisher, published, url, kind, grade, "
            "handling, description), read as `<file>.meta.yaml` beside it"
        ),
    ] = None,
) -> Any:
    """Check and load one file (a report may bring its metadata sidecar as ``meta``). Nothing is written when
    the file has an error (422 says where)."""
    if source_grade:
        from ...grades import Grade

        param("source_grade", Grade.parse, source_grade)
    if handling:
        from ...ontology import ontology

        param("handling", ontology().handling_rank, handling)
    name = safe_upload_name(file.filename)
    if meta is not None and Path(name).suffix.lower() not in TEXT_SUFFIXES:
        raise InvalidInput(
            f"a metadata file goes with a report ({', '.join(TEXT_SUFFIXES)}), not with {name}", where="meta"
        )
    with tempfile.TemporaryDirectory(prefix="cg-ingest-") as tmp:
        path = Path(tmp) / name
        digest, size = await _save(file, path, 0, ctx.api.max_upload_bytes, "file")
        extra: dict[str, Any] = {}
        if meta is not None:
            meta_digest, size = await _save(
                meta, path.with_name(name + ".meta.yaml"), size, ctx.api.max_upload_bytes, "meta"
            )
            extra = {"meta_sha256": meta_digest.hexdigest()}
        audit_detail(request, filename=name, sha256=digest.hexdigest(), bytes=size, dry_run=dry_run, fmt=fmt, **extra)
        try:
            summary = await run_query(
                ctx.api.query_timeout_s * 10,
                _ingest,
                ctx.store,
                path,
                fmt,
                source_grade,
                handling,
                dry_run,
                accept_fingerprint,
                default_trust_path(ctx.settings),
            )
        except CompoundGraphError as exc:
            # the temporary folder means nothing to the caller: a problem in the file names the upload
            if exc.where and exc.where.startswith(tmp):
                exc.where = name + exc.where[len(str(path)) :] if exc.where.startswith(str(path)) else name
            exc.detail = exc.detail.replace(str(path), name).replace(tmp, "")
            raise
    return {"filename": name, "sha256": digest.hexdigest(), "bytes": size, "dry_run": dry_run, **summary}


async def _save(upload: UploadFile, path: Path, size: int, limit: int, where: str) -> tuple[Any, int]:
    """Write an upload to ``path`` chunk by chunk; its hash and the bytes so far (413 over ``limit``)."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"the upload is over the limit of {limit:,} bytes", where=where)
            digest.update(chunk)
            out.write(chunk)
    return digest, size


def safe_upload_name(filename: str | None) -> str:
    """A plain file name for the upload: no folders, no leading dots (``..``, ``./..``, ``x/..`` give
    ``upload``), only letters, digits, ``.``, ``_`` and ``-``; the extension is kept for format detection."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _SAFE.sub("_", base).lstrip(".")[-120:]
    return name if name.strip("._-") else "upload"


def _ingest(
    store: GraphStore,
    path: Path,
    fmt: str | None,
    grade: str | None,
    handling: str | None,
    dry_run: bool,
    accept_fingerprint: str | None = None,
    trust_path: Path | None = None,
) -> dict[str, Any]:
    try:
        from ...ingest.base import Options
        from ...ingest.pipeline import ingest as run_ingest
    except ImportError:  # a build without the ingest package: the project's own format still loads
        run_ingest = None  # type: ignore[assignment]
    if run_ingest is not None:
        options = Options(format=fmt, dry_run=dry_run, accept_fingerprint=accept_fingerprint, trust_path=trust_path)
        if grade:
            options.source_grade = grade
        if handling:
            options.handling = handling
        summary = run_ingest(store, [path], options)
        out = summary.as_dict() if hasattr(summary, "as_dict") else _as_dict(summary)
        # the temporary path means nothing to the caller: name the upload instead
        out["files"] = [path.name]
        out["formats"] = {path.name: next(iter(out.get("formats", {}).values()), fmt)}
        out.pop("summary_path", None)
        out.pop("rejects_path", None)
        for reject in out.get("rejects", []):
            reject["file"] = path.name
        return {k: v for k, v in out.items() if _plain(v)}
    if fmt not in (None, "jsonl") or path.suffix not in (".jsonl", ".json", ".ndjson"):
        raise InvalidInput(
            f"format {fmt or path.suffix!r} needs the ingest package, which this build lacks; "
            "compoundgraph JSON lines (.jsonl) are accepted",
            where="fmt",
        )
    if dry_run:
        counts = {"sources": 0, "entities": 0, "claims": 0}
        for record in read_jsonl(path):
            counts[{"Source": "sources", "Entity": "entities"}.get(type(record).__name__, "claims")] += 1
        return counts
    return _as_dict(load_jsonl(store, [path]))


def _as_dict(result: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {k: v for k, v in dataclasses.asdict(result).items() if _plain(v)}
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items() if _plain(v)}
    if hasattr(result, "model_dump"):
        return {k: v for k, v in result.model_dump(mode="json").items() if _plain(v)}
    return {"result": str(result)}


def _plain(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool, list, dict)) or v is None
