"""``GET /analytics/{centrality,communities,brokers,disruption}`` for analysts, each result stamped.

The work is ``compoundgraph.analytics.service``; these routes build the caller's claim filter (the same one
every other route builds for the caller's role), run the service under the query timeout and return its
JSON-ready dict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from ...analytics import service
from ..deps import Analyst, Ctx, Store, audit_detail
from ..limits import run_query
from ..problems import problem_docs
from ..schemas import Stamped
from .common import CallerFilter

router = APIRouter(prefix="/analytics", tags=["analytics"])
ERRORS = problem_docs(401, 403, 413, 422, 429, 504)
Top = Annotated[int, Query(ge=1, le=1_000, description="how many to return")]


async def _run(request: Request, ctx: Ctx, name: str, fn: Callable[[], dict[str, Any]]) -> Any:
    audit_detail(request, analytic=name)
    return await run_query(ctx.api.query_timeout_s, fn)


@router.get("/centrality", response_model=Stamped, responses=ERRORS)
async def centrality(
    request: Request,
    principal: Analyst,
    ctx: Ctx,
    store: Store,
    flt: CallerFilter,
    measure: Literal["degree", "betweenness", "pagerank", "eigenvector", "closeness"] = "pagerank",
    top: Top = 20,
) -> Any:
    """Who is central: degree, betweenness (sampled on large graphs), PageRank, eigenvector or closeness."""
    return await _run(request, ctx, "centrality", lambda: service.centrality(store, flt, measure=measure, top=top))


@router.get("/communities", response_model=Stamped, responses=ERRORS)
async def communities(
    request: Request,
    principal: Analyst,
    ctx: Ctx,
    store: Store,
    flt: CallerFilter,
    top: Top = 20,
) -> Any:
    """Louvain communities (seeded, so reproducible), largest first."""
    return await _run(request, ctx, "communities", lambda: service.communities(store, flt, top=top))


@router.get("/brokers", response_model=Stamped, responses=ERRORS)
async def brokers(
    request: Request,
    principal: Analyst,
    ctx: Ctx,
    store: Store,
    flt: CallerFilter,
    top: Top = 20,
) -> Any:
    """Brokers: articulation points, bridges and Burt's constraint."""
    return await _run(request, ctx, "brokers", lambda: service.brokers(store, flt, top=top))


@router.get("/disruption", response_model=Stamped, responses=ERRORS)
async def disruption(
    request: Request,
    principal: Analyst,
    ctx: Ctx,
    store: Store,
    flt: CallerFilter,
    k: Annotated[int, Query(ge=1, le=50, description="how many removals")] = 3,
) -> Any:
    """Key players: which k removals fragment the network most."""
    return await _run(request, ctx, "disruption", lambda: service.disruption(store, flt, k=k))
