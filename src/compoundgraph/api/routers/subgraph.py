"""``/subgraph/ego``, ``/subgraph/ego/counts`` and ``/subgraph/paths``: the shared subgraph shape (``views.py``).

Growing a chart: ``exclude=<ids already on the chart>`` means "do not return these"; the walk still passes
through them, so ``/subgraph/ego?id=X&hops=2&exclude=<the 1-hop ids>`` is the 2-hop ring, and
``?hops=1&limit=N&exclude=<what the chart has>`` pages through a supernode's next N neighbours. ``avoid=``
means "do not traverse these". A chart of thousands of ids sends the same request as ``POST`` with a JSON body.
``/subgraph/ego/counts`` says how many new nodes an expansion would add, per type, without sending them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel, Field

from ...store import ClaimFilter, EgoNetwork, GraphStore
from ...store.base import Path
from ...store.expansion import EgoCounts
from ...views import ego_json, paths_json
from ..deps import KEYED, READING, AppContext, Ctx, Reader, Store, audit_detail, authorize, param
from ..limits import run_query
from ..problems import problem_docs
from ..redaction import HIDDEN_LABELS, check_visible, redact_ego, redact_paths
from ..schemas import Subgraph
from ..security import Principal
from .common import AsOf, CallerFilter, Link, MinGrade, QueryModel, RelTypes, Stance, Types, make_filter, split

router = APIRouter(prefix="/subgraph", tags=["subgraph"])

Id = Annotated[str, Query(min_length=1, max_length=200, examples=["compound-golden-lotus"])]
# The hot path: the answer is rendered straight to JSON (``json_response``) instead of being re-validated
# against the response model on every request (a few ms on 500 nodes); the model still documents it in
# OpenAPI, and the schemathesis test checks that answers match it.
ERRORS = {200: {"model": Subgraph, "description": "the subgraph"}, **problem_docs(401, 403, 404, 413, 422, 504)}


def json_response(request: Request, body: dict[str, Any]) -> Response:
    return request.app.state.json_response(body)  # type: ignore[no-any-return]


Order = Literal["id", "degree", "grade", "recent"]
Ids = Annotated[list[str] | None, Query(description="ids, repeated or comma-separated")]


class EgoRequest(BaseModel):
    """``GET /subgraph/ego``'s parameters; ``POST`` takes them as a JSON body, for charts whose ids do not fit
    in a URL."""

    id: str = Field(min_length=1, max_length=200, examples=["compound-golden-lotus"])
    hops: int = Field(1, ge=1, le=3)
    types: Types = None
    rel_types: RelTypes = None
    min_grade: MinGrade = None
    as_of: AsOf = None
    limit: int = Field(500, ge=1, le=10_000, description="most nodes in the answer")
    exclude: list[str] = Field(
        default_factory=list,
        max_length=50_000,
        description="ids already shown: not returned, not counted as new, but traversed",
    )
    avoid: list[str] = Field(default_factory=list, max_length=50_000, description="ids not to traverse (nor return)")
    order: Order | None = Field(
        None, description="selective expansion: keep the best new nodes first (degree, grade, recent, id)"
    )
    new_types: list[str] | None = Field(
        None, description="selective expansion: only new nodes of these types (and the nodes joining them)"
    )
    new_rel_types: list[str] | None = Field(
        None, description="selective expansion: only new nodes reached through these relationship types"
    )
    stance: Stance = None
    link: Link = None


EGO_QUERY = QueryModel(EgoRequest)


class CountsOut(BaseModel):
    """What an expansion would add. ``new`` is exact unless ``capped``."""

    center: str
    hops: int
    new: int = Field(description="new nodes the expansion would add (not in exclude)")
    known: int = Field(description="nodes reached that the caller already has (in exclude)")
    by_type: dict[str, int] = Field(description="new nodes per entity type")
    by_rel: dict[str, int] = Field(description="new nodes reached through each relationship type")
    by_hop: dict[int, int] = Field(description="new nodes per distance from the centre")
    supernodes: dict[str, int] = Field(
        description="nodes reached but not expanded: more neighbours than the server's supernode threshold"
    )
    threshold: int = Field(description="the server's supernode threshold")
    capped: bool = Field(description="the count stopped early: new is a lower bound")


async def _ego(request: Request, principal: Principal, store: GraphStore, ctx: Any, q: EgoRequest) -> Response:
    flt = make_filter(principal, store, q.types, q.rel_types, q.min_grade, q.as_of, q.stance, q.link)
    new_types = _types("new_types", q.new_types)
    new_rels = _rels("new_rel_types", q.new_rel_types)

    def read() -> EgoNetwork:
        net = store.ego(
            q.id, q.hops, flt, q.limit, split(q.exclude, 50_000), split(q.avoid, 50_000), q.order, new_types, new_rels
        )
        return _redacted(principal, store, flt, net)

    net = await run_query(ctx.api.query_timeout_s, read)
    audit_detail(request, entity=q.id)
    return json_response(request, ego_json(net))


def _redacted(principal: Principal, store: GraphStore, flt: ClaimFilter, net: EgoNetwork) -> EgoNetwork:
    """Redact with the claims' excluded ends in view (so a claim to a hidden node the caller named in
    ``exclude`` goes too), then leave those ends out of the answer again."""
    whole = EgoNetwork(net.center, {**net.context, **net.nodes}, net.claims, net.hops, net.supernodes, net.truncated)
    seen = redact_ego(principal, store, flt, whole)
    return EgoNetwork(
        seen.center,
        {k: v for k, v in seen.nodes.items() if k not in net.context},
        seen.claims,
        seen.hops,
        seen.supernodes,
        seen.truncated,
    )


def _types(name: str, values: list[str] | None) -> list[str]:
    t = split(values)
    return list(param(name, lambda: ClaimFilter.make(entity_types=t)).entity_types) if t else []


def _rels(name: str, values: list[str] | None) -> list[str]:
    r = split(values)
    return list(param(name, lambda: ClaimFilter.make(rel_types=r)).rel_types) if r else []


@router.get("/ego", response_model=None, responses=ERRORS, openapi_extra={**EGO_QUERY.openapi, **KEYED})
async def ego(request: Request) -> Response:
    """The neighbourhood of ``id`` up to ``hops``, at most ``limit`` nodes. Nodes with more neighbours than
    the supernode threshold are included but not expanded, with their degree in ``supernodes``. Ids in
    ``exclude`` are not returned but are traversed; claims joining new nodes to them are returned.
    List parameters are repeated or comma-separated."""
    principal = authorize(request, *READING)  # the chart's hot route: no dependency chain (see authorize)
    ctx: AppContext = request.app.state.ctx
    return await _ego(request, principal, ctx.store, ctx, EGO_QUERY.parse(request))


@router.post("/ego", response_model=None, responses=ERRORS)
async def ego_post(
    request: Request, principal: Reader, store: Store, ctx: Ctx, q: Annotated[EgoRequest, Body()]
) -> Response:
    """``GET /subgraph/ego`` with its parameters in a JSON body (for long ``exclude`` lists)."""
    return await _ego(request, principal, store, ctx, q)


class CountsRequest(BaseModel):
    """The expansion to count: the same fields as ``EgoRequest`` that shape the walk."""

    id: str = Field(min_length=1, max_length=200, examples=["wallet-collect"])
    hops: int = Field(1, ge=1, le=3)
    types: list[str] | None = None
    rel_types: list[str] | None = None
    min_grade: str | None = Field(None, max_length=2)
    as_of: str | None = Field(None, max_length=10)
    stance: list[str] | None = Field(None, description="only claims whose source asserts or denies the link")
    link: Literal["corroborated", "contested"] | None = Field(
        None, description="only the claims of corroborated or of contested links"
    )
    exclude: list[str] = Field(default_factory=list, max_length=50_000)
    avoid: list[str] = Field(default_factory=list, max_length=50_000)


@router.post("/ego/counts", response_model=CountsOut, responses=problem_docs(401, 403, 404, 413, 422, 504))
async def ego_counts(
    request: Request, principal: Reader, store: Store, ctx: Ctx, q: Annotated[CountsRequest, Body()]
) -> CountsOut:
    """How many new nodes expanding ``id`` at ``hops`` would add (not in ``exclude``), per entity type,
    relationship type and hop, without sending them: what the UI's selective-expand guard shows."""
    flt = make_filter(principal, store, q.types, q.rel_types, q.min_grade, q.as_of, q.stance, q.link)

    def count() -> EgoCounts:
        check_visible(principal, store, flt, [q.id])  # a partner asking about what they may not see: 404
        return store.ego_counts(q.id, q.hops, flt, split(q.exclude, 50_000), split(q.avoid, 50_000))

    res = await run_query(ctx.api.query_timeout_s, count)
    audit_detail(request, entity=q.id)
    by_type = dict(res.by_type)
    # the partner filter already keeps the walk off victim cases and restricted claims; belt and braces
    hidden = [t for t in by_type if principal.is_partner and t in HIDDEN_LABELS]
    new = res.new - sum(by_type.pop(t) for t in hidden)
    return CountsOut(
        center=res.center,
        hops=res.hops,
        new=new,
        known=res.known,
        by_type=by_type,
        by_rel=res.by_rel,
        by_hop=res.by_hop,
        supernodes=res.supernodes,
        threshold=store.supernode_threshold,
        capped=res.capped,
    )


@router.get("/paths", response_model=None, responses=ERRORS)
async def paths(
    request: Request,
    principal: Reader,
    store: Store,
    ctx: Ctx,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200, examples=["person-tan-weiming"])],
    to: Id,
    flt: CallerFilter,
    max_hops: Annotated[int, Query(ge=1, le=8)] = 4,
    k: Annotated[int, Query(ge=1, le=50)] = 3,
) -> Response:
    """Shortest and k shortest paths (undirected), each with its weakest-link grade, in ``paths``."""

    def read() -> list[Path]:
        return redact_paths(principal, store, flt, (from_, to), store.paths(from_, to, max_hops, k, flt))

    found = await run_query(ctx.api.query_timeout_s, read)
    audit_detail(request, entity=from_, target=to)
    return json_response(request, paths_json(found))
