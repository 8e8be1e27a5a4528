"""Money-flow tracing over TRANSFERRED claims: forward (where did it go) and backward (where did it come from).

The model, per wallet and asset, is a ledger of its transfers in time order (inflows before outflows at
the same instant, so a hop may leave in the second it arrived: "no earlier than the one before"). The
ledger decides which inflows fund each outflow:

- **haircut** (proportional): an outflow takes the same share of every inflow still in the balance;
- **FIFO**: an outflow spends the oldest unspent inflows first.

Money the ledger cannot explain (an outflow larger than the known balance) comes from *unknown prior
funds*. Tracing then pushes tainted amounts along these allocations hop by hop: forward from the outflows
of the start wallets, backward from their inflows. Because an allocation only links an inflow to a later
outflow, every traced path is time-respecting by construction. Tracing stops at wallets tagged as an
exchange, OTC desk or payment provider (on the wallet, or on an organisation HOLDing it), after
``max_hops`` transfers, at funds still unspent (forward) or of unknown origin (backward), and when funds
return to a start wallet. Every traced amount ends at exactly one end point, so the end points add up to
what was traced (checked in the tests). All money is :class:`~decimal.Decimal`.

``G`` is a ``MultiDiGraph`` whose TRANSFERRED edges carry either a ``claim`` (with ``properties``
amount, asset, timestamp) as :meth:`GraphStore.to_networkx` makes them, or those three attributes
directly; HOLDS edges (holder -> wallet) may be present for the tags of holders.
"""

from __future__ import annotations

import decimal
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import networkx as nx

from ..errors import InvalidInput, NotFound

__all__ = [
    "STOP_TAGS",
    "Transfer",
    "EndPoint",
    "FlowEdge",
    "TraceResult",
    "trace",
    "trace_forward",
    "trace_backward",
    "wallet_tags",
    "money",
]

STOP_TAGS = ("exchange", "otc", "payment-provider")
METHODS = ("haircut", "fifo")
_DUST = Decimal("1e-12")  # what Decimal division leaves behind; below this nothing is reported
_CTX = decimal.Context(prec=34)


@dataclass(frozen=True, slots=True)
class Transfer:
    """One TRANSFERRED claim, as the tracer reads it."""

    id: str
    src: str
    dst: str
    amount: Decimal
    asset: str
    timestamp: str


@dataclass
class EndPoint:
    """Where traced funds stopped: a wallet, an asset, how much, and why."""

    wallet: str
    asset: str
    amount: Decimal = Decimal(0)
    reasons: set[str] = field(default_factory=set)
    min_hops: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass
class FlowEdge:
    """A transfer that carried traced funds: how much of it, first at which hop."""

    transfer: Transfer
    traced: Decimal = Decimal(0)
    hop: int = 0


@dataclass
class TraceResult:
    direction: str
    method: str
    starts: list[str]
    max_hops: int
    endpoints: list[EndPoint]
    flows: dict[str, FlowEdge]
    traced: dict[str, Decimal]  # total traced per asset (the end points add up to this)

    def wallets(self) -> list[str]:
        seen = dict.fromkeys(self.starts)
        for f in self.flows.values():
            seen.setdefault(f.transfer.src)
            seen.setdefault(f.transfer.dst)
        return list(seen)


def money(d: Decimal, places: int = 8) -> str:
    """A Decimal as a plain string, rounded to ``places`` and without trailing zeros (``"19500.25"``)."""
    q = d.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN, context=_CTX)
    text = format(q.normalize(context=_CTX), "f")
    return "0" if text in ("-0", "0") else text


def _norm_tag(tag: object) -> str:
    return str(tag).strip().lower().replace("_", "-").replace(" ", "-")


def wallet_tags(G: nx.MultiDiGraph, wallet: str) -> list[str]:
    """The wallet's own ``tags`` plus the tags and ``org_type`` of every entity that HOLDS it. O(deg)."""
    tags: set[str] = set()
    attrs = G.nodes[wallet]
    for src in (attrs, attrs.get("properties") or {}):
        t = src.get("tags")
        if isinstance(t, str):
            tags.add(_norm_tag(t))
        elif isinstance(t, (list, tuple)):
            tags.update(_norm_tag(x) for x in t)
    if G.is_multigraph():
        for holder, keyed in G.pred[wallet].items():
            h = G.nodes[holder]
            if h.get("label") == "Wallet":
                continue  # wallet-to-wallet edges are transfers; holders are people and organisations
            if not any(d.get("type") == "HOLDS" for d in keyed.values()):
                continue
            props = h.get("properties") or {}
            for t in props.get("tags") or h.get("tags") or ():
                tags.add(_norm_tag(t))
            if props.get("org_type"):
                tags.add(_norm_tag(props["org_type"]))
    return sorted(tags)


class _Ledgers:
    """Lazily built per-wallet transfer lists and allocations (only wallets the trace touches)."""

    def __init__(
        self,
        G: nx.MultiDiGraph,
        method: str,
        min_amount: Decimal | None,
        since: str | None,
        until: str | None,
        asset: str | None,
    ) -> None:
        self.G = G
        self.method = method
        self.min_amount = min_amount
        self.since = since
        self.until = until
        self.asset = asset
        self._books: dict[str, dict[str, _Book]] = {}

    def _read(self, u: str, v: str, k: Any, d: dict[str, Any]) -> Transfer | None:
        if d.get("type", "TRANSFERRED") != "TRANSFERRED" or u == v:
            return None
        claim = d.get("claim")
        props = claim.properties if claim is not None and hasattr(claim, "properties") else d
        try:
            amount = props["amount"]
            amount = amount if isinstance(amount, Decimal) else Decimal(str(amount))
            ts = str(props["timestamp"])
        except (KeyError, decimal.InvalidOperation):
            return None  # a transfer without amount or time cannot be traced; it is left out
        asset = str(props.get("asset") or "")
        if amount <= 0 or (self.min_amount is not None and amount < self.min_amount):
            return None
        if self.asset and asset != self.asset:
            return None
        if self.since and ts < self.since:
            return None
        if self.until and ts[: len(self.until)] > self.until:
            return None
        return Transfer(str(k), u, v, amount, asset, ts)

    def outs(self, w: str) -> list[Transfer]:
        read = self._read
        out = [t for v, keyed in self.G.succ[w].items() for k, d in keyed.items() if (t := read(w, v, k, d))]
        return sorted(out, key=lambda t: (t.timestamp, t.id))

    def ins(self, w: str) -> list[Transfer]:
        read = self._read
        out = [t for u, keyed in self.G.pred[w].items() for k, d in keyed.items() if (t := read(u, w, k, d))]
        return sorted(out, key=lambda t: (t.timestamp, t.id))

    def book(self, w: str, asset: str) -> _Book:
        """The wallet's ledger for one asset (built on first use, for every asset at once)."""
        if w not in self._books:
            by_asset: dict[str, list[tuple[str, int, str, Transfer]]] = defaultdict(list)
            for t in self.ins(w):
                by_asset[t.asset].append((t.timestamp, 0, t.id, t))
            for t in self.outs(w):
                by_asset[t.asset].append((t.timestamp, 1, t.id, t))
            self._books[w] = {a: _Book(self.method, sorted(ev)) for a, ev in by_asset.items()}
        return self._books[w].get(asset) or _Book(self.method, [])


class _Book:
    """One wallet's ledger for one asset, in time order (inflows first within a second).

    Haircut is kept in closed form so pushing funds through a busy wallet costs O(d), not O(d_in * d_out):
    an outflow taking share ``f`` of the balance leaves every inflow with ``1 - f`` of what it had, so an
    inflow's remainder just before outflow ``j`` is ``amount * S_j / S_i`` with ``S`` the running product of
    ``1 - f``. An outflow that empties the balance ends an *epoch*: earlier inflows are spent and ``S``
    restarts. FIFO keeps explicit (inflow, outflow, amount) pieces; there are at most ``d_in + d_out``.
    """

    def __init__(self, method: str, events: list[tuple[str, int, str, Transfer]]) -> None:
        self.method = method
        # haircut: inflows (pos, transfer, S at arrival, epoch); outflows (pos, transfer, f, S before, epoch,
        # unknown part)
        self.ins: list[tuple[int, Transfer, Decimal, int]] = []
        self.outs: list[tuple[int, Transfer, Decimal, Decimal, int, Decimal]] = []
        self.in_pos: dict[str, int] = {}
        # fifo: inflow id -> [(outflow, amount)], outflow id -> ([(inflow, amount)], unknown part)
        self.fifo_fwd: dict[str, list[tuple[Transfer, Decimal]]] = defaultdict(list)
        self.fifo_back: dict[str, tuple[list[tuple[Transfer, Decimal]], Decimal]] = {}
        if method == "fifo":
            self._fifo(events)
        else:
            self._haircut(events)

    def _haircut(self, events: list[tuple[str, int, str, Transfer]]) -> None:
        balance, surv, epoch = Decimal(0), Decimal(1), 0
        for pos, (_, is_out, _, t) in enumerate(events):
            if not is_out:
                self.in_pos[t.id] = len(self.ins)
                self.ins.append((pos, t, surv, epoch))
                balance += t.amount
                continue
            x = t.amount
            if balance <= 0:
                self.outs.append((pos, t, Decimal(0), surv, epoch, x))
            elif x >= balance:
                self.outs.append((pos, t, Decimal(1), surv, epoch, x - balance))
                balance, surv, epoch = Decimal(0), Decimal(1), epoch + 1
            else:
                f = _CTX.divide(x, balance)
                self.outs.append((pos, t, f, surv, epoch, Decimal(0)))
                surv = _CTX.multiply(surv, 1 - f)
                balance -= x

    def _fifo(self, events: list[tuple[str, int, str, Transfer]]) -> None:
        queue: deque[list[Any]] = deque()  # [inflow, remaining]
        for _, is_out, _, t in events:
            if not is_out:
                queue.append([t, t.amount])
                continue
            need = t.amount
            parts: list[tuple[Transfer, Decimal]] = []
            while need > 0 and queue:
                head = queue[0]
                take = min(head[1], need)
                parts.append((head[0], take))
                self.fifo_fwd[head[0].id].append((t, take))
                head[1] -= take
                need -= take
                if head[1] <= 0:
                    queue.popleft()
            self.fifo_back[t.id] = (parts, need)

    def forward(self, tainted: list[tuple[Transfer, Decimal]]) -> list[tuple[Transfer, Decimal]]:
        """Traced amounts on inflows -> traced amounts on the outflows they fund."""
        if self.method == "fifo":
            out: list[tuple[Transfer, Decimal]] = []
            for t, a in tainted:
                for o, take in self.fifo_fwd.get(t.id, ()):
                    out.append((o, _CTX.divide(_CTX.multiply(a, take), t.amount)))
            return out
        # sweep the outflows once, with the running sum of traced / S over inflows of the current epoch
        items = sorted((self.ins[self.in_pos[t.id]], a) for t, a in tainted if t.id in self.in_pos)
        out, k, run, cur = [], 0, Decimal(0), -1
        for pos, o, f, s_before, epoch, _ in self.outs:
            while k < len(items) and items[k][0][0] < pos:
                (_, _, s_in, ep_in), a = items[k]
                if ep_in != cur:
                    run, cur = Decimal(0), ep_in
                run += _CTX.divide(a, s_in)
                k += 1
            if epoch != cur:
                run, cur = Decimal(0), epoch
            if f > 0 and run > 0:
                out.append((o, _CTX.multiply(_CTX.multiply(f, s_before), run)))
        return out

    def backward(self, tainted: list[tuple[Transfer, Decimal]]) -> list[tuple[Transfer, Decimal]]:
        """Traced amounts on outflows -> traced amounts on the inflows that funded them (the rest is unknown)."""
        if self.method == "fifo":
            out: list[tuple[Transfer, Decimal]] = []
            for t, a in tainted:
                parts, _ = self.fifo_back.get(t.id, ([], t.amount))
                for i, take in parts:
                    out.append((i, _CTX.divide(_CTX.multiply(a, take), t.amount)))
            return out
        # sweep backwards: an inflow gets amount / S_i * sum over later same-epoch traced outflows of
        # traced * S_before * f / amount
        coef: dict[str, Decimal] = {t.id: a for t, a in tainted}
        out, run, cur = [], Decimal(0), -1
        oi, ii = len(self.outs) - 1, len(self.ins) - 1
        while ii >= 0:
            if oi >= 0 and self.outs[oi][0] > self.ins[ii][0]:
                _, o, f, s_before, epoch, _ = self.outs[oi]
                oi -= 1
                if o.id in coef and f > 0:
                    if epoch != cur:
                        run, cur = Decimal(0), epoch
                    run += _CTX.divide(_CTX.multiply(_CTX.multiply(coef[o.id], s_before), f), o.amount)
                continue
            _, i, s_in, epoch = self.ins[ii]
            ii -= 1
            if epoch != cur:
                run, cur = Decimal(0), epoch
            if run > 0:
                out.append((i, _CTX.divide(_CTX.multiply(i.amount, run), s_in)))
        return out


def trace(
    G: nx.MultiDiGraph,
    wallets: Iterable[str],
    direction: str = "forward",
    max_hops: int = 4,
    method: str = "haircut",
    min_amount: Decimal | str | None = None,
    since: str | None = None,
    until: str | None = None,
    stop_tags: Iterable[str] = STOP_TAGS,
    asset: str | None = None,
    expand: Callable[[list[str], bool], None] | None = None,
) -> TraceResult:
    """Trace funds from (``forward``) or into (``backward``) ``wallets`` through at most ``max_hops`` transfers.

    Parameters
    ----------
    G : MultiDiGraph of wallets with TRANSFERRED edges (and optionally HOLDS edges for holders' tags).
    wallets : start wallets; all their outflows (forward) or inflows (backward) in the window are traced.
    max_hops : 1-10 transfers along any traced path.
    method : ``"haircut"`` (proportional) or ``"fifo"``.
    min_amount : transfers smaller than this are ignored altogether.
    since, until : ISO dates or timestamps bounding the transfers considered (inclusive).
    stop_tags : wallet tags (own, or a holder's tags / ``org_type``) where tracing stops.
    asset : only transfers of this asset; by default each asset is traced on its own ledger.
    expand : for a graph loaded as the trace goes (from a store): called as ``expand(wallets, full)`` before
        the trace reads those wallets, with ``full=False`` when it needs their attributes and HOLDS edges
        (for their tags) and ``full=True`` when it needs every transfer in and out of them as well. It adds
        them to ``G``; the trace reads nothing else.

    Returns
    -------
    TraceResult with end points (amount per wallet and asset, why it stopped), the transfers that carried
    traced funds (with the traced part) and the total traced per asset.

    Complexity: O(d log d) to build the ledger of each touched wallet (d: its transfers) and O(d) per hop
    to push funds through it, for both methods; untouched wallets cost nothing.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="t1", amount="10", asset="USDT", timestamp="2024-01-01T00:00:00Z")
    't1'
    >>> G.add_edge("b", "c", key="t2", amount="4", asset="USDT", timestamp="2024-01-02T00:00:00Z")
    't2'
    >>> r = trace(G, ["a"])
    >>> sorted((e.wallet, money(e.amount), sorted(e.reasons)) for e in r.endpoints)
    [('b', '6', ['unspent']), ('c', '4', ['unspent'])]
    """
    if not G.is_multigraph():
        G = nx.MultiDiGraph(G)
    starts = list(dict.fromkeys(wallets))
    if not starts:
        raise InvalidInput("give at least one wallet to trace from", where="wallets")
    if expand is not None:
        expand(starts, True)
    for w in starts:
        if w not in G:
            raise NotFound(f"no wallet {str(w)[:80]!r} in the transfer graph", where="wallets")
    if direction not in ("forward", "backward"):
        raise InvalidInput(f"direction must be forward or backward, got {direction!r}", where="direction")
    if method not in METHODS:
        raise InvalidInput(f"method must be haircut or fifo, got {method!r}", where="method")
    if not 1 <= max_hops <= 10:
        raise InvalidInput(f"max_hops must be between 1 and 10, got {max_hops}", where="max_hops")
    floor: Decimal | None = None
    if min_amount is not None and min_amount != "":
        try:
            floor = Decimal(str(min_amount))
        except decimal.InvalidOperation as exc:
            raise InvalidInput(f"min_amount {str(min_amount)[:40]!r} is not a number", where="min_amount") from exc
    if since and until and since > until:
        raise InvalidInput(f"since {since} is after until {until}", where="since")
    stops = {_norm_tag(t) for t in stop_tags}
    ledgers = _Ledgers(G, method, floor, since or None, until or None, asset)
    start_set = set(starts)
    forward = direction == "forward"
    tag_cache: dict[str, list[str]] = {}

    def tags_of(w: str) -> list[str]:
        if w not in tag_cache:
            tag_cache[w] = wallet_tags(G, w)
        return tag_cache[w]

    ends: dict[tuple[str, str], EndPoint] = {}

    def end(w: str, asset_: str, amount: Decimal, reason: str, hop: int) -> None:
        if amount <= _DUST:
            return
        ep = ends.get((w, asset_))
        if ep is None:
            ep = ends[(w, asset_)] = EndPoint(w, asset_, min_hops=hop, tags=tags_of(w))
        ep.amount += amount
        ep.reasons.add(reason)
        ep.min_hops = min(ep.min_hops, hop)

    level: dict[str, tuple[Transfer, Decimal]] = {}
    traced: dict[str, Decimal] = defaultdict(Decimal)
    for w in starts:
        for t in ledgers.outs(w) if forward else ledgers.ins(w):
            if (t.dst if forward else t.src) in start_set:
                continue  # a move between start wallets is not funds leaving (or entering) the set
            level[t.id] = (t, t.amount)
            traced[t.asset] += t.amount
    flows: dict[str, FlowEdge] = {}
    for hop in range(1, max_hops + 1):
        # gather what reached each wallet at this hop, then push it through that wallet's ledger at once
        arrived: dict[tuple[str, str], list[tuple[Transfer, Decimal]]] = defaultdict(list)
        for tid in sorted(level):
            t, amount = level[tid]
            fe = flows.get(tid)
            if fe is None:
                fe = flows[tid] = FlowEdge(t, hop=hop)
            fe.traced += amount
            arrived[(t.dst if forward else t.src, t.asset)].append((t, amount))
        nxt: dict[str, tuple[Transfer, Decimal]] = {}
        if expand is not None:
            reached = sorted({w for w, _ in arrived})
            expand(reached, False)
            if hop < max_hops:
                expand([w for w in reached if w not in start_set and not stops.intersection(tags_of(w))], True)
        for w, asset_ in sorted(arrived):
            items = arrived[(w, asset_)]
            total = sum((a for _, a in items), Decimal(0))
            hit = stops.intersection(tags_of(w))
            if w in start_set:
                end(w, asset_, total, "returned to start", hop)
                continue
            if hit:
                end(w, asset_, total, "stop:" + ",".join(sorted(hit)), hop)
                continue
            if hop == max_hops:
                end(w, asset_, total, "hop limit", hop)
                continue
            book = ledgers.book(w, asset_)
            pushed = book.forward(items) if forward else book.backward(items)
            passed = Decimal(0)
            for other, x in pushed:
                if x <= _DUST:
                    continue
                prev = nxt.get(other.id)
                nxt[other.id] = (other, prev[1] + x if prev else x)
                passed += x
            end(w, asset_, total - passed, "unspent" if forward else "unknown prior funds", hop)
        level = nxt
        if not level:
            break
    endpoints = sorted(ends.values(), key=lambda e: (-e.amount, e.wallet, e.asset))
    return TraceResult(direction, method, starts, max_hops, endpoints, flows, dict(traced))


def trace_forward(G: nx.MultiDiGraph, wallets: Iterable[str], **kw: Any) -> TraceResult:
    """Where the funds leaving ``wallets`` went (see :func:`trace`)."""
    return trace(G, wallets, "forward", **kw)


def trace_backward(G: nx.MultiDiGraph, wallets: Iterable[str], **kw: Any) -> TraceResult:
    """Where the funds reaching ``wallets`` came from (see :func:`trace`)."""
    return trace(G, wallets, "backward", **kw)
