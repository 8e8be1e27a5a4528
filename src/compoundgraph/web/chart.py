"""Standalone link charts: one self-contained HTML file (pyvis, vis-network inlined) for reports and case files.

The file opens offline: pyvis' ``cdn_resources="in_line"`` inlines vis-network, and the few CDN links the pyvis
template always carries (Bootstrap, unused by the chart) are removed. Input is the shared subgraph JSON of
:mod:`compoundgraph.views`; nodes that carry ``x``/``y`` (a chart exported from the web UI) keep their places.
"""

from __future__ import annotations

import html
import re
from typing import Any

from pyvis.network import Network

from ..errors import CompoundGraphError, InvalidInput
from ..grades import Grade
from ..ontology import ontology
from .layout import SERVER_LAYOUT_THRESHOLD, positions

__all__ = ["standalone_html", "MAX_CHART_NODES"]

MAX_CHART_NODES = 10_000
# Any element that would make the browser fetch something from elsewhere.
_REMOTE = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^>]*>|<script\b[^>]*\bsrc=\"https?://[^>]*>\s*</script>", re.I | re.S
)
# pyvis switches to a tooltip of its own as soon as any title contains "href", and that tooltip sets the
# title as HTML. Titles here are plain text made of entity names, which are data from reports: that tooltip
# must show them as text. (vis-network's own tooltip already treats string titles as text.)
_POPUP_AS_HTML = "popup.innerHTML = nodeData[0].title;"
_POPUP_AS_TEXT = "popup.textContent = nodeData[0].title; popup.style.whiteSpace = 'pre-line';"
# Anything that would still hand data to the HTML parser from the page's own script.
_DATA_AS_HTML = re.compile(r"\.innerHTML\s*=\s*(?!Math\.round|'100%')", re.S)


def standalone_html(subgraph: dict[str, Any], title: str = "compoundgraph chart") -> str:
    """Render a subgraph (``views.py`` shape) as a standalone HTML page.

    Edges are styled as in the web UI: dashed when credibility is 4-6, red when contested, labelled with
    the relationship type (or the amount of a transfer). Above ``SERVER_LAYOUT_THRESHOLD`` nodes, or when
    the nodes carry positions, the chart is drawn with physics off.
    """
    nodes = subgraph.get("nodes") or []
    edges = subgraph.get("edges") or []
    if len(nodes) > MAX_CHART_NODES:
        raise InvalidInput(f"a standalone chart holds at most {MAX_CHART_NODES} nodes, got {len(nodes)}", where="chart")
    ids = {n["id"] for n in nodes}
    edges = [e for e in edges if e["from"] in ids and e["to"] in ids]
    placed = {n["id"]: (float(n["x"]), float(n["y"])) for n in nodes if "x" in n and "y" in n}
    if len(placed) < len(nodes) and len(nodes) > SERVER_LAYOUT_THRESHOLD:
        placed = positions([n["id"] for n in nodes], [(e["from"], e["to"]) for e in edges], placed)
    physics = len(placed) < len(nodes)

    net = Network(height="88vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    for n in nodes:
        colour, _ = _display(n)
        kw: dict[str, Any] = {}
        if n["id"] in placed:
            kw = {"x": placed[n["id"]][0], "y": placed[n["id"]][1], "physics": False}
        net.add_node(
            n["id"],
            label=n.get("name") or n["id"],
            title=f"{n.get('name')} ({n.get('label')})\n{n['id']}",
            color=colour,
            shape="dot",
            size=22 if n.get("supernode") else 14,
            **kw,
        )
    for e in edges:
        net.add_edge(e["from"], e["to"], **_edge_style(e))
    net.set_options(_options(physics, len(nodes)))
    page = _text_only(_REMOTE.sub("", net.generate_html(notebook=False)))
    legend = _legend({n.get("label", "") for n in nodes})
    head = f"<title>{html.escape(title)}</title>"
    banner = (
        f'<div style="font:14px system-ui,sans-serif;padding:6px 10px"><b>{html.escape(title)}</b> · '
        f"{len(nodes)} entities, {len(edges)} claims · dashed: credibility 4-6 · red: contested{legend}</div>"
    )
    page = page.replace("<head>", "<head>" + head, 1)
    return page.replace("<body>", "<body>" + banner, 1)


def _text_only(page: str) -> str:
    """The page with every tooltip set as text; refuses a template that would set data as HTML."""
    page = page.replace(_POPUP_AS_HTML, _POPUP_AS_TEXT)
    if _DATA_AS_HTML.search(page):
        raise CompoundGraphError("this pyvis template sets chart data as HTML; refusing to write the chart")
    return page


def _display(n: dict[str, Any]) -> tuple[str, str]:
    if n.get("colour"):
        return str(n["colour"]), str(n.get("icon", "circle"))
    label = n.get("label", "")
    ont = ontology()
    if label in ont.labels or label == "Source":
        d = ont.display(label)
        return d.colour, d.icon
    return "#999999", "circle"


def _edge_style(e: dict[str, Any]) -> dict[str, Any]:
    try:
        g = Grade.parse(e.get("grade") or "F6")
    except InvalidInput:
        g = Grade("F", 6)
    props = e.get("properties") or {}
    label = e["type"]
    if e["type"] == "TRANSFERRED" and props.get("amount") is not None:
        label = f"{props['amount']} {props.get('asset', '')}".strip()
    contested = bool(e.get("contested"))
    title = f"{e['type']} · grade {g.reliability}{g.credibility} · source {e.get('source', '')}"
    if e.get("quote"):
        title += f"\n“{e['quote']}”"
    return {
        "title": title,
        "label": label + (" ⚠" if contested else ""),
        "dashes": g.credibility >= 4,
        "color": "#c62828" if contested else "#78909c",
        "width": [3.5, 3, 2.5, 2, 1.5, 1][g.r - 1],
    }


def _options(physics: bool, n: int) -> str:
    import json

    return json.dumps(
        {
            "physics": {
                "enabled": physics,
                "solver": "forceAtlas2Based",
                "stabilization": {"enabled": physics, "iterations": 300},
            },
            "edges": {
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                "font": {"size": 10, "align": "middle"},
                "smooth": {"enabled": n <= SERVER_LAYOUT_THRESHOLD, "type": "dynamic"},
            },
            "nodes": {"font": {"size": 12}},
            "interaction": {"hover": True, "hideEdgesOnDrag": n > SERVER_LAYOUT_THRESHOLD},
        }
    )


def _legend(labels: set[str]) -> str:
    ont = ontology()
    parts = []
    for name in sorted(labels):
        if name in ont.labels or name == "Source":
            d = ont.display(name)
            parts.append(
                f'<span style="margin-left:10px"><span style="display:inline-block;width:10px;height:10px;'
                f'border-radius:5px;background:{d.colour}"></span> {html.escape(name)}</span>'
            )
    return "".join(parts)
