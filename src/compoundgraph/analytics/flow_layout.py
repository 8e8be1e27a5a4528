"""A left-to-right layout for a money-flow trace: the start wallets on the left, the end points on the right,
each hop a column ordered by time.

Columns: the start wallets are column 0; a wallet funds first reached at hop ``h`` is column ``h``; a wallet
that only received traced funds (an end point with no traced transfer onward) goes in the last column, so every
end point that stops the trace lines up on the right. Rows: within a column, wallets are ordered by the time the
traced funds first reached them (starts in the order given); the end-point column is ordered by the amount
that ended there, largest first. Rows are ``row_height`` apart, more than a label line, so no two labels of
a column overlap.

:func:`flow_layout` takes the JSON answer of :func:`compoundgraph.analytics.service.trace` and returns
positions in canvas units. O(F log F) for F traced transfers.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

__all__ = ["flow_layout", "COLUMN_WIDTH", "ROW_HEIGHT"]

COLUMN_WIDTH = 280.0
ROW_HEIGHT = 40.0  # a node (~25 units) and one label line (~16 units) fit with room to spare


def flow_layout(trace: dict[str, Any]) -> dict[str, Any]:
    """Positions for every wallet of a trace answer: ``{"positions": {wallet: {"x", "y", "column", "row",
    "end"}}, "columns": n, "column_width", "row_height", "direction"}``.

    >>> t = {"wallets": ["s"], "direction": "forward",
    ...      "flows": [{"from": "s", "to": "a", "hop": 1, "timestamp": "2024-01-02T00:00:00Z"},
    ...                {"from": "a", "to": "b", "hop": 2, "timestamp": "2024-01-03T00:00:00Z"}],
    ...      "endpoints": [{"wallet": "b", "asset": "USDT", "amount": "5"}]}
    >>> {w: (p["column"], p["row"]) for w, p in flow_layout(t)["positions"].items()}
    {'s': (0, 0), 'a': (1, 0), 'b': (2, 0)}
    """
    forward = trace.get("direction", "forward") == "forward"
    starts: list[str] = list(dict.fromkeys(trace.get("wallets", [])))
    column: dict[str, int] = {w: 0 for w in starts}
    column_starts = set(starts)
    first_seen: dict[str, str] = {}
    passes_on: set[str] = set()
    for f in sorted(trace.get("flows", []), key=lambda f: (f["hop"], f.get("timestamp") or "", f["from"], f["to"])):
        here, there = (f["from"], f["to"]) if forward else (f["to"], f["from"])
        passes_on.add(here)
        if there not in column:
            column[there] = int(f["hop"])
        ts = f.get("timestamp") or ""
        if there not in first_seen or ts < first_seen[there]:
            first_seen[there] = ts
    ended: dict[str, Decimal] = defaultdict(Decimal)
    for ep in trace.get("endpoints", []):
        ended[ep["wallet"]] += Decimal(str(ep["amount"]))
        column.setdefault(ep["wallet"], 1)
    terminal = {w for w in ended if w not in passes_on and w not in column_starts}
    last = max((c for w, c in column.items() if w not in terminal), default=0) + 1
    for w in terminal:
        column[w] = last
    by_column: dict[int, list[str]] = defaultdict(list)
    for w, c in column.items():
        by_column[c].append(w)
    positions: dict[str, dict[str, Any]] = {}
    for c, members in sorted(by_column.items()):
        if c == 0:
            members = [w for w in starts if w in column and column[w] == 0]
        elif c == last:
            members.sort(key=lambda w: (-ended[w], w))
        else:
            members.sort(key=lambda w: (first_seen.get(w, ""), w))
        top = -(len(members) - 1) * ROW_HEIGHT / 2  # each column centred on y = 0
        for row, w in enumerate(members):
            positions[w] = {
                "x": c * COLUMN_WIDTH,
                "y": top + row * ROW_HEIGHT,
                "column": c,
                "row": row,
                "end": w in ended,
            }
    return {
        "positions": positions,
        "columns": (max(by_column) + 1) if by_column else 0,
        "column_width": COLUMN_WIDTH,
        "row_height": ROW_HEIGHT,
        "direction": "forward" if forward else "backward",
    }
