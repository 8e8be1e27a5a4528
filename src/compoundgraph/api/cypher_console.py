"""The Cypher console's service side: refuse on the embedded store, limits, and the call into the store layer.

All database work is in :mod:`compoundgraph.store.console`; this module only decides whether to go there.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from ..errors import InvalidInput
from ..store.console import NotSupported, classify, run_read_only
from .deps import AppContext
from .limits import run_query
from .schemas import CypherOut

__all__ = ["run_console"]

_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


def _check_params(params: dict[str, Any]) -> None:
    """Parameter names are Cypher identifiers, and every string is valid Unicode (the driver cannot send a
    lone surrogate: it would fail mid-request)."""
    for name in params:
        if not _PARAM_NAME.fullmatch(name):
            raise InvalidInput(
                f"parameter name {name[:40]!r} is not an identifier (letters, digits, _)", where="params"
            )
    try:
        json.dumps(params, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput("a parameter value is not valid Unicode (a lone surrogate)", where="params") from exc


async def run_console(ctx: AppContext, text: str, params: dict[str, Any], key_id: str) -> CypherOut:
    _check_params(params)
    classify(text)  # refuse LOAD CSV and friends before looking at the store kind: same answer everywhere
    if ctx.store.kind != "neo4j":
        raise NotSupported(
            "the Cypher console needs the Neo4j store; this server runs the embedded store "
            "(use /search, /subgraph and /analytics instead)",
            where="store",
        )
    timeout = ctx.api.cypher_timeout_s
    cap = ctx.api.cypher_row_cap
    slots = ctx.console_slots
    slots.acquire(key_id, "console queries")
    # The slot goes back exactly once: by the worker thread when the query ends (even after the caller gave
    # up waiting: the database is still busy until then), or here if the thread never started.
    guard = threading.Lock()
    state = {"started": False, "dropped": False}

    def run() -> Any:
        with guard:
            if state["dropped"]:
                return None
            state["started"] = True
        try:
            return run_read_only(ctx.store, text, params, timeout=timeout, row_cap=cap)
        finally:
            slots.release(key_id)

    try:
        # the server aborts the query at `timeout`; the thread wait allows a little more for the round trip
        result = await run_query(timeout + 5.0, run)
    except BaseException:
        with guard:
            if not state["started"]:
                state["dropped"] = True
                slots.release(key_id)
        raise
    return CypherOut(
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        row_cap=cap,
        query_type=result.query_type,
        elapsed_ms=result.elapsed_ms,
    )
