"""``POST /screen`` (batch screening) and ``POST /match/{dataset}`` (yente's matching API).

Both read through the caller's view of the graph: a partner key screens with the partner claim filter, sees
only hits a partner may see, and each hit's detail passes the partner redaction (``api/redaction.py``).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from ...errors import InvalidInput, TooLarge
from ...screening import Options, Policy, Screening, from_records, screen
from ...screening.engine import HOW_ORDER
from ...screening.inputs import Batch, ScreenRow, read_file
from ...screening.report import as_csv, as_json
from ...screening.yente import (
    DATASETS,
    MAX_QUERIES,
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    TotalSpec,
    can_match,
    check_dataset,
    matcher_docs,
    query_row,
    scored_entity,
)
from ...store import GraphStore
from ..deps import Ctx, Reader, audit_detail, param
from ..limits import run_query
from ..problems import problem_docs
from ..redaction import claim_filter, redact_detail, redact_hits
from ..security import Principal
from .ingest import safe_upload_name

router = APIRouter(tags=["screening"])
MAX_ROWS = 10_000


def policy_for(principal: Principal, store: GraphStore) -> Policy:
    """The caller's view, made of the partner redaction's own functions (one home for the rule)."""
    if not principal.is_partner:
        return Policy()
    partner = claim_filter(principal, store)  # hidden sources read once for the whole batch
    return Policy(
        claim_filter=lambda rels, types, grade, as_of: claim_filter(
            principal, store, rels, types, grade, as_of, hidden=partner.hidden_sources
        ),
        visible_hits=lambda hits: redact_hits(principal, store, hits),
        redact_detail=lambda d: redact_detail(principal, store, partner, d),
    )


class ScreenIn(BaseModel):
    rows: list[dict[str, Any]] = Field(
        ...,
        description="one object per subject; fields as in the CSV columns "
        "(name, wallet, chain, phone, email, handle, domain, dob, country, "
        "registration, key)",
        examples=[[{"key": "c1", "name": "陈志"}, {"wallet": "TBGufTauTQkbeCfHMsg1Fgu8LTcxQzrref"}]],
    )
    threshold: float = Field(0.85, gt=0, le=1, description="lowest name score (0-1) that counts as a hit")
    limit: int = Field(5, ge=1, le=100, description="most hits per row")
    max_hops: int = Field(3, ge=0, le=6, description="hops searched for a compound or armed group")
    min_grade: str | None = Field(None, max_length=2, description="only claims at least this good")
    as_of: str | None = Field(None, max_length=10, description="only claims in force on this date")


def _options(body: ScreenIn) -> Options:
    from ...store import ClaimFilter

    param("min_grade", lambda: ClaimFilter.make(min_grade=body.min_grade))
    param("as_of", lambda: ClaimFilter.make(as_of=body.as_of))
    return Options(
        threshold=body.threshold, limit=body.limit, max_hops=body.max_hops, min_grade=body.min_grade, as_of=body.as_of
    )


_UPLOAD_FORMATS = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson")
_OPTION_FIELDS = ("threshold", "limit", "max_hops", "min_grade", "as_of")
_SCREEN_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": ScreenIn.model_json_schema()},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "CSV, TSV, XLSX, JSON or JSON lines; one row per subject, columns as the "
                        "JSON rows' fields; the format is taken from the file name's extension",
                    },
                    **{k: v for k, v in ScreenIn.model_json_schema()["properties"].items() if k in _OPTION_FIELDS},
                },
            }
        },
    },
}


@router.post(
    "/screen",
    response_model=None,
    responses={
        200: {
            "description": "each row with its hits (JSON), or one line per hit (CSV with ?format=csv)",
            "content": {"application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}},
        },
        **problem_docs(401, 403, 413, 422, 429, 504),
    },
    openapi_extra={"requestBody": _SCREEN_BODY},
)
async def screen_rows(
    request: Request,
    principal: Reader,
    ctx: Ctx,
    format: Annotated[str, Query(pattern="^(json|csv)$", description="json (default) or csv")] = "json",
) -> Response:
    """Screen rows of wallets, phones, e-mails, handles, domains, registration numbers and names.

    The rows come as JSON (``{"rows": [...], "threshold": ...}``) or as an uploaded file (``multipart/form-data``:
    ``file`` - CSV, TSV, XLSX, JSON or JSON lines - and the same options as form fields), which may be as large
    as an ingest upload; either way at most 10,000 rows a request.

    Identifiers match exactly or in canonical form and come first; names by similarity (transliterated, in
    any word order) at or above ``threshold``, with the features behind each score. Every hit carries the
    entity's sanctions and events and its distance to the nearest compound or armed group with the best
    grade on that path. Cells that fail their check (a wallet's checksum, a phone number, a formula) are
    reported on their row, which says where it is (``line 3``, ``sheet Clients row 7``) and names the
    column; unknown fields are listed in ``unknown_columns``. A file that cannot be read is refused (422)."""
    if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        body, batch = await _from_upload(request, ctx)
    else:
        try:
            raw = await request.json()
        except ValueError as exc:
            raise InvalidInput(f"the body is not JSON: {exc}", where="body") from exc
        body = _validated(raw, ("body",))
        if len(body.rows) > MAX_ROWS:
            raise InvalidInput(
                f"{len(body.rows):,} rows; at most {MAX_ROWS:,} a request (the CLI takes files of any size)",
                where="rows",
            )
        batch = from_records((f"rows[{i}]", r) for i, r in enumerate(body.rows))
        audit_detail(request, rows=len(body.rows), threshold=body.threshold)
    options = _options(body)
    result: Screening = await run_query(
        ctx.api.query_timeout_s * 10, lambda: screen(ctx.store, batch, options, policy_for(principal, ctx.store))
    )
    if format == "csv":
        return Response(as_csv(result), media_type="text/csv; charset=utf-8")
    return request.app.state.json_response(as_json(result))  # type: ignore[no-any-return]


def _validated(raw: Any, loc: tuple[str, ...]) -> ScreenIn:
    try:
        return ScreenIn.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": (*loc, *e["loc"])} for e in exc.errors(include_url=False, include_context=False)]
        ) from exc


async def _from_upload(request: Request, ctx: Any) -> tuple[ScreenIn, Batch]:
    """The uploaded file's rows and the form's options: saved under its sanitised name (the extension says
    the format) in a private temporary folder, with the ingest upload's size limit."""
    try:
        form = await request.form(max_files=1, max_fields=20)
    except HTTPException as exc:  # a malformed multipart body, too many fields or files: the caller's error
        raise InvalidInput(f"not a readable form upload: {exc.detail}", where="body") from exc
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput("no file: send the rows as a multipart field named 'file'", where="file")
    unknown = sorted(k for k in form if k != "file" and k not in _OPTION_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown form fields: {', '.join(unknown)}", where=unknown[0])
    body = _validated({"rows": [], **{k: v for k, v in form.items() if k != "file"}}, ("body",))
    name = safe_upload_name(upload.filename)
    if not name.lower().endswith(_UPLOAD_FORMATS):
        raise InvalidInput(
            f"{name!r}: not a format screening reads (the file name should end in {', '.join(_UPLOAD_FORMATS)})",
            where="file",
        )
    with tempfile.TemporaryDirectory(prefix="cg-screen-") as tmp:
        path = FilePath(tmp) / name
        digest, size = hashlib.sha256(), 0
        with open(path, "wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > ctx.api.max_upload_bytes:
                    raise TooLarge(f"the upload is over the limit of {ctx.api.max_upload_bytes:,} bytes", where="file")
                digest.update(chunk)
                out.write(chunk)
        audit_detail(request, filename=name, sha256=digest.hexdigest(), bytes=size, threshold=body.threshold)
        try:
            batch = await run_in_threadpool(read_file, path, MAX_ROWS)
        except TooLarge as exc:
            raise TooLarge(f"{exc.detail} (at most {MAX_ROWS:,} rows a request)", where=f"{name}, {exc.where}") from exc
        except InvalidInput as exc:  # the temporary path means nothing to the caller: name the upload
            raise InvalidInput(exc.detail, where=name) from exc
    if not batch.rows:
        raise InvalidInput("the file holds no rows to screen", where=name)
    audit_detail(request, rows=len(batch.rows))
    return body, batch


@router.post(
    "/match/{dataset}", response_model=EntityMatchResponse, responses=problem_docs(401, 403, 404, 413, 422, 429, 504)
)
async def match(
    body: EntityMatchQuery,
    request: Request,
    response: Response,
    principal: Reader,
    ctx: Ctx,
    dataset: Annotated[str, Path(max_length=60, description=f"one of {', '.join(DATASETS)}")],
    limit: Annotated[int, Query(ge=1, le=100, description="results per query")] = 5,
    threshold: Annotated[float, Query(gt=0, le=1, description="score from which a result is a match")] = 0.85,
    cutoff: Annotated[float, Query(gt=0, le=1, description="lowest score returned at all")] = 0.5,
    algorithm: Annotated[str, Query(max_length=60, description="accepted for compatibility; ignored")] = "best",
) -> EntityMatchResponse:
    """yente-compatible matching: FollowTheMoney example entities (``schema`` and ``properties``) in, each
    query's results out with ``score``, ``match`` and ``features`` and the entity in FtM form, so tools written
    for OpenSanctions' yente can point at compoundgraph. Datasets: ``default`` (everything), ``sanctions``
    (listed entities only)."""
    check_dataset(dataset)
    if not body.queries:
        raise InvalidInput("no queries provided", where="queries")
    if len(body.queries) > MAX_QUERIES:
        raise InvalidInput(f"too many queries in one batch (limit: {MAX_QUERIES})", where="queries")
    rows = [query_row(n, key, ex) for n, (key, ex) in enumerate(body.queries.items(), start=1)]
    options = Options(threshold=min(cutoff, threshold), limit=100, max_hops=3)
    audit_detail(request, queries=len(rows), dataset=dataset)
    out = await run_query(
        ctx.api.query_timeout_s * 10,
        lambda: _match(ctx.store, rows, body, options, policy_for(principal, ctx.store), dataset, limit, threshold),
    )
    response.headers["x-batch-size"] = str(len(out))
    return EntityMatchResponse(responses=out, matcher=matcher_docs(), limit=limit)


def _match(
    store: GraphStore,
    rows: list[ScreenRow],
    body: EntityMatchQuery,
    options: Options,
    policy: Policy,
    dataset: str,
    limit: int,
    threshold: float,
) -> dict[str, EntityMatches]:
    result = screen(store, Batch(rows, []), options, policy)
    ids = sorted({h.entity for r in result.rows for h in r.hits})
    entities = store.get_entities(ids) if ids else {}
    out: dict[str, EntityMatches] = {}
    for (key, example), r in zip(body.queries.items(), result.rows, strict=True):
        hits = [h for h in r.hits if can_match(example.schema_, h.label) and (dataset != "sanctions" or h.listed)]
        hits.sort(key=lambda h: (-h.score, HOW_ORDER[h.how], h.name, h.entity))
        results = [scored_entity(h, entities.get(h.entity), threshold) for h in hits]
        out[key] = EntityMatches(results=results[:limit], total=TotalSpec(value=len(results)), query=example)
    return out
