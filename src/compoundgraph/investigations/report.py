"""A case report of a saved investigation: one self-contained HTML file to attach to a case file.

It holds the title, the *as of* date and the filters, the chart drawn as inline SVG from the saved positions
(entities coloured by type, claims numbered and styled by source reliability, with a legend), the handling
code of the most restrictive claim or source shown and its caveat line, the notes, and a numbered list of every
claim between the visible entities that passes the chart's filters: grade, dates, quote, and the source's
title, publisher, date and URL. No script, no external resource: it opens offline and prints to PDF from a
browser, the chart kept whole on one page.

The caller decides what may be shown: it passes the chart (already redacted for partners) and the claim
filter (the partner filter for partners), and this module reads only through the store contract.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..grades import Grade
from ..models import Claim, Source
from ..ontology import SOURCE_LABEL, ontology
from ..store import ClaimFilter, GraphStore
from ..store.base import Node
from .model import Chart, Summary

__all__ = ["ReportData", "gather", "render_html"]

_W, _H, _PAD = 1000.0, 680.0, 40.0
_PADX = 120.0  # room for a name label beside the outermost entities
_STYLES = {"solid": ("A", "B"), "dashed": ("C", "D"), "dotted": ("E", "F")}
_DASH = {"solid": "", "dashed": "8 5", "dotted": "2 4"}


@dataclass
class ReportData:
    """Everything the report shows, read once."""

    meta: Summary
    chart: Chart
    nodes: dict[str, Node]
    claims: list[Claim]  # numbered in this order
    sources: dict[str, Source]
    generated: str
    viewer: str  # who the report was made for (key id and role)


def gather(
    store: GraphStore,
    meta: Summary,
    chart: Chart,
    flt: ClaimFilter,
    generated: str,
    viewer: str,
    merged_into: Iterable[str] = (),
) -> ReportData:
    """Read the visible entities, the claims between them passing ``flt`` (only those the chart showed,
    when it saved its claim list; ``merged_into``: entities others were merged into since) and their sources."""
    shown = [e.id for e in chart.entities if not e.hidden]
    nodes = store.node_labels(shown)
    ids = [i for i in shown if i in nodes]
    keep = chart.claim_keeper(merged_into)
    claims = sorted(
        (c for c in store.claims_between(ids, flt) if keep(c.id, c.subject, c.object)),
        key=lambda c: (c.type, c.subject, c.object, c.source, c.id),
    )
    sources = store.get_sources(sorted({c.source for c in claims}))
    return ReportData(meta, chart, {i: nodes[i] for i in ids}, claims, sources, generated, viewer)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _style(grade: str) -> str:
    r = Grade.parse(grade).reliability
    return next((k for k, letters in _STYLES.items() if r in letters), "dotted")


def _most_restrictive(data: ReportData) -> tuple[str, str] | None:
    ont = ontology()
    codes = [c.handling for c in data.claims] + [s.handling for s in data.sources.values()]
    if not codes:
        return None
    top = max(codes, key=ont.handling_rank)
    return top, ont.handling[top].description


def _positions(data: ReportData) -> dict[str, tuple[float, float]]:
    """Saved positions scaled into the drawing; a circle when none were saved."""
    pts = {e.id: (e.x, e.y) for e in data.chart.entities if e.id in data.nodes}
    if not pts:
        return {}
    xs, ys = [p[0] for p in pts.values()], [p[1] for p in pts.values()]
    if max(xs) - min(xs) < 1e-9 and max(ys) - min(ys) < 1e-9:
        n = len(pts)
        return {
            k: (
                _W / 2 + (_W / 2 - _PADX) * math.cos(2 * math.pi * i / n),
                _H / 2 + (_H / 2 - _PAD) * math.sin(2 * math.pi * i / n),
            )
            for i, k in enumerate(sorted(pts))
        }
    sx = (_W - 2 * _PADX) / max(max(xs) - min(xs), 1e-9)
    sy = (_H - 2 * _PAD) / max(max(ys) - min(ys), 1e-9)
    s = min(sx, sy)
    ox = _PADX + ((_W - 2 * _PADX) - s * (max(xs) - min(xs))) / 2
    oy = _PAD + ((_H - 2 * _PAD) - s * (max(ys) - min(ys))) / 2
    return {k: (ox + s * (x - min(xs)), oy + s * (y - min(ys))) for k, (x, y) in pts.items()}


def _svg(data: ReportData) -> str:
    ont = ontology()
    pos = _positions(data)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W:g} {_H:g}" role="img" '
        f'aria-label="{_e(data.meta.title)}: link chart">',
        f'<rect width="{_W:g}" height="{_H:g}" fill="#ffffff"/>',
    ]
    label_edges = len(data.claims) <= 200
    for n, c in enumerate(data.claims, 1):
        if c.subject not in pos or c.object not in pos:
            continue
        (x1, y1), (x2, y2) = pos[c.subject], pos[c.object]
        dash = _DASH[_style(c.grade)]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#555" '
            f'stroke-width="1.4"{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}>'
            f"<title>[{n}] {_e(c.type)} {_e(c.grade)}</title></line>"
        )
        if label_edges:
            parts.append(
                f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 3:.1f}" font-size="10" '
                f'fill="#333" text-anchor="middle">[{n}]</text>'
            )
    for i, node in data.nodes.items():
        if i not in pos:
            continue
        x, y = pos[i]
        colour = ont.display(node.label).colour if node.label in ont.labels or node.label == SOURCE_LABEL else "#888"
        name = node.name if len(node.name) <= 32 else node.name[:31] + "…"
        badge = "*" if i in data.chart.notes.entities else ""
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{_e(colour)}" stroke="#222" stroke-width="1">'
            f"<title>{_e(node.label)}: {_e(node.name)} ({_e(i)})</title></circle>"
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y + 22:.1f}" font-size="11" text-anchor="middle" fill="#111">'
            f"{_e(name)}{badge}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(data: ReportData) -> str:
    ont = ontology()
    labels = sorted({n.label for n in data.nodes.values()})
    items = []
    for label in labels:
        colour = ont.display(label).colour if label in ont.labels or label == SOURCE_LABEL else "#888"
        items.append(f'<li><span class="dot" style="background:{_e(colour)}"></span>{_e(label)}</li>')
    lines = []
    for style, letters in _STYLES.items():
        dash = _DASH[style]
        lines.append(
            f'<li><svg width="40" height="10" aria-hidden="true"><line x1="0" y1="5" x2="40" y2="5" '
            f'stroke="#555" stroke-width="2"{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>'
            f"</svg> source reliability {letters[0]}–{letters[1]}</li>"
        )
    return (
        f'<div class="legend"><h3>Legend</h3><ul>{"".join(items)}</ul><ul>{"".join(lines)}</ul>'
        "<p>[n]: claim number in the list below. *: the entity has a note.</p></div>"
    )


def _claim_item(n: int, c: Claim, data: ReportData) -> str:
    s = data.sources.get(c.source)
    subj = data.nodes.get(c.subject)
    obj = data.nodes.get(c.object)
    if c.valid_from and c.valid_to:
        when = f"{c.valid_from} – {c.valid_to}"
    elif c.valid_from or c.valid_to:
        when = f"from {c.valid_from}" if c.valid_from else f"until {c.valid_to}"
    else:
        when = "no period given"
    seen = ", ".join(f"{k} {v}" for k, v in (("first reported", c.first_seen), ("last reported", c.last_seen)) if v)
    src = "source not available"
    if s is not None:
        bits = [f"<cite>{_e(s.title)}</cite>"]
        if s.publisher:
            bits.append(_e(s.publisher))
        bits.append(_e(s.published or "undated"))
        if s.url:
            bits.append(f'<a href="{_e(s.url)}">{_e(s.url)}</a>')
        bits.append(f"reliability {_e(s.reliability)}, handling {_e(s.handling)}")
        src = ", ".join(bits)
    note = data.chart.notes.claims.get(c.id)
    return (
        f'<li id="claim-{n}"><p><b>[{n}] {_e(subj.name if subj else c.subject)} — {_e(c.type)} → '
        f'{_e(obj.name if obj else c.object)}</b> <span class="grade">grade {_e(c.grade)}</span> '
        f'<span class="handling">{_e(c.handling)}</span></p>'
        f"<p>Held: {_e(when)}{'; ' + _e(seen) if seen else ''}</p>"
        + (f"<blockquote>{_e(c.quote)}</blockquote>" if c.quote else "")
        + f'<p class="source">Source: {src}</p>'
        + (f'<p class="note">Note: {_e(note)}</p>' if note else "")
        + "</li>"
    )


_CSS = """
body{font:13px/1.45 "DejaVu Sans",Arial,sans-serif;color:#111;margin:24px;max-width:1100px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:22px 0 6px;border-bottom:1px solid #ccc}
h3{font-size:13px;margin:6px 0}
.meta{color:#333} .caveat{border:2px solid #a00;color:#a00;padding:6px 10px;font-weight:bold;margin:10px 0}
figure{margin:10px 0;break-inside:avoid;page-break-inside:avoid}
figure svg{width:100%;height:auto;border:1px solid #bbb;box-sizing:border-box}
.legend ul{list-style:none;padding:0;margin:2px 0;display:flex;flex-wrap:wrap;gap:4px 16px}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;border:1px solid #222}
ol.claims{list-style:none;padding:0} ol.claims li{break-inside:avoid;page-break-inside:avoid;
border-bottom:1px solid #eee;padding:4px 0} ol.claims p{margin:2px 0}
blockquote{margin:4px 0 4px 16px;font-style:italic;color:#333}
.grade,.handling{border:1px solid #888;border-radius:3px;padding:0 4px;font-size:11px}
.note{color:#045} a{color:#036;word-break:break-all}
@media print{body{margin:0}.chart{break-after:page;page-break-after:always}}
@page{size:A4;margin:14mm}
"""


def render_html(data: ReportData) -> str:
    """The report as one HTML document (escaped throughout; no scripts, no external resources)."""
    c = data.chart
    f = c.filters
    filters = (
        "; ".join(
            x
            for x in (
                f"types: {', '.join(f.types)}" if f.types else "",
                f"relationships: {', '.join(f.rel_types)}" if f.rel_types else "",
                f"minimum grade {f.min_grade}" if f.min_grade else "",
            )
            if x
        )
        or "none"
    )
    top = _most_restrictive(data)
    caveat = (
        (
            f'<p class="caveat">Handling {_e(top[0])}: {_e(top[1])} This report contains information at this '
            "level; handle the whole report accordingly.</p>"
        )
        if top
        else ""
    )
    hidden = sum(e.hidden for e in c.entities)
    entity_notes = "".join(
        f"<li><b>{_e(data.nodes[i].name if i in data.nodes else i)}</b> ({_e(i)}): {_e(t)}</li>"
        for i, t in sorted(c.notes.entities.items())
        if i in data.nodes
    )
    claims = "".join(_claim_item(n, cl, data) for n, cl in enumerate(data.claims, 1))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{_e(data.meta.title)} — case report</title><style>{_CSS}</style></head>
<body>
<header><h1>{_e(data.meta.title)}</h1>
<p class="meta">Investigation {_e(data.meta.id)}, version {data.meta.version}, last saved {_e(data.meta.modified)}
by key {_e(data.meta.modified_by)}. Report made {_e(data.generated)} for {_e(data.viewer)}.</p>
<p class="meta"><b>As of:</b> {_e(c.as_of or "the date of the report (no as-of date set)")}.
<b>Filters:</b> {_e(filters)}.</p>
{caveat}</header>
<section class="chart"><h2>Chart</h2>
<figure>{_svg(data)}<figcaption>{len(data.nodes)} entities, {len(data.claims)} claims{
        f"; {hidden} hidden entities left out" if hidden else ""
    }.</figcaption></figure>
{_legend(data)}</section>
<section><h2>Notes</h2>
<p>{_e(c.notes.investigation) if c.notes.investigation else "No notes on the investigation."}</p>
{f"<ul>{entity_notes}</ul>" if entity_notes else ""}</section>
<section><h2>Claims ({len(data.claims)})</h2>
<p class="meta">Every claim between the entities on the chart that passes its filters. Grades are Admiralty
(source reliability A–F, information credibility 1–6). Each claim is an allegation made by its source.</p>
<ol class="claims">{claims}</ol></section>
</body></html>
"""
