"""Local projections: the part of the store one question reads, loaded as the question needs it.

A money-flow trace touches the few hundred wallets the funds reach, and a path search the claims near its
two ends; neither needs the million claims of the whole store. Both build the same MultiDiGraph shape as
:meth:`GraphStore.to_networkx` (node attrs ``label``, ``name``, ``properties``; edge key = claim id, attrs
``type``, ``grade``, ``claim``), so the pure functions of this package and the stamp read them unchanged.
They read through the store contract only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

import networkx as nx

from ..errors import InvalidInput
from ..models import Claim
from ..ontology import SOURCE_LABEL

if TYPE_CHECKING:
    from ..store.base import ClaimFilter, GraphStore

__all__ = ["TransfersAround", "paths_around"]


def paths_around(store: GraphStore, source: str, target: str, max_hops: int, flt: ClaimFilter) -> nx.MultiDiGraph:
    """The part of the graph paths of at most ``max_hops`` between the two entities can use (the store's
    :meth:`~GraphStore.claims_between_ends`: two balls, not the whole store), in canonical order, as the
    projection the path search and the stamp read. Unknown ends are left out (the search says which)."""
    if not 1 <= max_hops <= 8:
        raise InvalidInput(f"max_hops must be between 1 and 8, got {max_hops}", where="max_hops")
    claims = store.claims_between_ends(source, target, max_hops, flt) if source != target else {}
    ids = sorted({source, target, *(e for c in claims.values() for e in (c.subject, c.object))})
    labels = store.node_labels(ids)
    M = nx.MultiDiGraph()
    # entities only, as in the store's full projection (a MENTIONED_IN claim ends at a source)
    M.add_nodes_from(
        (n.id, {"label": n.label, "name": n.name})
        for i in ids
        if (n := labels.get(i)) is not None and n.label != SOURCE_LABEL
    )
    for c in sorted(claims.values(), key=lambda c: (c.type, c.subject, c.object, c.source, c.id)):
        if c.subject in M and c.object in M:
            M.add_edge(c.subject, c.object, key=c.id, type=c.type, grade=c.grade, claim=c)
    return M


class TransfersAround:
    """The transfer graph around the wallets a trace reaches, read from the store as the trace reaches
    them (``flows.trace``'s ``expand``): a trace touches a few hundred wallets, not the million in the store.

    ``G`` holds what was read: the wallets' attributes, the HOLDS claims into them with their holders, and,
    for the wallets the trace pushes funds through, every TRANSFERRED claim in and out, as in
    :meth:`GraphStore.to_networkx`.
    """

    def __init__(self, store: GraphStore, flt: ClaimFilter) -> None:
        self.store = store
        self.transfers = replace(flt, rel_types=("TRANSFERRED",))
        self.holds = replace(flt, rel_types=("HOLDS",))
        self.G = nx.MultiDiGraph()
        self._tagged: set[str] = set()
        self._full: set[str] = set()

    def _add_entities(self, ids: Iterable[str]) -> None:
        G = self.G
        todo = sorted({i for i in ids if "label" not in G.nodes.get(i, {})})
        for e in self.store.get_entities(todo).values() if todo else ():
            G.add_node(e.id, label=e.label, name=e.name, properties=e.properties)

    def _add_claims(self, claims: Iterable[Claim]) -> None:
        for c in claims:
            self.G.add_edge(c.subject, c.object, key=c.id, type=c.type, grade=c.grade, claim=c)

    def __call__(self, wallets: list[str], full: bool) -> None:
        new = [w for w in wallets if w not in self._tagged]
        if new:
            self._add_entities(new)
            wanted = set(new)
            holds = [c for c in self.store.claims_of(new, self.holds) if c.object in wanted]
            self._add_entities(c.subject for c in holds)
            self._add_claims(holds)
            self._tagged.update(new)
        todo = [w for w in wallets if w not in self._full] if full else []
        if todo:
            self._add_claims(self.store.claims_of(todo, self.transfers))
            self._full.update(todo)

    def names(self, ids: Iterable[str]) -> None:
        """Label and name for nodes the trace reached only as the far end of a transfer."""
        todo = sorted({i for i in ids if "label" not in self.G.nodes.get(i, {})})
        for n in self.store.node_labels(todo).values() if todo else ():
            self.G.add_node(n.id, label=n.label, name=n.name)
