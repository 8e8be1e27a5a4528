"""``GET /analytics/{centrality,communities,brokers,disruption}`` for analysts, each result stamped.

The work is ``compoundgraph.analytics.service``; these routes validate, apply the caller's filter, run it
under the query timeout and return its JSON-ready dict.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from ..deps import Analyst, Ctx, Store, audit_detail
from ..limits import run_query
from ..problems import problem_docs
from ..schemas import Stamped
from .common import AsOf, MinGrade, RelTypes, Types, make_filter, split
from .pending import call_with, service_function

router = APIRouter(prefix="/analytics", tags=["analytics"])
ERRORS = problem_docs(401, 403, 413, 422, 429, 504)
SERVICE = "compoundgraph.analytics.service"
Top = Annotated[int, Query(ge=1, le=1_000, description="how many to return")]


async def _run(request: Request, ctx: Ctx, principal: Any, name: str, types: list[str] | None,
               rel_types: list[str] | None, min_grade: str | None, as_of: str | None, **kw: Any) -> Any:
    make_filter(principal, ctx.store, types, rel_types, min_grade, as_of)  # 422 naming the parameter, before any work
    fn = service_function(SERVICE, name)
    audit_detail(request, analytic=name)
    t, r = split(types) or None, split(rel_types) or None
    return await run_query(ctx.api.query_timeout_s, call_with, fn, ctx.store, min_grade=min_grade, as_of=as_of,
                           entity_types=t, rel_types=r, **kw)


@router.get("/centrality", response_model=Stamped, responses=ERRORS)
async def centrality(
    request: Request, principal: Analyst, ctx: Ctx, store: Store,
    measure: Literal["degree", "betweenness", "pagerank", "eigenvector", "closeness"] = "pagerank",
    top: Top = 20, min_grade: MinGrade = None, as_of: AsOf = None, types: Types = None, rel_types: RelTypes = None,
) -> Any:
    """Who is central: degree, betweenness (sampled on large graphs), PageRank, eigenvector or closeness."""
    return await _run(request, ctx, principal, "centrality", types, rel_types, min_grade, as_of,
                      measure=measure, top=top)


@router.get("/communities", response_model=Stamped, responses=ERRORS)
async def communities(
    request: Request, principal: Analyst, ctx: Ctx, store: Store,
    top: Top = 20, min_grade: MinGrade = None, as_of: AsOf = None, types: Types = None, rel_types: RelTypes = None,
) -> Any:
    """Louvain communities (seeded, so reproducible), largest first."""
    return await _run(request, ctx, principal, "communities", types, rel_types, min_grade, as_of, top=top)


@router.get("/brokers", response_model=Stamped, responses=ERRORS)
async def brokers(
    request: Request, principal: Analyst, ctx: Ctx, store: Store,
    top: Top = 20, min_grade: MinGrade = None, as_of: AsOf = None, types: Types = None, rel_types: RelTypes = None,
) -> Any:
    """Brokers: articulation points, bridges and Burt's constraint."""
    return await _run(request, ctx, principal, "brokers", types, rel_types, min_grade, as_of, top=top)


@router.get("/disruption", response_model=Stamped, responses=ERRORS)
async def disruption(
    request: Request, principal: Analyst, ctx: Ctx, store: Store,
    k: Annotated[int, Query(ge=1, le=50, description="how many removals")] = 3,
    min_grade: MinGrade = None, as_of: AsOf = None, types: Types = None, rel_types: RelTypes = None,
) -> Any:
    """Key players: which k removals fragment the network most."""
    return await _run(request, ctx, principal, "disruption", types, rel_types, min_grade, as_of, k=k)
