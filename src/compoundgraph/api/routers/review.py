"""``/review``: what reports propose, decided by investigators (list, accept, reject, edit).

A report's new names and the relationships its sentences state land as *proposals* awaiting review
(:mod:`compoundgraph.ingest.review`): no other route returns them, analytics do not count them and partners
never see them. These routes list them with the sentence each came from and the report, and record each
decision - in the review's decision log beside the store, as ``compoundgraph review`` does, and in the audit
log. Investigators and above; a partner key gets 403.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from ...ingest import review
from ...models import Entity
from ..deps import Ctx, Investigator, Store, audit_detail
from ..limits import run_query
from ..problems import problem_docs
from ..security import Principal

router = APIRouter(prefix="/review", tags=["review"])
CandidateId = Annotated[
    str, Path(min_length=1, max_length=200, description="a proposed entity's id or a proposed relationship's claim id")
]


class CandidateOut(BaseModel):
    """A proposal with the sentence it came from."""

    id: str = Field(description="the proposed entity's id, or the proposed relationship's claim id")
    kind: Literal["entity", "relation"]
    status: Literal["pending", "accepted", "rejected"]
    label: str = Field(description="the entity's type, or the proposed relationship type", examples=["Compound"])
    name: str = Field(
        description="the entity's name, or 'subject -> object'", examples=["Golden Lotus Technology Park"]
    )
    quote: str = Field(description="the sentence the proposal came from")
    source: str = Field(description="the report's source id")
    source_title: str = Field(description="the report's title")
    rule: str = Field(description="what found it: the name rule or the relationship's cue")


class CandidatesOut(BaseModel):
    status: str
    source: str | None = Field(None, description="the report asked for, if any")
    candidates: list[CandidateOut]


class EditIn(BaseModel):
    """A correction to a pending proposed entity (it stays pending; its id follows its name and type)."""

    name: str | None = Field(None, min_length=1, max_length=1_000)
    type: str | None = Field(None, max_length=40, examples=["Organization"])
    aliases: list[str] = Field(default_factory=list, max_length=100)


class DecisionOut(BaseModel):
    """What a decision did: the entity it accepted, rejected or edited, or the claim an accepted
    relationship became."""

    candidate: str
    decision: Literal["accept", "reject", "edit"]
    kind: Literal["entity", "relation"]
    id: str = Field(description="the entity's id (new after an edit that renames it) or the claim's id")
    label: str
    name: str
    status: str


def _editor(principal: Principal) -> str:
    return principal.name or principal.key_id


def _out(candidate: str, decision: str, done: Any) -> dict[str, Any]:
    if isinstance(done, Entity):
        status = str(done.properties.get("status") or "accepted")
        return {
            "candidate": candidate,
            "decision": decision,
            "kind": "entity",
            "id": done.id,
            "label": done.label,
            "name": done.name,
            "status": status,
        }
    return {
        "candidate": candidate,
        "decision": decision,
        "kind": "relation",
        "id": done.id,
        "label": str(done.properties.get("proposed_type") or done.type),
        "name": f"{done.subject} -> {done.properties.get('proposed_object') or done.object}",
        "status": str(done.properties.get("status") or "accepted"),
    }


@router.get("", response_model=CandidatesOut, responses=problem_docs(401, 403, 422, 429, 504))
async def list_candidates(
    request: Request,
    principal: Investigator,
    ctx: Ctx,
    store: Store,
    status: Annotated[
        Literal["pending", "accepted", "rejected", "all"], Query(description="which proposals")
    ] = "pending",
    source: Annotated[
        str | None, Query(min_length=1, max_length=200, description="only what this report (a source id) proposed")
    ] = None,
) -> Any:
    """Proposed entities and relationships, each with its sentence and report, in report and sentence order
    (``source``: those of one report, e.g. the one an upload to ``/ingest`` just loaded)."""

    def read() -> dict[str, Any]:
        found = review.candidates(store, status, source)
        titles = store.get_sources(sorted({c.source for c in found}))
        return {
            "status": status,
            "source": source,
            "candidates": [
                {**c.__dict__, "source_title": titles[c.source].title if c.source in titles else c.source}
                for c in found
            ],
        }

    audit_detail(request, review_status=status, review_source=source)
    return await run_query(ctx.api.query_timeout_s, read)


@router.post(
    "/{candidate}/accept", response_model=DecisionOut, responses=problem_docs(401, 403, 404, 409, 422, 429, 504)
)
async def accept(request: Request, principal: Investigator, ctx: Ctx, store: Store, candidate: CandidateId) -> Any:
    """Accept a proposal: an entity becomes a fact of the graph, attested by its report; a relationship
    becomes the typed claim (its two ends must be accepted first: 409 otherwise). 409 when already decided."""
    audit_detail(request, candidate=candidate, decision="accept")
    log = review.decision_log(ctx.settings)
    done = await run_query(ctx.api.query_timeout_s, review.accept, store, log, candidate, _editor(principal))
    return _out(candidate, "accept", done)


@router.post(
    "/{candidate}/reject", response_model=DecisionOut, responses=problem_docs(401, 403, 404, 409, 422, 429, 504)
)
async def reject(request: Request, principal: Investigator, ctx: Ctx, store: Store, candidate: CandidateId) -> Any:
    """Reject a proposal (kept as rejected, so the same report loaded again does not propose it anew);
    rejecting an entity rejects the relationships proposed around it. 409 when already decided."""
    audit_detail(request, candidate=candidate, decision="reject")
    log = review.decision_log(ctx.settings)
    done = await run_query(ctx.api.query_timeout_s, review.reject, store, log, candidate, _editor(principal))
    return _out(candidate, "reject", done)


@router.post("/{candidate}/edit", response_model=DecisionOut, responses=problem_docs(401, 403, 404, 409, 422, 429, 504))
async def edit(
    request: Request,
    principal: Investigator,
    ctx: Ctx,
    store: Store,
    candidate: CandidateId,
    body: Annotated[EditIn, Body()],
) -> Any:
    """Correct a pending proposed entity's name, type or aliases; it stays pending. 409 when it is decided
    already or the corrected name is already in the graph; 422 for a relationship or an unknown type."""
    audit_detail(request, candidate=candidate, decision="edit", name=body.name, type=body.type)
    log = review.decision_log(ctx.settings)
    done = await run_query(
        ctx.api.query_timeout_s,
        review.edit,
        store,
        log,
        candidate,
        body.name,
        body.type,
        body.aliases,
        _editor(principal),
    )
    return _out(candidate, "edit", done)
