"""The Cypher console's service side: refuse on the embedded store, limits, and the call into the store layer.

All database work is in :mod:`compoundgraph.store.console`; this module only decides whether to go there.
"""

from __future__ import annotations

from typing import Any

from ..store.console import NotSupported, classify, run_read_only
from .deps import AppContext
from .limits import run_query
from .schemas import CypherOut

__all__ = ["run_console"]


async def run_console(ctx: AppContext, text: str, params: dict[str, Any]) -> CypherOut:
    classify(text)  # refuse LOAD CSV and friends before looking at the store kind: same answer everywhere
    if ctx.store.kind != "neo4j":
        raise NotSupported(
            "the Cypher console needs the Neo4j store; this server runs the embedded store "
            "(use /search, /subgraph and /analytics instead)", where="store")
    timeout = ctx.api.cypher_timeout_s
    cap = ctx.api.cypher_row_cap
    # the server aborts the query at `timeout`; the thread wait allows a little more for the round trip
    result = await run_query(timeout + 5.0, run_read_only, ctx.store, text, params, timeout=timeout, row_cap=cap)
    return CypherOut(columns=result.columns, rows=result.rows, truncated=result.truncated, row_cap=cap,
                     query_type=result.query_type, elapsed_ms=result.elapsed_ms)
