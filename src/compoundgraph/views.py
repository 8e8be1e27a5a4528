"""The one JSON shape for subgraphs, shared by the API, the web UI and the chart exports.

```
{
  "center": "compound-jade-river" | null,
  "nodes": [{"id", "label", "name", "hop" (int|null), "colour", "icon",
             "supernode": {"degree": 140} | null}],
  "edges": [{"id", "type", "from", "to", "grade", "source", "valid_from", "valid_to", "handling",
             "quote", "stance": "asserts" | "denies", "contested": bool, "corroborated": bool,
             "properties": {...}}],
  "supernodes": {"id": degree},
  "truncated": bool,
  "paths": [{"nodes": [ids], "edges": [claim ids], "grade": "B2", "hops": 2}]   # path queries only
}
```
A claim has a *stance*: ``properties.stance`` is ``asserts`` (the default) or ``denies``. The claims joining
the same two entities with the same type are one link: the link is *contested* when a source denies it, or
when the sources asserting it give different periods (``valid_from`` / ``valid_to``); it is *corroborated*
when two or more sources assert it and none denies it. Two sources saying the same thing are corroboration,
not contest; every claim stays visible either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Claim
from .ontology import ontology
from .store.base import EgoNetwork, Node, Path
from .store.filters import link_is, stance_of

__all__ = [
    "node_json",
    "edge_json",
    "subgraph_json",
    "ego_json",
    "paths_json",
    "contested_ids",
    "corroborated_ids",
    "stance",
    "STANCES",
]


def _look(label: str) -> tuple[str, str]:
    """A label's display colour and icon (grey circle for a label the ontology does not know)."""
    ont = ontology()
    d = ont.display(label) if label in ont.labels or label == "Source" else None
    return (d.colour, d.icon) if d else ("#999999", "circle")


def node_json(
    node: Node, hop: int | None = None, degree: int | None = None, look: tuple[str, str] | None = None
) -> dict[str, Any]:
    colour, icon = look or _look(node.label)
    return {
        "id": node.id,
        "label": node.label,
        "name": node.name,
        "hop": hop,
        "colour": colour,
        "icon": icon,
        "supernode": {"degree": degree} if degree is not None else None,
    }


STANCES = ("asserts", "denies")


def stance(c: Claim) -> str:
    """``denies`` when the claim's source denies the link, else ``asserts``."""
    return stance_of(c)


def link_badges(claims: Iterable[Claim]) -> tuple[set[str], set[str]]:
    """Ids of the claims of contested links and of corroborated links, in one pass (the rule of
    :func:`compoundgraph.store.filters.link_is`). Most links on a chart have one claim: such a link is
    contested only when its source denies it, and never corroborated."""
    links: dict[tuple[str, str, str], Claim | list[Claim]] = {}
    for c in claims:  # one claim per link kept as itself; a list only for the few with siblings
        key = (c.subject, c.type, c.object)
        seen = links.get(key)
        if seen is None:
            links[key] = c
        elif isinstance(seen, list):
            seen.append(c)
        else:
            links[key] = [seen, c]
    contested: set[str] = set()
    corroborated: set[str] = set()
    for link in links.values():
        if not isinstance(link, list):
            if stance_of(link) == "denies":
                contested.add(link.id)
            continue
        if link_is(link, "contested"):
            contested.update(c.id for c in link)
        if link_is(link, "corroborated"):
            corroborated.update(c.id for c in link)
    return contested, corroborated


def contested_ids(claims: Iterable[Claim]) -> set[str]:
    """Ids of the claims of contested links: a source denies the link, or its asserting sources give
    different periods (the claim filter's rule, :func:`compoundgraph.store.filters.link_is`)."""
    return link_badges(claims)[0]


def corroborated_ids(claims: Iterable[Claim]) -> set[str]:
    """Ids of the claims of corroborated links: two or more sources assert the link and none denies it."""
    return link_badges(claims)[1]


def edge_json(c: Claim, contested: bool = False, corroborated: bool = False) -> dict[str, Any]:
    return {
        "id": c.id,
        "type": c.type,
        "from": c.subject,
        "to": c.object,
        "grade": c.grade,
        "source": c.source,
        "valid_from": c.valid_from,
        "valid_to": c.valid_to,
        "handling": c.handling,
        "quote": c.quote,
        "stance": stance_of(c),
        "contested": contested,
        "corroborated": corroborated,
        "properties": c.properties,
    }


def subgraph_json(
    nodes: Iterable[Node],
    claims: Iterable[Claim],
    *,
    center: str | None = None,
    hops: dict[str, int] | None = None,
    supernodes: dict[str, int] | None = None,
    truncated: bool = False,
) -> dict[str, Any]:
    claims = list(claims)
    nodes = list(nodes)
    contested, corroborated = link_badges(claims)
    supernodes = supernodes or {}
    hops = hops or {}
    looks = {label: _look(label) for label in {n.label for n in nodes}}  # once per label, not per node
    return {
        "center": center,
        "nodes": [node_json(n, hops.get(n.id), supernodes.get(n.id), looks[n.label]) for n in nodes],
        "edges": [edge_json(c, c.id in contested, c.id in corroborated) for c in claims],
        "supernodes": supernodes,
        "truncated": truncated,
    }


def ego_json(net: EgoNetwork) -> dict[str, Any]:
    return subgraph_json(
        net.nodes.values(),
        net.claims,
        center=net.center,
        hops=net.hops,
        supernodes=net.supernodes,
        truncated=net.truncated,
    )


def paths_json(paths: list[Path]) -> dict[str, Any]:
    nodes: dict[str, Node] = {}
    claims: dict[str, Claim] = {}
    for p in paths:
        nodes.update({n.id: n for n in p.nodes})
        claims.update({c.id: c for c in p.claims})
    out = subgraph_json(nodes.values(), claims.values())
    out["paths"] = [
        {"nodes": [n.id for n in p.nodes], "edges": [c.id for c in p.claims], "grade": str(p.grade), "hops": p.hops}
        for p in paths
    ]
    return out
