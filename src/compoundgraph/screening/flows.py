"""Screening in the money flow: which wallets a trace touched are listed, and how much reached them.

A wallet is *listed* when it is ``INVOLVED_IN`` a sanction event itself, or is held, controlled or used by an
actor who is (the same rule as batch screening, read with the trace's own claim filter). For each listed
wallet the trace touched - a start, a hop or an end point - the amount of traced funds that reached it
(forward: the traced part of the transfers into it; backward: of the transfers out of it) is given under
both attribution methods, haircut and FIFO, and the trace's answer leads with a one-line ``headline``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ..analytics import flows
from ..store import ClaimFilter, GraphStore
from .engine import Hit, Options, Policy, _Screener
from .report import hit_json

__all__ = ["listed_wallets", "reached", "headline", "mark_trace"]


def listed_wallets(
    store: GraphStore, wallets: Sequence[str], names: dict[str, str] | None = None, flt: ClaimFilter | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The listed wallets among ``wallets``: their sanctions (as in a screening answer), read with the
    handling code and hidden sources of ``flt`` (the trace's own filter)."""
    if not wallets:
        return {}
    flt = flt or ClaimFilter()

    def make(
        rels: Sequence[str] | None, types: Sequence[str] | None, grade: str | None, when: str | None
    ) -> ClaimFilter:
        return ClaimFilter.make(
            rels, types, grade, when, max_handling=flt.max_handling, hidden_sources=flt.hidden_sources
        )

    options = Options(max_hops=0, min_grade=str(flt.min_grade) if flt.min_grade else None, as_of=flt.as_of)
    s = _Screener(store, options, Policy(claim_filter=make))
    hits = [Hit(w, "Wallet", (names or {}).get(w, w), "exact identifier", w, w, 1.0, {}) for w in wallets]
    s.context(hits)
    out: dict[str, list[dict[str, Any]]] = {}
    for h in hits:
        h.events = s.events(h.entity)
        if h.listed:
            out[h.entity] = hit_json(h)["sanctions"]
    return out


def reached(r: flows.TraceResult, wallets: set[str]) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(wallet, asset) -> (traced amount that reached the wallet, fewest hops), for ``wallets``."""
    out: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for fe in r.flows.values():
        w = fe.transfer.dst if r.direction == "forward" else fe.transfer.src
        if w in wallets:
            amount, hops = out.get((w, fe.transfer.asset), (Decimal(0), fe.hop))
            out[(w, fe.transfer.asset)] = (amount + fe.traced, min(hops, fe.hop))
    for w in r.starts:  # a listed start: everything traced left (or came into) it
        if w in wallets:
            for asset, total in r.traced.items():
                out[(w, asset)] = (total, 0)
    return out


def headline(listed: list[dict[str, Any]]) -> str:
    if not listed:
        return "no listed wallet on this trace"
    amounts: dict[str, Decimal] = {}
    for x in listed:
        if x["hops"] > 0:
            amounts[x["asset"]] = amounts.get(x["asset"], Decimal(0)) + Decimal(x["amount"][x["method"]])
    wallets = sorted({x["wallet"] for x in listed})
    total = ", ".join(f"{flows.money(v)} {a}" for a, v in sorted(amounts.items())) or "the traced funds themselves"
    return (
        f"LISTED: this trace touches {len(wallets)} listed wallet{'s' if len(wallets) > 1 else ''} "
        f"(sanctioned or held by a designated actor); {total} reached them"
    )


def mark_trace(
    store: GraphStore,
    r: flows.TraceResult,
    rerun: Callable[[str], flows.TraceResult],
    names: dict[str, str],
    flt: ClaimFilter,
) -> tuple[str, list[dict[str, Any]]]:
    """The headline and the listed wallets of a trace. ``rerun(method)`` traces again with the other
    attribution method (only when a listed wallet was reached), so both amounts are given."""
    touched = list(dict.fromkeys([*r.wallets(), *(ep.wallet for ep in r.endpoints)]))
    listed = listed_wallets(store, touched, names, flt)
    if not listed:
        return headline([]), []
    mine = reached(r, set(listed))
    other_method = "fifo" if r.method == "haircut" else "haircut"
    theirs = reached(rerun(other_method), set(listed))
    out = []
    for (w, asset), (amount, hops) in sorted(mine.items(), key=lambda kv: (kv[1][1], kv[0])):
        other = theirs.get((w, asset), (Decimal(0), hops))[0]
        out.append(
            {
                "wallet": w,
                "name": names.get(w, w),
                "asset": asset,
                "hops": hops,
                "method": r.method,
                "amount": {r.method: flows.money(amount), other_method: flows.money(other)},
                "sanctions": listed[w],
            }
        )
    return headline(out), out
