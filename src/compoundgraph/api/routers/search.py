"""``GET /search?q=``: ranked matches over names, aliases and identifiers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Ctx, Reader, Store
from ..limits import run_query
from ..problems import problem_docs
from ..redaction import redact_hits
from ..schemas import HitOut, SearchOut

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchOut, responses=problem_docs(401, 403, 422, 504))
async def search(
    principal: Reader,
    store: Store,
    ctx: Ctx,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            description="a name, alias, wallet, handle or phone",
            examples=["Golden Lotus"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> SearchOut:
    """Exact identifiers first, then names, aliases, prefixes, words, substrings, fuzzy matches."""
    # partners lose hidden hits after ranking: ask for a few more so the page stays full
    extra = 20 if principal.is_partner else 0
    found = await run_query(ctx.api.query_timeout_s, store.search, q, limit + extra)
    hits = await run_query(ctx.api.query_timeout_s, redact_hits, principal, store, found)
    return SearchOut(
        query=q,
        hits=[HitOut(id=h.id, label=h.label, name=h.name, score=h.score, matched=h.matched) for h in hits[:limit]],
    )
