"""``/investigations``: saved, annotated, shared charts (see ``docs/investigations.md`` for the JSON shapes).

Investigators and above create; the owner shares with a key or a role (read or edit) and deletes (soft);
an admin lists deleted ones and restores them. Partners only open what is shared with them, redacted as
every partner read is. Unknown ids and investigations the caller has no access to are both 404.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from ...analytics import service as analytics
from ...errors import CompoundGraphError, Forbidden, InvalidInput
from ...investigations.model import (
    MAX_ENTITIES,
    MAX_NOTES_BYTES,
    Chart,
    Investigation,
    Share,
    Summary,
    now,
    parse_chart,
    parse_shares,
)
from ...investigations.report import gather, render_html
from ...investigations.service import follow_changes
from ...store import EgoNetwork
from ...store.investigations import investigations_of
from ...views import subgraph_json
from ..deps import Admin, Ctx, Investigator, Reader, Store, audit_detail
from ..investigation_access import access_of, partner_view, redact_chart, require
from ..limits import run_query
from ..problems import MEDIA_TYPE, Problem, problem_docs
from ..redaction import HIDDEN_LABELS, claim_filter, redact_ego
from ..schemas import Subgraph, TraceIn
from ..security import Principal, role_rank
from .common import make_filter
from .flows import trace_options

router = APIRouter(prefix="/investigations", tags=["investigations"])

InvId = Annotated[str, Path(min_length=1, max_length=80, examples=["inv-3f2a9c0d1e4b5a69"])]
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "content": {MEDIA_TYPE: {}},
        "description": "Conflict: someone saved the investigation since the version this change is based on",
    }
}
_CHART_DOC = (
    f"the chart (see docs/investigations.md): entities with positions, filters, as_of, notes, layout; at "
    f"most {MAX_ENTITIES:,} entities and {MAX_NOTES_BYTES // (1024 * 1024)} MB of notes"
)


class CreateIn(BaseModel):
    title: str = Field(min_length=1, max_length=200, examples=["Golden Lotus network"])
    chart: dict[str, Any] = Field(default_factory=dict, description=_CHART_DOC)


class UpdateIn(BaseModel):
    version: int = Field(ge=1, description="the version this change is based on (409 when it is stale)")
    title: str | None = Field(None, min_length=1, max_length=200)
    chart: dict[str, Any] | None = Field(None, description=_CHART_DOC)


class SharesIn(BaseModel):
    version: int | None = Field(
        None, ge=1, description="the version this change is based on; omit to take the current one"
    )
    shares: list[dict[str, Any]] = Field(
        max_length=200, examples=[[{"to": "key:3f2a9c", "access": "read"}, {"to": "role:analyst", "access": "edit"}]]
    )


class ChangesOut(BaseModel):
    changed: bool
    gone: list[str] = Field(description="ids on the saved chart no longer in the graph")
    merged: dict[str, str] = Field(description="saved id -> the entity it was merged into (shown instead)")
    message: str


class SummaryOut(BaseModel):
    id: str
    title: str
    owner: str = Field(description="key id of the owner")
    owner_name: str | None = Field(default=None, description="the owner key's name (in lists; not for partners)")
    created: str
    modified: str
    modified_by: str
    version: int
    entities: int | None = Field(description="entities on the chart (null in a partner's list)")
    size: int | None = Field(description="bytes of the saved chart (null in a partner's list)")
    shares: list[Share]
    deleted: str | None = None
    deleted_by: str | None = None
    access: Literal["owner", "edit", "read", "admin"] = Field(description="what the caller may do with it")


class InvestigationOut(SummaryOut):
    chart: Chart
    changes: ChangesOut


class ListOut(BaseModel):
    investigations: list[SummaryOut]


def _summary_out(s: Summary, access: str, principal: Principal) -> SummaryOut:
    data = s.model_dump()
    if principal.is_partner:
        data.update(shares=[], entities=None, size=None)
    return SummaryOut.model_validate({**data, "access": access})


def _opened(store: Any, inv: Investigation, access: str, principal: Principal) -> InvestigationOut:
    """The investigation as its caller may see it, merged ids followed, with what changed under it."""
    chart, changes = follow_changes(store, inv.chart)
    if principal.is_partner:
        chart = redact_chart(principal, store, chart)
        visible = set(chart.entity_ids())
        changes.merged = {k: v for k, v in changes.merged.items() if v in visible}
        changes.gone = []  # partners are not told about entities they could not see anyway
        meta = partner_view(inv, chart)
    else:
        meta = inv.summary().model_dump()
    return InvestigationOut.model_validate({**meta, "chart": chart, "changes": changes.as_json(), "access": access})


# Answers holding a chart (up to 20,000 entities) are rendered straight to JSON, not re-validated against
# the response model (which still documents them; the schemathesis test checks answers match it).
_CHART_ANSWER: dict[int | str, dict[str, Any]] = {200: {"model": InvestigationOut, "description": "the investigation"}}


def _answer(request: Request, out: InvestigationOut, status: int = 200) -> Response:
    response: Response = request.app.state.json_response(out.model_dump(mode="json"), status_code=status)
    return response


@router.post(
    "",
    response_model=None,
    status_code=201,
    responses={
        201: {"model": InvestigationOut, "description": "the new investigation (version 1)"},
        **problem_docs(401, 403, 413, 422),
    },
)
async def create(body: CreateIn, request: Request, principal: Investigator, store: Store, ctx: Ctx) -> Any:
    """Save a new investigation owned by the caller's key (version 1)."""
    chart = parse_chart(body.chart)

    def run() -> InvestigationOut:
        made = investigations_of(store).create(body.title, chart, principal.key_id)
        return _opened(store, made, "owner", principal)

    out = await run_query(ctx.api.query_timeout_s, run)
    audit_detail(request, investigation=out.id, version=out.version, entities=out.entities, op="create")
    return _answer(request, out, 201)


@router.get("", response_model=ListOut, responses=problem_docs(401, 403, 422))
async def list_investigations(
    request: Request,
    principal: Reader,
    store: Store,
    ctx: Ctx,
    deleted: Annotated[bool, Query(description="admins: list the deleted investigations (to restore)")] = False,
) -> Any:
    """The caller's own investigations and those shared with them, most recently modified first (no charts)."""
    if deleted and role_rank(principal.role) < role_rank("admin"):
        raise Forbidden("listing deleted investigations needs the admin role", where="deleted")

    names = {} if principal.is_partner else {k.id: k.name for k in ctx.keys.list()}

    def run() -> ListOut:
        inv = investigations_of(store)
        if deleted:
            rows = [_summary_out(s, "admin", principal) for s in inv.summaries(include_deleted=True) if s.deleted]
            for r in rows:
                r.owner_name = names.get(r.owner)
            return ListOut(investigations=rows)
        out = []
        for s in inv.summaries():
            access = access_of(s, principal)
            if access is not None:
                out.append(_summary_out(s, access, principal))
                out[-1].owner_name = names.get(s.owner)
        return ListOut(investigations=out)

    found = await run_query(ctx.api.query_timeout_s, run)
    audit_detail(request, listed=len(found.investigations), op="list")
    return found


@router.get("/{inv_id}", response_model=None, responses={**_CHART_ANSWER, **problem_docs(401, 403, 404, 422, 504)})
async def open_investigation(inv_id: InvId, request: Request, principal: Reader, store: Store, ctx: Ctx) -> Any:
    """Open an investigation: its chart with merged entities followed to the entity they were merged into, and
    ``changes`` saying what changed in the graph since (entities gone, ids merged). Partners get the partner
    redaction."""
    audit_detail(request, investigation=inv_id, op="open")

    def run() -> InvestigationOut:
        inv_store = investigations_of(store)
        _, access = require(inv_store, inv_id, principal, "read")
        return _opened(store, inv_store.get(inv_id), access, principal)

    out = await run_query(ctx.api.query_timeout_s, run)
    audit_detail(request, version=out.version, changed=out.changes.changed)
    return _answer(request, out)


@router.put(
    "/{inv_id}", response_model=None, responses={**_CHART_ANSWER, **problem_docs(401, 403, 404, 413, 422), **_CONFLICT}
)
async def update(
    inv_id: InvId, body: UpdateIn, request: Request, principal: Investigator, store: Store, ctx: Ctx
) -> Any:
    """Save a new version (title and/or chart) based on ``version``: 409, naming who saved it and when, if
    someone saved it since. Needs edit access."""
    audit_detail(request, investigation=inv_id, based_on=body.version, op="update")
    chart = parse_chart(body.chart) if body.chart is not None else None

    def run() -> InvestigationOut:
        inv_store = investigations_of(store)
        _, access = require(inv_store, inv_id, principal, "edit")
        saved = inv_store.update(inv_id, body.version, principal.key_id, title=body.title, chart=chart)
        return _opened(store, saved, access, principal)

    out = await run_query(ctx.api.query_timeout_s, run)
    audit_detail(request, version=out.version)
    return _answer(request, out)


@router.put("/{inv_id}/shares", response_model=SummaryOut, responses={**problem_docs(401, 403, 404, 422), **_CONFLICT})
async def share(
    inv_id: InvId, body: SharesIn, request: Request, principal: Investigator, store: Store, ctx: Ctx
) -> Any:
    """Replace who the investigation is shared with: ``key:<key id>`` or ``role:<role>`` (that role and above),
    each ``read`` or ``edit``. Owner only. Partner keys and ``role:partner`` may only be given read access."""
    shares = parse_shares(body.shares)
    keys = {k.id: k for k in ctx.keys.list() if not k.revoked}
    for i, s in enumerate(shares):
        kind, who = s.to.split(":", 1)
        if kind == "key" and who not in keys:
            raise InvalidInput(f"no active key with id {who!r}", where=f"shares.{i}.to")
        partner = (kind == "key" and keys[who].role == "partner") or (kind == "role" and who == "partner")
        if partner and s.access != "read":
            raise InvalidInput("partners can only be given read access", where=f"shares.{i}.access")
    audit_detail(request, investigation=inv_id, shares=[f"{s.to}:{s.access}" for s in shares], op="share")

    def run() -> SummaryOut:
        inv_store = investigations_of(store)
        current, access = require(inv_store, inv_id, principal, "owner")
        saved = inv_store.update(inv_id, body.version or current.version, principal.key_id, shares=shares)
        return _summary_out(saved, access, principal)

    out = await run_query(ctx.api.query_timeout_s, run)
    audit_detail(request, version=out.version)
    return out


@router.delete("/{inv_id}", response_model=SummaryOut, responses={**problem_docs(401, 403, 404, 422), **_CONFLICT})
async def delete(
    inv_id: InvId,
    request: Request,
    principal: Investigator,
    store: Store,
    ctx: Ctx,
    version: Annotated[int | None, Query(ge=1, description="refuse (409) if saved since this version")] = None,
) -> Any:
    """Delete (soft: hidden from everyone until an admin restores it). Owner only."""
    audit_detail(request, investigation=inv_id, op="delete")

    def run() -> SummaryOut:
        inv_store = investigations_of(store)
        _, access = require(inv_store, inv_id, principal, "owner")
        return _summary_out(inv_store.delete(inv_id, principal.key_id, version), access, principal)

    return await run_query(ctx.api.query_timeout_s, run)


@router.post("/{inv_id}/restore", response_model=SummaryOut, responses=problem_docs(401, 403, 404, 422))
async def restore(inv_id: InvId, request: Request, principal: Admin, store: Store, ctx: Ctx) -> Any:
    """Bring back a deleted investigation (admins)."""
    audit_detail(request, investigation=inv_id, op="restore")

    def run() -> SummaryOut:
        return _summary_out(investigations_of(store).restore(inv_id, principal.key_id), "admin", principal)

    return await run_query(ctx.api.query_timeout_s, run)


@router.get(
    "/{inv_id}/report",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "the report, one self-contained HTML file"},
        **problem_docs(401, 403, 404, 422, 504),
    },
)
async def report(inv_id: InvId, request: Request, principal: Reader, store: Store, ctx: Ctx) -> HTMLResponse:
    """A case report of the investigation as one self-contained HTML file (opens offline, prints to PDF): the
    chart drawn from the saved positions with a legend, the as-of date and filters, the most restrictive
    handling code shown with its caveat, the notes, and every claim between the visible entities that passes
    the chart's filters, numbered, with grade, dates, quote and source. Partners get the partner redaction."""
    audit_detail(request, investigation=inv_id, op="report")

    def run() -> str:
        inv_store = investigations_of(store)
        _, _access = require(inv_store, inv_id, principal, "read")
        inv = inv_store.get(inv_id)
        chart, changes = follow_changes(store, inv.chart)
        chart = redact_chart(principal, store, chart)
        f = chart.filters
        flt = claim_filter(principal, store, f.rel_types, None, f.min_grade, chart.as_of)
        meta = Summary.model_validate(partner_view(inv, chart)) if principal.is_partner else inv.summary()
        data = gather(
            store, meta, chart, flt, now(), f"key {principal.key_id} ({principal.role})", changes.merged.values()
        )
        audit_detail(request, version=inv.version, claims=len(data.claims))
        return render_html(data)

    page = await run_query(ctx.api.query_timeout_s, run)
    return HTMLResponse(page, headers={"Content-Disposition": f'inline; filename="{inv_id}-report.html"'})


@router.get(
    "/{inv_id}/subgraph",
    response_model=None,
    responses={
        200: {"model": Subgraph, "description": "the chart's entities and the claims between them"},
        **problem_docs(401, 403, 404, 422, 504),
    },
)
async def chart_subgraph(inv_id: InvId, request: Request, principal: Reader, store: Store, ctx: Ctx) -> Response:
    """The entities of the investigation's chart (merged ids followed, as ``GET /investigations/{id}`` opens
    it) and every claim between them, in the subgraph shape of ``/subgraph/ego``: what the web UI draws when
    it opens a saved chart. Partners get the partner redaction."""
    audit_detail(request, investigation=inv_id, op="open-subgraph")

    def run() -> dict[str, Any]:
        inv_store = investigations_of(store)
        require(inv_store, inv_id, principal, "read")
        chart, changes = follow_changes(store, inv_store.get(inv_id).chart)
        chart = redact_chart(principal, store, chart)
        flt = claim_filter(principal, store)
        ids = chart.entity_ids()
        nodes = store.node_labels(ids)
        if principal.is_partner:
            nodes = {k: n for k, n in nodes.items() if n.label not in HIDDEN_LABELS}
        keep = chart.claim_keeper(changes.merged.values())
        claims = [c for c in store.claims_between(sorted(nodes), flt) if keep(c.id, c.subject, c.object)]
        if principal.is_partner and nodes:
            centre = next(iter(nodes))
            claims = redact_ego(principal, store, flt, EgoNetwork(centre, nodes, claims, {})).claims
        return subgraph_json([nodes[i] for i in ids if i in nodes], claims)

    body = await run_query(ctx.api.query_timeout_s, run)
    audit_detail(request, entities=len(body["nodes"]), claims=len(body["edges"]))
    response: Response = request.app.state.json_response(body)
    return response


class TraceCheckOut(BaseModel):
    index: int = Field(description="position in chart.traces")
    title: str
    saved_stamp: str | None = Field(description="the stamp id saved with the trace")
    current_stamp: str | None = Field(description="the stamp id of the same trace run now")
    changed: bool | None = Field(description="the graph under the trace changed since it was saved (stamps differ)")
    error: str | None = Field(default=None, description="why the trace could not be run again")


class TraceChecksOut(BaseModel):
    traces: list[TraceCheckOut]


@router.post("/{inv_id}/traces/check", response_model=TraceChecksOut, responses=problem_docs(401, 403, 404, 422, 504))
async def check_traces(inv_id: InvId, request: Request, principal: Investigator, store: Store, ctx: Ctx) -> Any:
    """Run every trace saved in the investigation again with its saved parameters and say, per trace, whether
    the graph under it changed since it was saved (its reproducibility stamp differs)."""
    audit_detail(request, investigation=inv_id, op="check-traces")

    def run() -> TraceChecksOut:
        inv_store = investigations_of(store)
        require(inv_store, inv_id, principal, "read")
        out = []
        for n, t in enumerate(inv_store.get(inv_id).chart.traces):
            saved = t.stamp.get("id") if isinstance(t.stamp.get("id"), str) else None
            try:
                p = TraceIn.model_validate(t.params)
                flt = make_filter(principal, store, as_of=p.as_of)
                now_stamp = analytics.trace(store, p.wallets, flt, method=p.method, **trace_options(p))["stamp"]["id"]
            except (CompoundGraphError, ValueError) as exc:
                out.append(
                    TraceCheckOut(
                        index=n,
                        title=t.title,
                        saved_stamp=saved,
                        current_stamp=None,
                        changed=None,
                        error=str(exc)[:500],
                    )
                )
                continue
            out.append(
                TraceCheckOut(
                    index=n, title=t.title, saved_stamp=saved, current_stamp=now_stamp, changed=now_stamp != saved
                )
            )
        return TraceChecksOut(traces=out)

    found = await run_query(ctx.api.query_timeout_s, run)
    audit_detail(request, traces=len(found.traces), changed=sum(bool(t.changed) for t in found.traces))
    return found
