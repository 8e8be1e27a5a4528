"""``GET /health`` (no key: store reachable and its kind; admins: location, versions) and ``GET /stats``."""

from __future__ import annotations

import functools
import platform
from importlib import metadata
from typing import Literal

from fastapi import APIRouter

from ... import __version__
from ...errors import CompoundGraphError
from ..deps import Ctx, OptionalCaller, Reader, Store
from ..limits import run_query
from ..problems import problem_docs
from ..redaction import partner_counts
from ..schemas import HealthOut, StatsOut

router = APIRouter(tags=["health"])


@functools.cache  # reading package metadata walks sys.path: once per process
def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


@router.get("/health", response_model=HealthOut)
async def health(ctx: Ctx, caller: OptionalCaller) -> HealthOut:
    """Whether the store answers and which kind it is. Needs no key (for load balancers and monitors); with an
    admin key the answer adds the store's location, the server version and the library versions (kept from
    everyone else: a path or Bolt URI, and exact versions, help an attacker more than a monitor)."""
    try:
        info = await run_query(5.0, ctx.store.info)
        status: Literal["ok", "unavailable"] = "ok"
    except CompoundGraphError as exc:
        info, status = {"kind": ctx.store.kind, "error": exc.detail}, "unavailable"
    if caller is None or caller.role != "admin":
        return HealthOut(status=status, store={"kind": ctx.store.kind}, versions={}, demo=ctx.api.demo)
    store = {k: str(v) for k, v in info.items() if k in ("kind", "location", "server_version", "error")}
    versions = {
        "compoundgraph": __version__,
        "python": platform.python_version(),
        "fastapi": _version("fastapi"),
        "neo4j-driver": _version("neo4j"),
        "networkx": _version("networkx"),
    }
    return HealthOut(status=status, store=store, versions=versions, demo=ctx.api.demo)


@router.get("/stats", response_model=StatsOut, responses=problem_docs(401, 403, 504))
async def stats(principal: Reader, store: Store, ctx: Ctx) -> StatsOut:
    """Entities per type, claims per relationship type, and sources (partners: what the partner export of the
    whole graph holds - no victim cases or the relationships that join them, no restricted sources)."""
    count = functools.partial(partner_counts, store) if principal.is_partner else store.counts
    counts = await run_query(ctx.api.query_timeout_s, count)
    return StatsOut(
        store=store.kind, labels=counts["labels"], relationships=counts["relationships"], sources=counts["sources"]
    )
