/* The chart alone as a picture to attach to a file: a real vector SVG (one element per entity, claim and
   label, drawn from the vis-network positions) with the title, the date it was made, the as-of date and
   filters, and a legend of the entity types and line styles burnt in; the PNG is that SVG rasterised at
   print resolution (2x). Only what is shown on the chart is drawn (hidden and filtered-out entities are not). */
import { esc, shortLabel } from "./util.js";
import { state } from "./state.js";
import { edges, network, nodes } from "./chart.js";
import { minGrade } from "./filters.js";
import { inv } from "./investigation.js";
import { badgeAt, notes } from "./notes.js";

const R = 16;            // node radius (canvas units), as on the chart
const PAD = 50;
const HEAD = 74;
const FONT = "Arial, Helvetica, sans-serif";
const LINES = [
  { key: "solid", label: "credibility 1–3", colour: "#78909c", dash: "" },
  { key: "dashed", label: "credibility 4–6 (doubtful)", colour: "#78909c", dash: "6 4" },
  { key: "contested", label: "contested (sources disagree)", colour: "#c62828", dash: "" },
  { key: "path", label: "path / money flow", colour: "#ff9800", dash: "" },
];

function filtersLine() {
  const f = state.filters, ont = state.ontology || { labels: {}, relationships: {} };
  const parts = [];
  const labels = Object.keys(ont.labels), rels = Object.keys(ont.relationships);
  const offT = labels.filter((l) => !f.types.has(l)), offR = rels.filter((r) => !f.rels.has(r));
  if (minGrade()) parts.push(`minimum grade ${minGrade()}`);
  if (offT.length) parts.push(`types hidden: ${offT.join(", ")}`);
  if (offR.length) parts.push(`relationships hidden: ${offR.length > 6 ? offR.length + " types" : offR.join(", ")}`);
  return parts.length ? "filters: " + parts.join(" · ") : "no filters";
}
/** What the picture shows: the visible entities and claims with their positions and styles. */
function scene() {
  const pos = network.getPositions();
  const ns = nodes.get({ filter: (n) => !n.hidden && pos[n.id] });
  const shown = new Set(ns.map((n) => n.id));
  const es = edges.get({ filter: (e) => !e.hidden && shown.has(e.from) && shown.has(e.to) });
  const xs = ns.map((n) => pos[n.id].x), ys = ns.map((n) => pos[n.id].y);
  const box = ns.length ? { x0: Math.min(...xs) - R, y0: Math.min(...ys) - R, x1: Math.max(...xs) + R, y1: Math.max(...ys) + R + 18 }
    : { x0: 0, y0: 0, x1: 400, y1: 200 };
  return { pos, ns, es, box };
}
function legendItems(ns) {
  const ont = state.ontology || { labels: {} };
  const counts = new Map();
  for (const n of ns) { const l = n.cgLabel; counts.set(l, (counts.get(l) || 0) + 1); }
  return [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([l, c]) => ({ label: l, count: c, d: ont.labels[l] || { colour: "#999", icon: "circle" } }));
}
function iconSVG(d, x, y, size) {
  return window.CGIcons.inline(d.icon, d.colour, size).replace('<svg class="cg-icon" aria-hidden="true" ', `<svg x="${x}" y="${y}" `);
}
function edgePath(a, b, smooth) {
  const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
  const ux = dx / len, uy = dy / len;
  const s = { x: a.x + ux * R, y: a.y + uy * R }, t = { x: b.x - ux * (R + 2), y: b.y - uy * (R + 2) };
  if (smooth && smooth.enabled && /curved/.test(smooth.type || "")) {
    const k = (smooth.type === "curvedCW" ? 1 : -1) * (smooth.roundness || 0.15) * len;
    const c = { x: (a.x + b.x) / 2 - uy * k, y: (a.y + b.y) / 2 + ux * k };
    return { d: `M${s.x.toFixed(1)},${s.y.toFixed(1)} Q${c.x.toFixed(1)},${c.y.toFixed(1)} ${t.x.toFixed(1)},${t.y.toFixed(1)}`,
      mid: { x: (s.x + 2 * c.x + t.x) / 4, y: (s.y + 2 * c.y + t.y) / 4 } };
  }
  return { d: `M${s.x.toFixed(1)},${s.y.toFixed(1)} L${t.x.toFixed(1)},${t.y.toFixed(1)}`, mid: { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 } };
}
/** The chart as an SVG document (a string) and its size in CSS pixels. */
export function chartSVG(opts) {
  opts = opts || {};
  const { pos, ns, es, box } = scene();
  const now = opts.now || new Date();
  const title = opts.title || (inv.id ? inv.title : "Unsaved chart");
  const chartW = box.x1 - box.x0, chartH = box.y1 - box.y0;
  const W = Math.max(Math.ceil(chartW + 2 * PAD), 760);
  const items = legendItems(ns);
  // legend rows: entity types flow left to right, then the line styles, then the note badge
  const cells = [...items.map((i) => ({ kind: "type", i, w: 40 + 7 * (i.label.length + String(i.count).length + 3) })),
    ...LINES.map((l) => ({ kind: "line", l, w: 52 + 6.5 * l.label.length })), { kind: "note", w: 130 }];
  const rows = [[]];
  let used = 0;
  for (const c of cells) {
    if (used + c.w > W - 2 * PAD && rows[rows.length - 1].length) { rows.push([]); used = 0; }
    rows[rows.length - 1].push(c); used += c.w;
  }
  const legendH = 34 + rows.length * 24;
  const H = Math.ceil(HEAD + chartH + 2 * PAD + legendH);
  const ox = (W - chartW) / 2 - box.x0, oy = HEAD + PAD - box.y0;
  const stamp = now.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  const sub = [`made ${stamp}`, state.filters.asOf ? `as of ${state.filters.asOf}` : "as of today (no as-of date)",
    `${ns.length} entities, ${es.length} claims`, filtersLine()].join(" · ");
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`);
  out.push(`<title>${esc(title)}</title>`);
  out.push(`<defs>${["#78909c", "#c62828", "#ff9800", "#263238"].map((c, k) =>
    `<marker id="arrow${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`).join("")}</defs>`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<g class="header"><text class="title" x="${PAD}" y="34" font-size="22" font-weight="bold" fill="#263238">${esc(title)}</text>`);
  out.push(`<text class="subtitle" x="${PAD}" y="58" font-size="12" fill="#455a64">${esc(sub)}</text>`);
  out.push(`<line x1="${PAD}" y1="${HEAD - 6}" x2="${W - PAD}" y2="${HEAD - 6}" stroke="#cfd8dc"/></g>`);
  const markerOf = (c) => ({ "#78909c": 0, "#c62828": 1, "#ff9800": 2 })[c] ?? 3;
  out.push(`<g class="chart" transform="translate(${ox.toFixed(1)} ${oy.toFixed(1)})">`);
  out.push(`<g class="edges">`);
  const labels = [];
  for (const e of es) {
    const a = pos[e.from], b = pos[e.to];
    const colour = (e.color && e.color.color) || "#78909c";
    const p = edgePath(a, b, e.smooth);
    out.push(`<path class="edge" data-id="${esc(e.id)}" d="${p.d}" fill="none" stroke="${colour}" stroke-width="${e.width || 1}"` +
      `${e.dashes ? ' stroke-dasharray="6 4"' : ""} marker-end="url(#arrow${markerOf(colour)})"/>`);
    if (e.label && e.label.trim()) labels.push(`<text class="edge-label" x="${p.mid.x.toFixed(1)}" y="${(p.mid.y + 3).toFixed(1)}" font-size="10" text-anchor="middle" fill="#37474f" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(e.label)}</text>`);
  }
  out.push(`</g><g class="edge-labels">${labels.join("")}</g><g class="nodes">`);
  const ont = state.ontology || { labels: {} };
  for (const n of ns) {
    const p = pos[n.id], raw = state.raw.nodes.get(n.id) || {};
    const d = ont.labels[n.cgLabel] || { colour: raw.colour || "#999", icon: raw.icon || "circle" };
    out.push(`<g class="node" data-id="${esc(n.id)}">${iconSVG(d, (p.x - R).toFixed(1), (p.y - R).toFixed(1), 2 * R)}` +
      `<text class="node-label" x="${p.x.toFixed(1)}" y="${(p.y + R + 13).toFixed(1)}" font-size="12" text-anchor="middle" fill="#212121" stroke="#fff" stroke-width="3" paint-order="stroke">` +
      `${esc((state.pinned.has(n.id) ? "[pinned] " : "") + shortLabel(raw.name || n.id))}</text></g>`);
  }
  out.push(`</g><g class="notes">`);
  for (const [kind, map] of [["entity", notes.entities], ["claim", notes.claims]]) {
    for (const id of map.keys()) {
      const visible = kind === "entity" ? ns.some((n) => n.id === id) : es.some((e) => e.id === id);
      const at = visible && badgeAt(kind, id, pos);
      if (!at) continue;
      out.push(kind === "entity" ? `<circle class="note-badge" data-id="${esc(id)}" cx="${at.x.toFixed(1)}" cy="${at.y.toFixed(1)}" r="7" fill="#ffb300" stroke="#5d4037" stroke-width="1.5"/>`
        : `<rect class="note-badge" data-id="${esc(id)}" x="${(at.x - 7).toFixed(1)}" y="${(at.y - 7).toFixed(1)}" width="14" height="14" fill="#ffb300" stroke="#5d4037" stroke-width="1.5"/>`);
    }
  }
  out.push(`</g></g>`);
  // legend
  const ly = HEAD + chartH + 2 * PAD;
  out.push(`<g class="legend"><line x1="${PAD}" y1="${ly}" x2="${W - PAD}" y2="${ly}" stroke="#cfd8dc"/>`);
  out.push(`<text class="legend-title" x="${PAD}" y="${ly + 20}" font-size="12" font-weight="bold" fill="#263238">Legend</text>`);
  rows.forEach((row, r) => {
    let x = PAD;
    const y = ly + 34 + r * 24;
    for (const c of row) {
      if (c.kind === "type") {
        out.push(iconSVG(c.i.d, x, y, 18));
        out.push(`<text class="legend-type" x="${x + 24}" y="${y + 13}" font-size="12" fill="#212121">${esc(c.i.label)} (${c.i.count})</text>`);
      } else if (c.kind === "line") {
        out.push(`<line x1="${x}" y1="${y + 9}" x2="${x + 40}" y2="${y + 9}" stroke="${c.l.colour}" stroke-width="2.5"${c.l.dash ? ` stroke-dasharray="${c.l.dash}"` : ""}/>`);
        out.push(`<text class="legend-line" x="${x + 46}" y="${y + 13}" font-size="12" fill="#212121">${esc(c.l.label)}</text>`);
      } else {
        out.push(`<circle cx="${x + 8}" cy="${y + 9}" r="7" fill="#ffb300" stroke="#5d4037" stroke-width="1.5"/>`);
        out.push(`<text class="legend-note" x="${x + 22}" y="${y + 13}" font-size="12" fill="#212121">has a note</text>`);
      }
      x += c.w;
    }
  });
  out.push(`</g></svg>`);
  return { svg: out.join("\n"), width: W, height: H };
}
/** The picture as PNG (a data: URL), rasterised from the SVG at `scale` device pixels per CSS pixel. */
export async function chartPNG(scale, opts) {
  scale = scale || 2;
  const { svg, width, height } = chartSVG(opts);
  const img = new Image();
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  await img.decode();
  const c = document.createElement("canvas");
  c.width = Math.round(width * scale); c.height = Math.round(height * scale);
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(img, 0, 0, c.width, c.height);
  return { url: c.toDataURL("image/png"), width: c.width, height: c.height };
}
export function pictureName(ext) {
  const base = (inv.id ? inv.title : "compoundgraph-chart").replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "chart";
  return `${base}-${new Date().toISOString().slice(0, 10)}.${ext}`;
}
