"""The analytics service: a store, a claim filter and the measure's own parameters in, a JSON-ready dict with
a ``"stamp"`` out.

This is what the CLI (``compoundgraph analyze``) and the API (``GET /analytics/...``, ``POST /flows/trace``)
call. Each function projects the store through the store contract, filtered by the caller's
:class:`~compoundgraph.store.base.ClaimFilter` (entity and relationship types, minimum grade, ``as_of``,
handling, hidden sources: the one the API's routers build for the caller's role), runs a pure function from
this package, and stamps the result with what it was computed on. The measure's own parameters are
keyword-only, so a misspelled one fails at once (and under mypy).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput, NotFound
from ..grades import Grade
from ..models import Claim
from ..views import paths_json, subgraph_json
from . import brokers as brokers_mod
from . import centrality as centrality_mod
from . import communities as communities_mod
from . import disruption as disruption_mod
from . import flows
from . import paths as paths_mod
from .around import TransfersAround, paths_around
from .engines import AUTO_EDGES, choose
from .projection import GraphLike, Projection, node_info, project_compact
from .stamp import make_stamp

if TYPE_CHECKING:
    from ..store.base import ClaimFilter, GraphStore

__all__ = [
    "centrality",
    "communities",
    "brokers",
    "disruption",
    "paths",
    "trace",
    "write_back",
    "WRITE_BACK_MEASURES",
]

WRITE_BACK_MEASURES = (*centrality_mod.MEASURES, "community")


def _or_all(flt: ClaimFilter | None) -> ClaimFilter:
    from ..store.base import ClaimFilter  # the filter value object only; no database code

    return flt if flt is not None else ClaimFilter()


def _filter_params(flt: ClaimFilter) -> dict[str, Any]:
    hidden = {"hidden_sources": list(flt.hidden_sources)} if flt.hidden_sources else {}
    return {
        "entity_types": list(flt.entity_types),
        "rel_types": list(flt.rel_types),
        "max_handling": flt.max_handling,
        **hidden,
    }


def _structure(store: GraphStore, flt: ClaimFilter, engine: str) -> tuple[Projection, GraphLike]:
    """The compact projection (for the stamp) and what a structural measure runs on: the projection itself
    for the fast engines, or its simple NetworkX graph where NetworkX will run (``engine="networkx"``, or
    ``auto`` on a graph of at most ``AUTO_EDGES`` linked pairs), so small graphs keep the reference results."""
    P = project_compact(store, flt)
    if engine == "networkx" or (engine == "auto" and len(P.simple_edges()) <= AUTO_EDGES):
        return P, P.to_networkx()
    return P, P


def _stamp(
    G: GraphLike, analysis: str, params: dict[str, Any], flt: ClaimFilter, engine: str | None = None
) -> dict[str, Any]:
    return make_stamp(
        G,
        analysis,
        {**params, **_filter_params(flt)},
        min_grade=str(flt.min_grade) if flt.min_grade else None,
        as_of=flt.as_of,
        engine=engine,
    )


def _graph_summary(G: GraphLike) -> dict[str, int]:
    """Nodes and distinct linked pairs of the simple undirected graph the measures see."""
    edges = len(G.simple_edges()) if isinstance(G, Projection) else G.number_of_edges()
    return {"nodes": G.number_of_nodes(), "edges": edges}


def centrality(
    store: GraphStore,
    flt: ClaimFilter | None = None,
    *,
    measure: str = "pagerank",
    top: int = 20,
    sample: int | None = None,
    seed: int = 42,
    engine: str = "auto",
) -> dict[str, Any]:
    """Entities ranked by one centrality measure (degree, betweenness, pagerank, eigenvector, closeness)."""
    _check_top(top)
    flt = _or_all(flt)
    P, G = _structure(store, flt, engine)
    scores, info = centrality_mod.compute(G, measure, sample=sample, seed=seed, engine=engine)
    params = {"measure": measure, "top": top, "sample": info.get("sample"), "seed": seed}
    return {
        **info,
        "graph": _graph_summary(G),
        "results": centrality_mod.ranked(G, scores, top),
        "stamp": _stamp(P, "centrality", params, flt, info["engine"]),
    }


def communities(
    store: GraphStore,
    flt: ClaimFilter | None = None,
    *,
    top: int = 20,
    seed: int = 42,
    resolution: float = 1.0,
    members: int = 50,
    engine: str = "auto",
) -> dict[str, Any]:
    """Louvain communities (seeded): size, members, and the most central member of each."""
    _check_top(top)
    flt = _or_all(flt)
    P, G = _structure(store, flt, engine)
    parts = communities_mod.louvain(G, seed=seed, resolution=resolution, engine=engine)
    used = choose(G, engine)
    return {
        "method": "louvain",
        "engine": used,
        "graph": _graph_summary(G),
        "count": len(parts),
        "modularity": communities_mod.modularity(G, parts) if G.number_of_edges() else 0.0,
        "communities": communities_mod.describe(G, parts, top, members),
        "stamp": _stamp(
            P, "communities", {"seed": seed, "resolution": resolution, "top": top, "members": members}, flt, used
        ),
    }


def brokers(
    store: GraphStore,
    flt: ClaimFilter | None = None,
    *,
    top: int = 20,
) -> dict[str, Any]:
    """Articulation points, bridges, and the entities with the lowest Burt constraint."""
    _check_top(top)
    flt = _or_all(flt)
    P, G = _structure(store, flt, "networkx")  # NetworkX code; the bridges' grades are read below
    found = brokers_mod.brokers(G, top=top)
    grades = _best_grades(store, found["bridges"], flt)
    return {
        "graph": _graph_summary(G),
        "articulation_points": [node_info(G, v) for v in found["articulation_points"]],
        "bridges": [
            {"from": node_info(G, u), "to": node_info(G, v), "grade": grades.get(frozenset((u, v)))}
            for u, v in found["bridges"]
        ],
        "structural_holes": [
            {
                **node_info(G, r["node"]),
                "degree": r["degree"],
                "constraint": r["constraint"],
                "effective_size": r["effective_size"],
            }
            for r in found["structural_holes"]
        ],
        "stamp": _stamp(P, "brokers", {"top": top}, flt, "networkx"),
    }


def _best_grades(store: GraphStore, pairs: Iterable[tuple[str, str]], flt: ClaimFilter) -> dict[frozenset[str], str]:
    """The best grade among the claims passing ``flt`` that join each pair (either way), in one query."""
    wanted = {frozenset(p) for p in pairs}
    if not wanted:
        return {}
    best: dict[frozenset[str], Grade] = {}
    for c in store.claims_between(sorted({e for p in wanted for e in p}), flt):
        key = frozenset((c.subject, c.object))
        if key in wanted and len(key) == 2:
            g = Grade.parse(c.grade)
            if key not in best or g.sort_key() < best[key].sort_key():
                best[key] = g
    return {k: str(g) for k, g in best.items()}


def disruption(
    store: GraphStore,
    flt: ClaimFilter | None = None,
    *,
    k: int = 5,
    candidates: int | None = None,
) -> dict[str, Any]:
    """Which ``k`` entities, removed in turn, fragment the network most (greedy key-player search)."""
    flt = _or_all(flt)
    P, G = _structure(store, flt, "networkx")  # the search is NetworkX code; it needs no claims
    steps = disruption_mod.key_players(G, k=k, candidates=candidates)
    return {
        "graph": _graph_summary(G),
        "fragmentation": disruption_mod.fragmentation(G),
        "steps": [
            {"step": i + 1, **node_info(G, s["node"]), **{a: b for a, b in s.items() if a != "node"}}
            for i, s in enumerate(steps)
        ],
        "stamp": _stamp(P, "disruption", {"k": k, "candidates": candidates}, flt, "networkx"),
    }


def paths(
    store: GraphStore,
    source: str,
    target: str,
    flt: ClaimFilter | None = None,
    *,
    max_hops: int = 4,
    k: int = 3,
) -> dict[str, Any]:
    """The k shortest paths between two entities with weakest-link grades, in the shared subgraph shape
    (``views.paths_json``) plus a stamp."""
    from ..store.base import Node, Path

    flt = _or_all(flt)
    M = paths_around(store, source, target, max_hops, flt)
    found = paths_mod.k_shortest_paths(M, source, target, k=k, max_hops=max_hops)
    out = paths_json(
        [Path(nodes=[Node(**node_info(M, n)) for n in p["nodes"]], claims=list(p["claims"])) for p in found]
    )
    out["stamp"] = _stamp(
        M, "paths", {"source": source, "target": target, "max_hops": max_hops, "k": k}, flt, "networkx"
    )
    return out


def _resolve_wallets(store: GraphStore, wallets: Iterable[str]) -> list[str]:
    """Wallet entity ids; an address (a wallet's name) is accepted too, and a bank account's id (fiat flows
    cross into wallets and back)."""
    out = []
    for w in wallets:
        found = store.get_entities([w]) if w else {}
        if w in found and (
            found[w].label == "Wallet"
            or (found[w].label == "Account" and found[w].properties.get("platform") == "bank")
        ):
            out.append(w)
            continue
        try:
            hits = [h.id for h in store.search(w, limit=50) if h.label == "Wallet" and h.name == w]
        except InvalidInput:
            hits = []
        if not hits:
            raise NotFound(f"no wallet with id or address {w[:80]!r}", where="wallets")
        out.append(min(hits))
    return out


def trace(
    store: GraphStore,
    wallets: Sequence[str],
    flt: ClaimFilter | None = None,
    *,
    direction: str = "forward",
    max_hops: int = 4,
    min_amount: str | Decimal | None = None,
    since: str | None = None,
    until: str | None = None,
    method: str = "haircut",
    stop_tags: Sequence[str] = flows.STOP_TAGS,
    asset: str | None = None,
) -> dict[str, Any]:
    """Money-flow trace from wallets: end points with amounts (Decimal strings), the transfers that carried
    traced funds, and a subgraph in the shared JSON shape (``views.subgraph_json``), with a stamp.

    ``flt`` narrows the claims by grade, date, handling and hidden sources; a trace always reads
    ``TRANSFERRED`` and ``HOLDS`` claims (its relationship types are set here)."""
    if isinstance(wallets, str):
        wallets = [wallets]
    flt = dataclasses.replace(_or_all(flt), rel_types=("HOLDS", "TRANSFERRED"))
    starts = _resolve_wallets(store, wallets)
    around = TransfersAround(store, flt)
    M = around.G
    r = flows.trace(
        M,
        starts,
        direction=direction,
        max_hops=max_hops,
        method=method,
        min_amount=min_amount,
        since=since,
        until=until,
        stop_tags=stop_tags,
        asset=asset,
        expand=around,
    )
    ids = r.wallets()
    for ep in r.endpoints:
        if ep.wallet not in ids:
            ids.append(ep.wallet)
    around.names(ids)
    claims: dict[str, Claim] = {}
    for tid, fe in r.flows.items():
        c = M.edges[fe.transfer.src, fe.transfer.dst, tid].get("claim")
        if c is not None:
            claims[tid] = c
    holders: dict[str, list[dict[str, str]]] = {}
    for w in list(ids):
        for h, _, key, d in M.in_edges(w, keys=True, data=True):
            if d.get("type") == "HOLDS":
                holders.setdefault(w, []).append(node_info(M, h))
                if d.get("claim") is not None:
                    claims[key] = d["claim"]
                if h not in ids:
                    ids.append(h)
    from ..store.base import Node

    nodes = [Node(**node_info(M, n)) for n in ids]
    hops = {w: 0 for w in r.starts}
    for fe in sorted(r.flows.values(), key=lambda f: f.hop):
        nxt = fe.transfer.dst if direction == "forward" else fe.transfer.src
        hops.setdefault(nxt, fe.hop)
    params = {
        "wallets": starts,
        "direction": direction,
        "max_hops": max_hops,
        "method": method,
        "min_amount": None if min_amount in (None, "") else str(min_amount),
        "since": since,
        "until": until,
        "stop_tags": sorted(stop_tags),
        "asset": asset,
    }
    from ..screening.flows import mark_trace

    def rerun(other: str) -> flows.TraceResult:
        return flows.trace(
            M,
            starts,
            direction=direction,
            max_hops=max_hops,
            method=other,
            min_amount=min_amount,
            since=since,
            until=until,
            stop_tags=stop_tags,
            asset=asset,
            expand=around,
        )

    names = {w: node_info(M, w)["name"] for w in ids if w in M}
    headline, listed = mark_trace(store, r, rerun, names, flt)
    listed_ids = {x["wallet"] for x in listed}
    return {
        "headline": headline,
        "listed": listed,
        "direction": direction,
        "method": method,
        "wallets": starts,
        "max_hops": max_hops,
        "traced": {a: flows.money(v) for a, v in sorted(r.traced.items())},
        "endpoints": [
            {
                "wallet": ep.wallet,
                "name": node_info(M, ep.wallet)["name"],
                "asset": ep.asset,
                "amount": flows.money(ep.amount),
                "reasons": sorted(ep.reasons),
                "hops": ep.min_hops,
                "tags": ep.tags,
                "holders": holders.get(ep.wallet, []),
                "listed": ep.wallet in listed_ids,
            }
            for ep in r.endpoints
        ],
        "flows": [
            {
                "claim": tid,
                "from": fe.transfer.src,
                "to": fe.transfer.dst,
                "hop": fe.hop,
                "traced": flows.money(fe.traced),
                "amount": flows.money(fe.transfer.amount),
                "asset": fe.transfer.asset,
                "timestamp": fe.transfer.timestamp,
            }
            for tid, fe in sorted(r.flows.items(), key=lambda kv: (kv[1].hop, kv[1].transfer.timestamp, kv[0]))
        ],
        "subgraph": subgraph_json(nodes, claims.values(), hops=hops),
        "stamp": _stamp(M, "trace", params, flt, "networkx"),
    }


def write_back(
    store: GraphStore,
    flt: ClaimFilter | None = None,
    *,
    measure: str = "pagerank",
    sample: int | None = None,
    seed: int = 42,
    engine: str = "auto",
) -> dict[str, Any]:
    """Compute a measure (a centrality, or ``community``) for every entity and store it on the entities as
    the property ``<measure>`` with the run's stamp id in ``<measure>_stamp`` (for dashboards and the UI)."""
    if measure not in WRITE_BACK_MEASURES:
        raise InvalidInput(f"measure must be one of {', '.join(WRITE_BACK_MEASURES)}, got {measure!r}", where="measure")
    flt = _or_all(flt)
    P, G = _structure(store, flt, engine)
    values: dict[str, float | int]
    if measure == "community":
        parts = communities_mod.louvain(G, seed=seed, engine=engine)
        values = {v: i for i, p in enumerate(parts) for v in p}
        info: dict[str, Any] = {"measure": "community", "seed": seed}
    else:
        scores, info = centrality_mod.compute(G, measure, sample=sample, seed=seed, engine=engine)
        values = {v: float(s) for v, s in scores.items()}
        info = {**info, "seed": seed}
    stamp = _stamp(P, "write_back", {k: v for k, v in info.items() if k != "engine"}, flt, info.get("engine"))
    summary = store.set_properties({v: {measure: x, f"{measure}_stamp": stamp["id"]} for v, x in values.items()})
    return {"measure": measure, "property": measure, "written": len(values), "updated": summary.updated, "stamp": stamp}


def _check_top(top: int) -> None:
    if not 1 <= top <= 10_000:
        raise InvalidInput(f"top must be between 1 and 10000, got {top}", where="top")
