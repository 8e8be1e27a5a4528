"""``POST /cypher``: the read-only Cypher console for analysts (Neo4j store only)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..cypher_console import run_console
from ..deps import Analyst, Ctx, audit_detail
from ..problems import MEDIA_TYPE, Problem, problem_docs
from ..schemas import CypherIn, CypherOut

router = APIRouter(tags=["cypher"])

_NOT_EMBEDDED = {
    "model": Problem,
    "content": {MEDIA_TYPE: {}},
    "description": "the server runs the embedded store: the console needs Neo4j",
}


@router.post(
    "/cypher", response_model=CypherOut, responses={**problem_docs(401, 403, 413, 422, 504), 409: _NOT_EMBEDDED}
)
async def cypher(body: CypherIn, request: Request, principal: Analyst, ctx: Ctx) -> CypherOut:
    """Run one read-only Cypher query. It is classified with EXPLAIN first (only read-only queries run),
    executed in a READ transaction with a server-side timeout, and capped at a number of rows; a key may run
    only a few console queries at once (429 beyond). Writes
    (CREATE, MERGE, DELETE, SET, REMOVE, write procedures), LOAD CSV, schema and administration commands get
    403 with the reason. On the embedded store the answer is 409 (the console needs Neo4j)."""
    audit_detail(request, cypher=body.query[:5000], params=sorted(body.params)[:50])
    return await run_console(ctx, body.query, body.params, principal.key_id)
