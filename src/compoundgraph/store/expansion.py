"""Growing a chart: the breadth-first walk behind :meth:`GraphStore.ego` and :meth:`GraphStore.ego_counts`.

Written once on the store's primitive reads (``neighbours``, ``claims_of``, ``degrees``, ``node_labels``), so
both stores give the same answers. Two kinds of "already known" ids shape a walk:

- ``exclude``: ids the caller already has (its chart). They are not returned and not counted as new, but the
  walk passes *through* them: expanding a charted node at 2 hops reaches the ring behind its charted
  neighbours.
- ``avoid``: ids the walk must not enter at all (neither returned nor traversed).

A node with more neighbours than the store's supernode threshold is reached but not expanded (beyond the
centre, which the caller asked to expand), and reported with its degree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InvalidInput
from ..models import Claim

if TYPE_CHECKING:
    from .base import ClaimFilter, GraphStore

__all__ = ["ORDERS", "Walk", "EgoCounts", "walk", "counts", "pick"]

# How a selective expansion ranks the new neighbours it keeps.
ORDERS = ("id", "degree", "grade", "recent")
# A walk that counts or ranks looks at no more than this many nodes (the answer then says "capped").
WALK_CAP = 50_000


@dataclass
class Walk:
    """Every node a walk reached (``depth``, the centre at 0), how (``parent``, ``via`` claims when asked for),
    the supernodes it did not expand, and whether it stopped at ``limit``/the cap."""

    center: str
    depth: dict[str, int]
    parent: dict[str, str]
    via: dict[str, list[Claim]] = field(default_factory=dict)
    supernodes: dict[str, int] = field(default_factory=dict)
    truncated: bool = False


@dataclass
class EgoCounts:
    """What an expansion would add, without the neighbours themselves."""

    center: str
    hops: int
    new: int  # nodes not in ``exclude`` the expansion would add (up to ``WALK_CAP``)
    known: int  # nodes reached that the caller already has
    by_type: dict[str, int]  # new nodes per entity type
    by_rel: dict[str, int]  # new nodes reached through each relationship type (a node may count twice)
    by_hop: dict[int, int]  # new nodes per distance from the centre
    supernodes: dict[str, int]  # reached, more neighbours than the threshold, not expanded
    capped: bool = False  # the walk stopped at WALK_CAP: ``new`` is a lower bound


def walk(
    store: GraphStore,
    center: str,
    hops: int,
    flt: ClaimFilter,
    exclude: Iterable[str] = (),
    avoid: Iterable[str] = (),
    limit: int | None = None,
    with_claims: bool = False,
) -> Walk:
    """Breadth-first from ``center`` up to ``hops``; at most ``limit`` new nodes (centre included), taken in
    id order at each depth. ``with_claims`` keeps the claims that reached each node (for counts and ranking).

    Complexity: one neighbour query and one degree query per hop.
    """
    skip = set(exclude) - {center}
    barred = set(avoid) - {center}
    depth: dict[str, int] = {center: 0}
    parent: dict[str, str] = {}
    via: dict[str, list[Claim]] = {}
    supernodes: dict[str, int] = {}
    returned = 1
    truncated = False
    frontier = [center]
    cap = limit if limit is not None else WALK_CAP
    for d in range(1, hops + 1):
        expandable = frontier
        if d > 1:
            deg = store.degrees(frontier, flt, above=store.supernode_threshold)
            big = {n: k for n, k in deg.items() if k > store.supernode_threshold}
            supernodes.update(big)
            expandable = [n for n in frontier if n not in big]
        if not expandable:
            break
        reached: dict[str, str] = {}  # new id -> the node it was reached from (smallest id)
        if with_claims:
            inside = set(expandable)
            for c in store.claims_of(expandable, flt):
                for near, far in ((c.subject, c.object), (c.object, c.subject)):
                    if near in inside and far not in depth and far not in barred:
                        via.setdefault(far, []).append(c)
                        if far not in reached or near < reached[far]:
                            reached[far] = near
        else:
            found = store.neighbours(expandable, flt)
            reached = {n: "" for n in found if n not in depth and n not in barred}
        ordered = sorted(reached)
        fresh = [n for n in ordered if n not in skip]
        if returned + len(fresh) > cap:
            keep = set(fresh[: max(0, cap - returned)])
            ordered = [n for n in ordered if n in skip or n in keep]
            truncated = True
        for n in ordered:
            depth[n] = d
            if reached[n]:
                parent[n] = reached[n]
            if n not in skip:
                returned += 1
        frontier = ordered
        if truncated:
            break
    for n in list(via):
        if n not in depth:
            del via[n]
    return Walk(center, depth, parent, via, supernodes, truncated)


def counts(
    store: GraphStore,
    center: str,
    hops: int,
    flt: ClaimFilter,
    exclude: Iterable[str] = (),
    avoid: Iterable[str] = (),
) -> EgoCounts:
    """How many new nodes an expansion of ``center`` at ``hops`` would add, per type, relationship and hop."""
    skip = set(exclude) - {center}
    w = walk(store, center, hops, flt, skip, avoid, with_claims=True)
    new = [n for n in w.depth if n != center and n not in skip]
    labels = store.node_labels(new)
    by_rel: Counter[str] = Counter()
    for n in new:
        by_rel.update({c.type for c in w.via.get(n, ())})
    center_degree = store.degrees([center], flt).get(center, 0)
    supernodes = dict(w.supernodes)
    if center_degree > store.supernode_threshold:
        supernodes[center] = center_degree
    return EgoCounts(
        center=center,
        hops=hops,
        new=len(new),
        known=sum(1 for n in w.depth if n in skip),
        by_type=dict(sorted(Counter(labels[n].label for n in new if n in labels).items())),
        by_rel=dict(sorted(by_rel.items())),
        by_hop=dict(sorted(Counter(w.depth[n] for n in new).items())),
        supernodes=supernodes,
        capped=w.truncated,
    )


def pick(
    store: GraphStore,
    w: Walk,
    flt: ClaimFilter,
    exclude: set[str],
    limit: int,
    order: str,
    new_types: Iterable[str] = (),
    new_rel_types: Iterable[str] = (),
) -> tuple[list[str], bool]:
    """The new nodes a selective expansion keeps: those of ``new_types`` reached through ``new_rel_types``
    (empty: any), best first by ``order``, each with the new nodes that join it to the chart, until ``limit``
    nodes (centre included). Returns the ids and whether candidates were left out."""
    if order not in ORDERS:
        raise InvalidInput(f"order must be one of {', '.join(ORDERS)}, got {order[:40]!r}", where="order")
    new = [n for n in w.depth if n != w.center and n not in exclude]
    types = set(new_types)
    rels = set(new_rel_types)
    if types:
        labels = store.node_labels(new)
        new = [n for n in new if n in labels and labels[n].label in types]
    if rels:
        new = [n for n in new if any(c.type in rels for c in w.via.get(n, ()))]
    if order == "degree":
        deg = store.degrees(new, flt)
        new.sort(key=lambda n: (-deg.get(n, 0), w.depth[n], n))
    elif order == "grade":

        def best(n: str) -> tuple[int, int]:
            gs = [c.grade_obj for c in w.via.get(n, ())]
            return min(((g.r, g.credibility) for g in gs), default=(9, 9))

        new.sort(key=lambda n: (*best(n), w.depth[n], n))
    elif order == "recent":

        def latest(n: str) -> str:
            ds = [d for c in w.via.get(n, ()) for d in (c.valid_from, c.first_seen, c.last_seen) if d]
            return max(ds, default="")

        new.sort(key=lambda n: (_Desc(latest(n)), w.depth[n], n))
    else:
        new.sort(key=lambda n: (w.depth[n], n))
    chosen: dict[str, None] = {}
    room = limit - 1
    left_out = False
    for n in new:
        chain = []
        x = n
        while x and x != w.center and x not in exclude and x not in chosen:
            chain.append(x)
            x = w.parent.get(x, "")
        if len(chosen) + len(chain) > room:
            left_out = True
            continue
        chosen.update(dict.fromkeys(reversed(chain)))
    return list(chosen), left_out


class _Desc:
    """Sorts strings in reverse (newest date first) inside an ascending sort key."""

    __slots__ = ("s",)

    def __init__(self, s: str) -> None:
        self.s = s

    def __lt__(self, other: _Desc) -> bool:
        return self.s > other.s

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.s == other.s
