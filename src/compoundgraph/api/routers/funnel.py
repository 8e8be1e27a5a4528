"""``GET /funnel``: the recruitment funnel - job ad -> account -> recruiter -> transit -> compound - for a
compound, a recruiter or a case, in one query (:func:`compoundgraph.analytics.funnel.funnel`).

The claim filter is the caller's, built as for every read (grade, date, stance; partners narrowed by
:mod:`compoundgraph.api.redaction`). Victim cases are pseudonymous; a partner never steps onto a case, so a
partner's funnel holds no case routes (but the recruiters' ``network``), and asking for a case is 404 as for
any entity a partner may not see.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from ...analytics.funnel import funnel as run_funnel
from ..deps import Ctx, Reader, Store, audit_detail
from ..limits import run_query
from ..problems import problem_docs
from ..redaction import HIDDEN_LABELS, check_visible
from .common import AsOf, Link, MinGrade, Stance, make_filter

router = APIRouter(tags=["funnel"])
Ref = Annotated[str | None, Query(min_length=1, max_length=200)]


class FunnelEntry(BaseModel):
    id: str
    name: str
    cases: int = Field(description="how many of the cases went through it")


class FunnelOut(BaseModel):
    """Per case, each stage with the claims that say so (``routes``); over all cases, the funnel: each
    stage's entities with how many cases passed through them."""

    compound: str | None
    recruiter: str | None
    case: str | None
    cases: int
    routes: list[dict[str, Any]]
    funnel: dict[str, list[FunnelEntry]] = Field(
        description="job_ads, accounts, platforms, recruiters, transit, compounds"
    )
    network: dict[str, list[dict[str, Any]]] = Field(
        description="the same stages reached from the recruiters without any case: who recruits for the compound "
        "(or the recruiter asked for), the accounts they use, the ads those posted, their transit and compounds"
    )


@router.get("/funnel", response_model=FunnelOut, responses=problem_docs(401, 403, 404, 422, 429, 504))
async def funnel(
    request: Request,
    principal: Reader,
    ctx: Ctx,
    store: Store,
    compound: Ref = None,
    recruiter: Ref = None,
    case: Ref = None,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    stance: Stance = None,
    link: Link = None,
) -> Any:
    """The funnel into a ``compound``, out of a ``recruiter`` (person or organisation), or the route of one
    ``case``: give exactly one (422 otherwise; 404 when it is not one of those)."""
    flt = make_filter(principal, store, None, None, min_grade, as_of, stance, link)
    start = compound or recruiter or case
    audit_detail(request, compound=compound, recruiter=recruiter, case=case)

    def read() -> dict[str, Any]:
        if start is not None:
            check_visible(principal, store, flt, [start])
        out = run_funnel(store, compound=compound, case=case, flt=flt, recruiter=recruiter)
        if principal.is_partner:  # defence in depth: the filter never reaches a case for a partner
            shown = store.node_labels([r["case"] for r in out["routes"]])
            out["routes"] = [r for r in out["routes"] if shown[r["case"]].label not in HIDDEN_LABELS]
            out["cases"] = len(out["routes"])
        return out

    return await run_query(ctx.api.query_timeout_s, read)
