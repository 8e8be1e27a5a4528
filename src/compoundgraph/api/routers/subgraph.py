"""``GET /subgraph/ego`` and ``GET /subgraph/paths``: the shared subgraph shape (``views.py``).

Paging a supernode: ask ``/subgraph/ego?id=X&hops=1&limit=N&exclude=<ids already on the chart>`` and get the
next N neighbours not in ``exclude``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from ...store.base import EgoNetwork, Path
from ...views import ego_json, paths_json
from ..deps import Ctx, Reader, Store, audit_detail
from ..limits import run_query
from ..problems import problem_docs
from ..redaction import redact_ego, redact_paths
from ..schemas import Subgraph
from .common import AsOf, MinGrade, RelTypes, Types, make_filter, split

router = APIRouter(prefix="/subgraph", tags=["subgraph"])

Id = Annotated[str, Query(min_length=1, max_length=200, examples=["compound-golden-lotus"])]
# The hot path: the answer is rendered straight to JSON (``json_response``) instead of being re-validated
# against the response model on every request (a few ms on 500 nodes); the model still documents it in
# OpenAPI, and the schemathesis test checks that answers match it.
ERRORS = {200: {"model": Subgraph, "description": "the subgraph"}, **problem_docs(401, 403, 404, 413, 422, 504)}


def json_response(request: Request, body: dict[str, Any]) -> Response:
    return request.app.state.json_response(body)  # type: ignore[no-any-return]


@router.get("/ego", response_model=None, responses=ERRORS)
async def ego(
    request: Request,
    principal: Reader,
    store: Store,
    ctx: Ctx,
    id: Id,
    hops: Annotated[int, Query(ge=1, le=3)] = 1,
    types: Types = None,
    rel_types: RelTypes = None,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="most nodes in the answer")] = 500,
    exclude: Annotated[list[str] | None, Query(description="ids already shown (paging): not counted as new")] = None,
) -> Response:
    """The neighbourhood of ``id`` up to ``hops``, at most ``limit`` nodes. Nodes with more neighbours than
    the supernode threshold are included but not expanded, with their degree in ``supernodes``."""
    flt = make_filter(principal, store, types, rel_types, min_grade, as_of)

    def read() -> EgoNetwork:
        return redact_ego(principal, store, flt, store.ego(id, hops, flt, limit, split(exclude)))

    net = await run_query(ctx.api.query_timeout_s, read)
    audit_detail(request, entity=id)
    return json_response(request, ego_json(net))


@router.get("/paths", response_model=None, responses=ERRORS)
async def paths(
    request: Request,
    principal: Reader,
    store: Store,
    ctx: Ctx,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200, examples=["person-tan-weiming"])],
    to: Id,
    max_hops: Annotated[int, Query(ge=1, le=8)] = 4,
    k: Annotated[int, Query(ge=1, le=50)] = 3,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    types: Types = None,
    rel_types: RelTypes = None,
) -> Response:
    """Shortest and k shortest paths (undirected), each with its weakest-link grade, in ``paths``."""
    flt = make_filter(principal, store, types, rel_types, min_grade, as_of)

    def read() -> list[Path]:
        return redact_paths(principal, store, flt, (from_, to), store.paths(from_, to, max_hops, k, flt))

    found = await run_query(ctx.api.query_timeout_s, read)
    audit_detail(request, entity=from_, target=to)
    return json_response(request, paths_json(found))
