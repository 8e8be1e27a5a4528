"""``GET /exports/{fmt}``: the graph (or a selection) in an exchange format, through the exports service.

Analysts and up choose the redaction profile (``internal`` or ``partner``); partner and investigator keys
always get ``partner`` (H1 and below, victim cases only as counts), whatever they ask for.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from ...exports.formats import FORMATS
from ...exports.service import export_to_file
from ..deps import Ctx, Reader, audit_detail
from ..limits import run_query
from ..problems import problem_docs
from ..security import role_rank
from .common import split

router = APIRouter(prefix="/exports", tags=["exports"])


def _media_types() -> dict[str, dict[str, object]]:
    """Every media type an export may have (documented in OpenAPI)."""
    types = sorted({f.media_type for f in FORMATS.values()})
    return {t: {} for t in [*types, "application/zip", "application/octet-stream"]}


Fmt = Annotated[str, Path(pattern=r"^[a-z0-9-]{2,20}$", examples=["ftm", "stix", "graphml", "gexf", "csv"])]


@router.get(
    "/{fmt}",
    response_class=Response,
    responses={
        200: {"content": _media_types(), "description": "the export file"},
        **problem_docs(401, 403, 404, 413, 422, 429, 504),
    },
)
async def export(
    request: Request,
    principal: Reader,
    ctx: Ctx,
    fmt: Fmt,
    profile: Annotated[str, Query(pattern=r"^[a-z0-9-]{2,30}$", description="redaction profile")] = "internal",
    ids: Annotated[list[str] | None, Query(description="entity ids to export (default: everything)")] = None,
) -> Any:
    """Export in ``fmt`` (jsonl, ftm, stix, graphml, gexf, i2, cytoscape, csv, neo4j-admin) with a redaction
    profile; ``ids`` narrows it to a selection (with the claims among them)."""
    if role_rank(principal.role) < role_rank("analyst"):
        profile = "partner"
    selection = split(ids) or None
    audit_detail(request, fmt=fmt, profile=profile, ids=len(selection or []))
    # the export is written to a temporary file (constant memory) and sent from there, then deleted
    path, media_type, filename = await run_query(
        ctx.api.query_timeout_s * 4, export_to_file, ctx.store, fmt, profile, selection
    )
    size = path.stat().st_size
    if size > ctx.api.max_response_bytes:
        path.unlink(missing_ok=True)
        from ...errors import TooLarge

        raise TooLarge(
            f"the export is {size:,} bytes; the limit is {ctx.api.max_response_bytes:,}: "
            "export a selection (ids=) or use the CLI"
        )
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Redaction-Profile": profile},
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
