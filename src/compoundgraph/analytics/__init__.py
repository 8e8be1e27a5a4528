"""Network analytics: pure functions over NetworkX (or compact) projections of the store.

Modules, one topic each: :mod:`.projection` (store or records to graph), :mod:`.centrality`,
:mod:`.communities`, :mod:`.brokers`, :mod:`.disruption`, :mod:`.paths`, :mod:`.flows` (money-flow
tracing), :mod:`.stamp` (reproducibility), :mod:`.engines` (igraph behind the same functions) and
:mod:`.service` (store in, JSON-ready dict with a stamp out; what the CLI and the API call).
"""

from __future__ import annotations

__all__ = [
    "brokers",
    "centrality",
    "communities",
    "disruption",
    "engines",
    "flows",
    "paths",
    "projection",
    "service",
    "stamp",
]
