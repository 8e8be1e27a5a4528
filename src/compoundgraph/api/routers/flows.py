"""``POST /flows/trace``: money-flow tracing from wallets (investigators and up), stamped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from ...analytics import service
from ...analytics.compare import compare_methods
from ...analytics.flow_layout import flow_layout
from ...analytics.flows import STOP_TAGS
from ...exports.common import csv_bytes
from ...models import iso_date
from ..deps import Ctx, Investigator, Store, audit_detail, param
from ..limits import run_query
from ..problems import problem_docs
from ..schemas import Stamped, TraceIn
from .common import make_filter

router = APIRouter(prefix="/flows", tags=["flows"])


def _when(value: str | None, name: str) -> str | None:
    """A date or a ``...Z`` timestamp, checked (422 naming the field otherwise)."""
    if value is None:
        return None
    from ...models import iso_datetime

    if "T" in value:
        return param(name, iso_datetime, value, name)
    return param(name, iso_date, value, name)


def trace_options(body: TraceIn) -> dict[str, Any]:
    """A request's trace settings, checked (a bad date is a 422 naming it): what every route that traces
    (``/flows/trace``, ``/flows/compare``, an investigation's saved traces) hands the service."""
    return {
        "direction": body.direction,
        "max_hops": body.max_hops,
        "min_amount": body.min_amount,
        "since": _when(body.since, "since"),
        "until": _when(body.until, "until"),
        "stop_tags": body.stop_tags if body.stop_tags is not None else STOP_TAGS,
        "asset": body.asset,
    }


@router.post("/trace", response_model=Stamped, responses=problem_docs(401, 403, 404, 413, 422, 429, 504))
async def trace(body: TraceIn, request: Request, principal: Investigator, ctx: Ctx, store: Store) -> Any:
    """Follow funds forward or backward from wallets: time-respecting hops, an amount threshold, stops at
    wallets tagged as exchanges (or other ``stop_tags``), haircut or FIFO attribution of where funds ended.
    ``flow_layout`` places every wallet for a left-to-right flow view (starts left, end points right, a column
    per hop ordered by time)."""
    options = trace_options(body)
    as_of = param("as_of", iso_date, body.as_of, "as_of")
    flt = make_filter(principal, store, as_of=as_of)
    audit_detail(request, wallets=body.wallets[:20], direction=body.direction)

    def run() -> dict[str, Any]:
        out = service.trace(store, body.wallets, flt, method=body.method, **options)
        return {**out, "flow_layout": flow_layout(out)}

    return await run_query(ctx.api.query_timeout_s, run)


_CSV_COLUMNS = (
    "wallet",
    "name",
    "asset",
    "haircut",
    "fifo",
    "difference",
    "reasons_haircut",
    "reasons_fifo",
    "hops_haircut",
    "hops_fifo",
    "tags",
)


def _csv_rows(out: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for e in out["endpoints"]:
        yield {
            "wallet": e["wallet"],
            "name": e["name"],
            "asset": e["asset"],
            "haircut": e["amounts"]["haircut"],
            "fifo": e["amounts"]["fifo"],
            "difference": e["difference"],
            "reasons_haircut": "; ".join(e["reasons"]["haircut"]),
            "reasons_fifo": "; ".join(e["reasons"]["fifo"]),
            "hops_haircut": e["hops"]["haircut"],
            "hops_fifo": e["hops"]["fifo"],
            "tags": "; ".join(e["tags"]),
        }


@router.post(
    "/compare",
    response_model=Stamped,
    responses={
        200: {"content": {"text/csv": {}}, "description": "the comparison (JSON, or CSV with format=csv)"},
        **problem_docs(401, 403, 404, 413, 422, 429, 504),
    },
)
async def compare(
    body: TraceIn,
    request: Request,
    principal: Investigator,
    ctx: Ctx,
    store: Store,
    format: Annotated[
        Literal["json", "csv"], Query(description="csv: the end-point table only, for spreadsheets")
    ] = "json",
) -> Any:
    """The same trace under haircut and FIFO side by side: one row per end point with both amounts and their
    difference, each method's totals (equal to the traced amount), and both stamps. ``method`` is ignored.
    ``format=csv`` answers the end-point table as CSV (UTF-8, spreadsheet-safe cells)."""
    options = trace_options(body)
    as_of = param("as_of", iso_date, body.as_of, "as_of")
    flt = make_filter(principal, store, as_of=as_of)
    audit_detail(request, wallets=body.wallets[:20], direction=body.direction, methods="haircut,fifo")

    def run() -> dict[str, Any]:
        out = compare_methods(store, body.wallets, flt, **options)
        return {**out, "stamp": out["stamps"]["haircut"]}

    out = await run_query(ctx.api.query_timeout_s, run)
    if format == "csv":
        return Response(
            csv_bytes(_CSV_COLUMNS, _csv_rows(out)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="trace-haircut-fifo.csv"'},
        )
    return out
