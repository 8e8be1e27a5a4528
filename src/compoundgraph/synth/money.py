"""The money half of a synthetic world: wallets and laundering-shaped transfers.

Wallet index space, in order: service wallets (exchanges, OTC desks, payment providers; tagged and held
by their organisation), collection wallets (held by a cell's operator or boss), hop wallets (peel chains,
mules, consolidation), victim wallets (where deposits come from). Each pool is split between TRON (USDT
TRC-20) and Ethereum (USDT ERC-20 and ETH).

Transfers come in *episodes*: victims deposit into a collection wallet over days, then the total leaves
by one of three patterns - a peel chain (each hop peels a slice to an exchange and passes the rest on),
a fan-out / fan-in (one multi-send transaction to several mules, which all forward to one consolidation
wallet, which pays an OTC desk or exchange) or a direct cash-out through payment providers. Amounts are
exact integers of the token's smallest unit and balance along every path; within an episode every
transfer is strictly later than the one that funded it. So replaying all transfers in time order, no
wallet but a victim's ever goes below zero.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from .addresses import eth_addresses, tron_address
from .plan import Plan
from .world import wallet_id

__all__ = ["Wallets", "Transfer", "transfers", "fmt_amount", "fmt_time", "ASSETS", "T_START", "T_SPAN"]

TRON, ETH = "tron", "ethereum"
ASSETS = {"USDT": 6, "ETH": 18}
T_START = 1_609_459_200  # 2021-01-01T00:00:00Z
T_SPAN = 4 * 365 * 86_400 + 150 * 86_400  # episodes start before mid-2025
SERVICE_TYPES = ("exchange", "otc", "payment-provider")
_BLOCK = 4_096  # Ethereum addresses are made in vectorised batches


class Transfer(NamedTuple):
    sender: int  # wallet indices
    receiver: int
    tx_hash: str
    log_index: int
    units: int  # in the token's smallest unit
    asset: str
    timestamp: int  # epoch seconds, UTC
    chain: str


@dataclass
class Wallets:
    """Ids and addresses of every wallet (one short string each: the only per-wallet state kept)."""

    plan: Plan
    ids: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    chains: bytearray = field(default_factory=bytearray)  # 0 tron, 1 ethereum
    pools: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (pool, chain) -> indices

    def layout(self, index: int) -> tuple[str, str, str | None]:
        """(pool, chain, service type) of a wallet, from its index alone."""
        p = self.plan
        if index < p.service_wallets:
            kind = SERVICE_TYPES[(index % p.service_orgs) % 3]
            return "service", ETH if (index // p.service_orgs) % 3 == 2 else TRON, kind
        j = index - p.service_wallets
        for pool, size in (("collection", p.collection_wallets), ("hop", p.hop_wallets)):
            if j < size:
                return pool, ETH if j % 4 == 3 else TRON, None
            j -= size
        return "victim", ETH if j % 4 == 3 else TRON, None

    def holder(self, index: int) -> int:
        """Which service organisation holds service wallet ``index``."""
        return index % self.plan.service_orgs

    def build(self) -> Iterator[tuple[int, str, str, str, str | None]]:
        """Make every address from seeded bytes; yields (index, id, address, chain, service type)."""
        rng = random.Random(f"compoundgraph-synth:{self.plan.seed}:wallets")
        total = self.plan.wallets
        for start in range(0, total, _BLOCK):
            idx = range(start, min(start + _BLOCK, total))
            layouts = [self.layout(i) for i in idx]
            bodies = [rng.getrandbits(160).to_bytes(20, "big") for _ in idx]
            eth = iter(eth_addresses([b for b, lay in zip(bodies, layouts, strict=True) if lay[1] == ETH]))
            for i, body, (pool, chain, kind) in zip(idx, bodies, layouts, strict=True):
                address = next(eth) if chain == ETH else tron_address(body)
                wid = wallet_id(chain, address)
                self.ids.append(wid)
                self.addresses.append(address)
                self.chains.append(chain == ETH)
                key = (f"service:{kind}" if kind else pool, chain)
                self.pools.setdefault(key, []).append(i)
                yield i, wid, address, chain, kind


def fmt_amount(units: int, decimals: int) -> str:
    """An exact decimal string with the token's decimals applied, trailing zeros dropped."""
    whole, frac = divmod(units, 10**decimals)
    if not frac:
        return str(whole)
    return f"{whole}.{frac:0{decimals}d}".rstrip("0")


_DAYS: dict[int, str] = {}


def fmt_time(epoch: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (UTC); the date part is cached, the hot loop formats millions."""
    days, secs = divmod(epoch, 86_400)
    date = _DAYS.get(days)
    if date is None:
        date = _DAYS[days] = time.strftime("%Y-%m-%d", time.gmtime(days * 86_400))
    hours, secs = divmod(secs, 3_600)
    minutes, secs = divmod(secs, 60)
    return f"{date}T{hours:02d}:{minutes:02d}:{secs:02d}Z"


def transfers(w: Wallets) -> Iterator[Transfer]:
    """Exactly ``plan.transfers`` transfers, episode after episode (each episode in time order)."""
    rng = random.Random(f"compoundgraph-synth:{w.plan.seed}:transfers")
    left = w.plan.transfers
    hop_next = {TRON: 0, ETH: 0}
    has_eth = bool(w.pools.get(("collection", ETH))) and bool(w.pools.get(("victim", ETH)))
    while left > 0:
        for t in _episode(rng, w, hop_next, has_eth):
            yield t
            left -= 1
            if left == 0:
                return


def _episode(rng: random.Random, w: Wallets, hop_next: dict[str, int], has_eth: bool) -> Iterator[Transfer]:
    # rng.random() and int() instead of randrange/randint: several times faster, and this is the hot loop
    rnd, bits = rng.random, rng.getrandbits

    def between(lo: int, hi: int) -> int:
        return lo + int(rnd() * (hi - lo + 1))

    chain = ETH if has_eth and rnd() < 0.25 else TRON
    asset = "ETH" if chain == ETH and rnd() < 0.2 else "USDT"
    unit = 10 ** ASSETS[asset]
    grain = unit if asset == "USDT" else unit // 1_000  # peels are round: whole USDT, 0.001 ETH
    prefix = "0x" if chain == ETH else ""
    pools = w.pools
    hops = pools[("hop", chain)]

    def hop() -> int:
        n = hop_next[chain]
        hop_next[chain] = (n + 1) % len(hops)
        return hops[n]

    def service(kind: str) -> int:
        options = pools.get((f"service:{kind}", chain)) or pools[("service:exchange", chain)]
        return options[int(rnd() * len(options))]

    def new_hash() -> str:
        return f"{prefix}{bits(256):064x}"

    collection = pools[("collection", chain)]
    victims = pools[("victim", chain)]
    c = collection[int(rnd() * len(collection))]
    t = T_START + int(rnd() * T_SPAN)
    total = 0
    for _ in range(between(2, 10)):  # victims' deposits over days
        victim = victims[int(rnd() * len(victims))]
        if asset == "USDT":
            units = max(50, int(rng.lognormvariate(7.5, 1.0))) * unit + int(rnd() * 100) * (unit // 100)
        else:
            units = max(10, int(rng.lognormvariate(5.5, 1.0))) * (unit // 10_000)
        t += between(600, 3 * 86_400)
        total += units
        yield Transfer(victim, c, new_hash(), 0, units, asset, t, chain)
    t += between(1_800, 86_400)
    pattern = rnd()
    if pattern < 0.5:  # peel chain
        current, balance = c, total
        for _ in range(between(3, 10)):
            nxt = hop()
            yield Transfer(current, nxt, new_hash(), 0, balance, asset, t, chain)
            current = nxt
            t += between(600, 36 * 3_600)
            peel = int(balance * (0.03 + 0.12 * rnd())) // grain * grain
            if 0 < peel < balance:
                yield Transfer(current, service("exchange"), new_hash(), 0, peel, asset, t, chain)
                balance -= peel
                t += between(60, 6 * 3_600)
        yield Transfer(current, service("otc"), new_hash(), 0, balance, asset, t, chain)
    elif pattern < 0.85:  # fan-out in one multi-send transaction, then fan-in
        n = between(3, 8)
        cuts = sorted(1 + int(rnd() * (total - 1)) for _ in range(n - 1)) if total > n else []
        parts = [p for p in (b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)) if p > 0]
        multi = new_hash()
        mules = []
        for k, part in enumerate(parts):
            mule = hop()
            mules.append((mule, part))
            yield Transfer(c, mule, multi, k, part, asset, t, chain)
        sink = hop()
        for mule, part in mules:
            t += between(300, 12 * 3_600)
            yield Transfer(mule, sink, new_hash(), 0, part, asset, t, chain)
        t += between(600, 24 * 3_600)
        yield Transfer(sink, service("otc" if rnd() < 0.6 else "exchange"), new_hash(), 0, total, asset, t, chain)
    else:  # cash-out through payment providers
        balance = total
        for _ in range(between(1, 3) - 1):
            part = int(balance * (0.2 + 0.4 * rnd())) // grain * grain
            if 0 < part < balance:
                yield Transfer(c, service("payment-provider"), new_hash(), 0, part, asset, t, chain)
                balance -= part
                t += between(600, 48 * 3_600)
        yield Transfer(c, service("payment-provider"), new_hash(), 0, balance, asset, t, chain)
