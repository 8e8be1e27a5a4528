"""``GET /entities/{id}``: an entity, its claims (both directions), their sources and grades."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from ...store.base import EntityDetail
from ..deps import Ctx, Reader, Store, audit_detail
from ..limits import run_query
from ..problems import problem_docs
from ..redaction import redact_detail
from ..schemas import EntityDetailOut
from .common import AsOf, MinGrade, make_filter

router = APIRouter(prefix="/entities", tags=["entities"])


@router.get("/{entity_id}", response_model=EntityDetailOut, responses=problem_docs(401, 403, 404, 422, 504))
async def get_entity(
    request: Request,
    entity_id: Annotated[str, Path(max_length=200, examples=["compound-golden-lotus"])],
    principal: Reader,
    store: Store,
    ctx: Ctx,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
) -> EntityDetailOut:
    """The entity with every claim that passes the filters, each claim's source, and neighbour names."""
    flt = make_filter(principal, store, min_grade=min_grade, as_of=as_of)

    def read() -> EntityDetail:
        return redact_detail(principal, store, flt, store.entity(entity_id, flt))

    d = await run_query(ctx.api.query_timeout_s, read)
    audit_detail(request, entity=entity_id)
    return EntityDetailOut.model_validate(
        {
            "entity": d.entity.model_dump(mode="json"),
            "claims": [c.model_dump(mode="json") for c in d.claims],
            "sources": {k: s.model_dump(mode="json") for k, s in d.sources.items()},
            "neighbours": {k: {"id": n.id, "label": n.label, "name": n.name} for k, n in d.neighbours.items()},
        }
    )
