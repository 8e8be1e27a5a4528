"""Both attribution methods side by side for one trace start: how much the answer depends on the method.

:func:`compare_methods` runs the money-flow trace (:func:`compoundgraph.analytics.service.trace`) with the
same start and settings under haircut and under FIFO, and joins their end points by wallet and asset. Each
method's end points add up to the traced amount per asset (funds are attributed, never created or lost), and
the two traced amounts are the same (the same funds leave the same starts), so ``totals`` holds one line per
method and asset and ``balanced`` says both add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import flows
from .service import trace

if TYPE_CHECKING:
    from ..store.base import ClaimFilter, GraphStore

__all__ = ["compare_methods"]


def compare_methods(
    store: GraphStore,
    wallets: Sequence[str],
    flt: ClaimFilter | None = None,
    *,
    direction: str = "forward",
    max_hops: int = 4,
    min_amount: str | Decimal | None = None,
    since: str | None = None,
    until: str | None = None,
    stop_tags: Sequence[str] = flows.STOP_TAGS,
    asset: str | None = None,
) -> dict[str, Any]:
    """The end points of one trace under haircut and FIFO, one row per (wallet, asset), largest first, with
    both amounts and their difference (FIFO minus haircut). Cost: two traces."""
    runs = {
        m: trace(
            store,
            wallets,
            flt,
            direction=direction,
            max_hops=max_hops,
            min_amount=min_amount,
            since=since,
            until=until,
            method=m,
            stop_tags=stop_tags,
            asset=asset,
        )
        for m in flows.METHODS
    }
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for method, run in runs.items():
        for ep in run["endpoints"]:
            row = rows.setdefault(
                (ep["wallet"], ep["asset"]),
                {
                    "wallet": ep["wallet"],
                    "name": ep["name"],
                    "asset": ep["asset"],
                    "tags": ep["tags"],
                    "holders": ep["holders"],
                    "amounts": {m: "0" for m in flows.METHODS},
                    "reasons": {m: [] for m in flows.METHODS},
                    "hops": {m: None for m in flows.METHODS},
                },
            )
            row["amounts"][method] = ep["amount"]
            row["reasons"][method] = ep["reasons"]
            row["hops"][method] = ep["hops"]
    out = []
    for row in rows.values():
        h, f = Decimal(row["amounts"]["haircut"]), Decimal(row["amounts"]["fifo"])
        row["difference"] = flows.money(f - h)  # FIFO minus haircut
        out.append(row)
    out.sort(key=lambda r: (-max(Decimal(a) for a in r["amounts"].values()), r["asset"], r["wallet"]))
    totals: dict[str, dict[str, str]] = {}
    balanced = True
    for method, run in runs.items():
        sums: dict[str, Decimal] = {}
        for ep in run["endpoints"]:
            sums[ep["asset"]] = sums.get(ep["asset"], Decimal(0)) + Decimal(ep["amount"])
        totals[method] = {a: flows.money(v) for a, v in sorted(sums.items())}
        traced = {a: Decimal(v) for a, v in run["traced"].items()}
        # end points are rounded to 8 places each: allow that much per end point
        slack = Decimal("1e-8") * max(1, len(run["endpoints"]))
        balanced &= set(sums) == set(traced) and all(abs(sums[a] - traced[a]) <= slack for a in traced)
    first = runs["haircut"]
    return {
        "wallets": first["wallets"],
        "direction": direction,
        "max_hops": max_hops,
        "traced": {m: run["traced"] for m, run in runs.items()},
        "totals": totals,
        "balanced": balanced,
        "endpoints": out,
        "stamps": {m: run["stamp"] for m, run in runs.items()},
        "methods": {
            "haircut": "proportional: every payment out takes the same share of each payment in still in the balance",
            "fifo": "first in, first out: every payment out spends the oldest unspent payments in first",
        },
    }
