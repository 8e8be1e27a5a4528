/* The left-to-right flow view of a money-flow trace, drawn as SVG with DOM methods (every name and address
   stays text, whatever it holds). Start wallets on the left, end points on the right, a column per hop with
   its wallets in the order the server's flow layout gives (by time; the end-point column by amount). Each
   wallet gets a row tall enough for its label (and the line naming its holders), so no two labels of a
   column overlap however long the trace; the pane scrolls instead of shrinking the text. Edge width is
   proportional to the traced amount; an edge's label (amount and date) sits just before the wallet it
   reaches and is left out where it would cover another label (the full text is on hover). */
import { fmtAmount, shortLabel } from "./util.js";

const SVG = "http://www.w3.org/2000/svg";
export const FORWARD_COLOUR = "#1565c0";
export const BACKWARD_COLOUR = "#e65100";
/** Why a trace stops at an end point: key, legend text, colour. The first that applies colours the node. */
export const STOPS = [
  { key: "exchange", text: "exchange", colour: "#6a1b9a" },
  { key: "otc", text: "OTC desk", colour: "#c2185b" },
  { key: "payment-provider", text: "payment provider", colour: "#00838f" },
  { key: "stop-other", text: "other stop tag", colour: "#795548" },
  { key: "returned", text: "returned to start", colour: "#212121" },
  { key: "hop-limit", text: "hop limit", colour: "#9e9e9e" },
  { key: "unknown", text: "unknown prior funds", colour: "#f9a825" },
  { key: "unspent", text: "unspent", colour: "#2e7d32" },
];
const STOP_BY_KEY = new Map(STOPS.map((s) => [s.key, s]));
const ROW = 22;            // one label line and room around it
const HOLDER_LINE = 13;    // a second line under the label: who holds the wallet
const TOP = 18;            // room above the first row (its label)
const R = 6;               // node radius
const END_LABEL_W = 330;   // room right of the end-point column for its labels
const FONT = "11px system-ui, sans-serif";
const MIN_COLUMN = 170;    // px between columns, room for a wallet's label and an edge label

/** The stop categories of an end point's reasons (``stop:exchange,otc``, ``hop limit``…), most telling first. */
export function stopKeys(reasons) {
  const keys = new Set();
  for (const r of reasons || []) {
    if (r.startsWith("stop:")) {
      const tags = r.slice(5).split(",");
      let known = false;
      for (const t of tags) if (STOP_BY_KEY.has(t) && t !== "stop-other") { keys.add(t); known = true; }
      if (!known) keys.add("stop-other");
    } else if (r === "returned to start") keys.add("returned");
    else if (r === "hop limit") keys.add("hop-limit");
    else if (r === "unknown prior funds") keys.add("unknown");
    else if (r === "unspent") keys.add("unspent");
  }
  return STOPS.filter((s) => keys.has(s.key)).map((s) => s.key);
}
export function stopColour(key) { return (STOP_BY_KEY.get(key) || STOPS[STOPS.length - 1]).colour; }
export function stopText(key) { return (STOP_BY_KEY.get(key) || { text: key }).text; }

function el(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text != null) e.textContent = String(text);
  return e;
}
let measureCtx = null;
function canvasWidth(s) {
  if (!measureCtx) { measureCtx = document.createElement("canvas").getContext("2d"); measureCtx.font = FONT; }
  return measureCtx.measureText(s).width;
}
// text widths without laying each label out: the canvas measures, scaled once per page by what SVG text of
// each class really takes (the canvas's system-ui need not be the SVG's)
let scale = null;
const SCALE_GUESS = { "flow-label": 1.2, "flow-holder": 1.1, "flow-edge-label": 1.1 };
function calibrate(host) {
  if (scale) return;
  const sample = "TBSUe…H7nS  17,550.41 USDT · 2024-02-01 held by";
  const probe = el("svg", { class: "flow-svg", width: 10, height: 10 });
  probe.style.position = "absolute";
  probe.style.visibility = "hidden";
  const texts = Object.keys(SCALE_GUESS).map((cls) => el("text", { class: cls }, sample));
  probe.append(...texts);
  host.appendChild(probe);
  const base = canvasWidth(sample);
  const got = Object.fromEntries(texts.map((t) => [t.getAttribute("class"), t.getComputedTextLength() / base]));
  probe.remove();
  if (Object.values(got).every((x) => x > 0)) scale = got;  // else the pane is not laid out yet: guess
}
function textWidth(s, cls) { return canvasWidth(s) * ((scale || SCALE_GUESS)[cls || "flow-label"]); }
/** ``s`` cut with an ellipsis to at most ``room`` pixels (the whole text stays in the tooltip). */
function fit(s, room, cls) {
  if (textWidth(s, cls) <= room) return s;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(s.slice(0, mid) + "…", cls) <= room) lo = mid; else hi = mid - 1;
  }
  return s.slice(0, lo).trimEnd() + "…";
}
const day = (ts) => String(ts || "").slice(0, 10);

/** What the view knows of each wallet of a trace answer: name, holders, end-point amounts and reasons. */
export function flowModel(res) {
  const sg = res.subgraph || { nodes: [], edges: [] };
  const names = new Map((sg.nodes || []).map((n) => [n.id, n.name || n.id]));
  const holders = new Map();
  for (const e of sg.edges || []) {
    if (e.type !== "HOLDS") continue;
    const list = holders.get(e.to) || [];
    if (!list.some((h) => h.id === e.from)) list.push({ id: e.from, name: names.get(e.from) || e.from });
    holders.set(e.to, list);
  }
  const ends = new Map();
  for (const ep of res.endpoints || []) {
    const cur = ends.get(ep.wallet) || { amounts: [], reasons: new Set(), listed: false };
    cur.amounts.push({ amount: ep.amount, asset: ep.asset });
    (ep.reasons || []).forEach((r) => cur.reasons.add(r));
    cur.listed = cur.listed || !!ep.listed;
    for (const h of ep.holders || []) {
      const list = holders.get(ep.wallet) || [];
      if (!list.some((x) => x.id === h.id)) list.push({ id: h.id, name: h.name || h.id });
      holders.set(ep.wallet, list);
    }
    if (!names.has(ep.wallet) && ep.name) names.set(ep.wallet, ep.name);
    ends.set(ep.wallet, cur);
  }
  return { names, holders, ends };
}

/** Draw ``res`` (a /flows/trace answer with its flow_layout) into ``host`` (emptied first), ``width`` pixels
    wide. ``onSelect(walletId)`` is called on a click on a wallet. ``order``: ``"amount"`` (the server's
    layout: end points largest first) or ``"path"`` (each column grouped under the wallets it came from,
    fewer crossings). Returns counts of what was drawn. */
export function drawFlow(host, res, { width, onSelect, order } = {}) {
  host.replaceChildren();
  const lay = res.flow_layout || { positions: {}, columns: 0 };
  const pos = lay.positions || {};
  const forward = (res.direction || lay.direction) !== "backward";
  const colour = forward ? FORWARD_COLOUR : BACKWARD_COLOUR;
  const { names, holders, ends } = flowModel(res);
  const starts = new Set(res.wallets || []);
  const cols = Math.max(1, lay.columns || 1);
  const byCol = Array.from({ length: cols }, () => []);
  for (const [w, p] of Object.entries(pos)) byCol[p.column].push(w);
  byCol.forEach((list) => list.sort((a, b) => pos[a].row - pos[b].row));
  if (order === "path") groupByPath(byCol, res.flows || [], forward);
  calibrate(host);
  // a wallet's second line: who holds it, and (before the last column) what ended there
  const inner = (w) => pos[w].column < cols - 1 || cols === 1;
  const second = (w) => holders.has(w) || (inner(w) && ends.has(w));
  // how far a wallet's drawing reaches above and below its centre: an inner wallet has its address above and
  // its second line below; an end point has its label beside it and its holders just under
  const reach = (w) => inner(w) ? [R + 16, second(w) ? R + 16 : R + 3] : second(w) ? [13, 14] : [11, 11];
  const rowH = (w) => { const [a, b] = reach(w); return Math.max(ROW, a + b + 4); };
  const natural = byCol.map((list) => list.reduce((s, w) => s + rowH(w), 0));
  const H = Math.max(...natural, ROW);
  // columns: spread across the width, the last one leaving room for the end-point labels
  const W = Math.max(width || 1000, 700);
  const left = 24;
  // never closer than a label's width: a long trace in a narrow pane scrolls sideways instead
  const span = Math.max(W - left - END_LABEL_W, (cols - 1) * MIN_COLUMN);
  const fullW = left + span + END_LABEL_W;
  const colX = (c) => left + (cols === 1 ? 0 : (c * span) / (cols - 1));
  const gap = cols === 1 ? END_LABEL_W : span / (cols - 1);
  const at = new Map();
  byCol.forEach((list, c) => {
    // a column shorter than the tallest is spread over the same height, its order kept
    const extra = list.length ? (H - natural[c]) / list.length : 0;
    let y = TOP;
    for (const w of list) {
      const h = rowH(w) + extra;
      const [a, b] = reach(w);
      at.set(w, { x: colX(c), y: y + (h - a - b) / 2 + a, h });
      y += h;
    }
  });
  const svg = el("svg", { class: "flow-svg", width: fullW, height: TOP + H + 16, role: "img",
    "aria-label": `money flow ${forward ? "forward" : "backward"}: ${Object.keys(pos).length} wallets` });
  const defs = el("defs");
  // arrowheads of one size whatever the edge width (the width already says the amount)
  const marker = el("marker", { id: "flow-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8,
    markerHeight: 8, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" });
  marker.appendChild(el("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  // column headings: a strip that stays at the top while the view scrolls
  const heads = el("svg", { class: "flow-heads", width: fullW, height: 20 });
  for (let c = 0; c < cols; c++) {
    const last = c === cols - 1 && cols > 1;
    const text = c === 0 ? "start" : last
      ? (order === "path" ? "end points (grouped by path)" : "end points (largest first)") : `hop ${c} (by time ↓)`;
    heads.appendChild(el("text", { x: colX(c) - R, y: 14, class: "flow-head" }, text));
  }
  const gEdges = el("g", { class: "flow-edges" });
  const gEdgeLabels = el("g", { class: "flow-edge-labels" });
  const gNodes = el("g", { class: "flow-nodes" });
  svg.append(gEdges, gEdgeLabels, gNodes);
  // labels placed so far (boxes), node labels first: edge labels give way to them
  const boxes = [];
  const hits = (b) => boxes.some((o) => b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h);
  let nodeCount = 0;
  for (const [w, p] of at) {
    const col = pos[w].column;
    const end = ends.get(w);
    const keys = end ? stopKeys([...end.reasons]) : [];
    const g = el("g", { class: "flow-node" + (end ? " end" : "") + (starts.has(w) ? " start" : "") + (end && end.listed ? " listed" : ""),
      "data-id": w, "data-column": col, transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`, tabindex: 0 });
    if (keys.length) g.setAttribute("data-stop", keys.join(" "));
    const fill = keys.length ? stopColour(keys[0]) : starts.has(w) ? "#263238" : "#b0bec5";
    g.appendChild(starts.has(w) ? el("rect", { x: -R, y: -R, width: 2 * R, height: 2 * R, fill })
      : el("circle", { r: R, fill }));
    if (keys.length > 1) g.appendChild(el("circle", { r: R + 3, fill: "none", stroke: stopColour(keys[1]), "stroke-width": 2 }));
    const name = names.get(w) || w;
    const hs = holders.get(w) || [];
    const amountText = end ? end.amounts.map((a) => `${fmtAmount(a.amount)} ${a.asset}`).join(" + ") : "";
    const heldBy = hs.length ? "held by " + hs.map((h) => shortLabel(h.name)).join(", ") : "";
    // the end-point column: label right of the wallet (nothing leaves it), holders under it; other columns:
    // the address above the wallet, clear of the edges that leave on the right, and under it what ended
    // there and who holds it. Each line is cut to the room its column has (the tooltip has it all).
    const last = col === cols - 1 && cols > 1;
    const room = last ? END_LABEL_W - R - 14 : gap - 16;
    const main = fit(last && amountText ? `${shortLabel(name)}  ${amountText}` : shortLabel(name), room, "flow-label");
    const sub = fit(last ? heldBy : [amountText ? "ended " + amountText : "", heldBy].filter(Boolean).join(" · "), room, "flow-holder");
    const lx = last ? R + 4 : 2;
    const ly = last ? (sub ? -2 : 4) : -R - 3;
    const hy = last ? ly + HOLDER_LINE - 1 : R + 11;
    g.appendChild(el("text", { x: lx, y: ly, class: "flow-label" }, main));
    if (sub) g.appendChild(el("text", { x: lx, y: hy, class: "flow-holder" }, sub));
    const tip = [name !== w ? `${name} (${w})` : w];
    if (hs.length) tip.push("held by " + hs.map((h) => h.name).join(", "));
    if (end) tip.push(`ended here: ${amountText}`, "why: " + keys.map(stopText).join(", "));
    if (end && end.listed) tip.push("LISTED");
    g.appendChild(el("title", {}, tip.join("\n")));
    g.addEventListener("click", () => onSelect && onSelect(w));
    g.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && onSelect) onSelect(w); });
    gNodes.appendChild(g);
    boxes.push({ x: p.x + lx - 1, y: p.y + ly - 11, w: textWidth(main, "flow-label") + 2, h: 14 });
    if (sub) boxes.push({ x: p.x + lx - 1, y: p.y + hy - 10, w: textWidth(sub, "flow-holder") + 2, h: 13 });
    nodeCount += 1;
  }
  // edges, widest first underneath; width proportional to the traced amount
  const flows = (res.flows || []).filter((f) => at.has(f.from) && at.has(f.to));
  const max = Math.max(...flows.map((f) => Number(f.traced) || 0), 1e-12);
  const byAmount = flows.slice().sort((a, b) => (Number(b.traced) || 0) - (Number(a.traced) || 0));
  let labelled = 0;
  for (const f of byAmount) {
    // drawn left to right: the wallet nearer the start is on the left in both directions
    const [l, r] = forward ? [f.from, f.to] : [f.to, f.from];
    const a = at.get(l), b = at.get(r);
    const x1 = a.x + R, x2 = b.x - R - 2;
    const mx = (x1 + x2) / 2;
    const widthPx = Math.max(1, (14 * (Number(f.traced) || 0)) / max);
    const text = `${fmtAmount(f.traced)} ${f.asset || ""} · ${day(f.timestamp)}`.trim();
    const path = el("path", { d: `M${x1.toFixed(1)},${a.y.toFixed(1)} C${mx.toFixed(1)},${a.y.toFixed(1)} ${mx.toFixed(1)},${b.y.toFixed(1)} ${x2.toFixed(1)},${b.y.toFixed(1)}`,
      class: "flow-edge", stroke: colour, "stroke-width": widthPx.toFixed(2), "data-claim": f.claim,
      [forward ? "marker-end" : "marker-start"]: "url(#flow-arrow)" });
    path.appendChild(el("title", {}, `${names.get(f.from) || f.from} → ${names.get(f.to) || f.to}\n${fmtAmount(f.traced)} of ${fmtAmount(f.amount)} ${f.asset || ""} traced, ${f.timestamp || ""} (hop ${f.hop})`));
    gEdges.appendChild(path);
    // the label just before the wallet on the right; nudged up or down to a free slot, or left out
    const w = textWidth(text, "flow-edge-label") + 4;
    const lx = x2 - 10 - w;
    // baselines: just above the edge, then just below it, then a line further out each way
    const half = widthPx / 2;
    for (const base of [b.y - half - 3, b.y + half + 10, b.y - half - 15, b.y + half + 22]) {
      const box = { x: lx, y: base - 10, w, h: 12 };
      if (box.x < a.x + R || hits(box)) continue;
      boxes.push(box);
      gEdgeLabels.appendChild(el("text", { x: (lx + w).toFixed(1), y: base.toFixed(1), "text-anchor": "end",
        class: "flow-edge-label", "data-claim": f.claim }, text));
      labelled += 1;
      break;
    }
  }
  if (!flows.length) {
    const none = el("text", { x: colX(0), y: TOP + H + 10, class: "flow-empty" },
      forward ? "No traced funds left these wallets under these settings (period, asset, minimum amount)."
        : "No traced funds reached these wallets under these settings (period, asset, minimum amount).");
    svg.setAttribute("height", String(TOP + H + 30));
    svg.appendChild(none);
  }
  const strip = document.createElement("div");
  strip.className = "flow-heads-strip";
  strip.appendChild(heads);
  host.append(strip, svg);
  return { nodes: nodeCount, edges: flows.length, edgeLabels: labelled, columns: cols, height: TOP + H + 16 };
}

/** Reorder every column after the first under the wallets its funds came from (the lowest place among them,
    then the server's order), so the flows of one wallet leave as a bundle rather than across the view. */
function groupByPath(byCol, flows, forward) {
  const place = new Map();
  byCol[0].forEach((w, i) => place.set(w, i / Math.max(1, byCol[0].length)));
  const from = new Map();
  for (const f of flows) {
    const [l, r] = forward ? [f.from, f.to] : [f.to, f.from];
    if (!from.has(r)) from.set(r, []);
    from.get(r).push(l);
  }
  for (let c = 1; c < byCol.length; c++) {
    const list = byCol[c];
    const key = new Map(list.map((w, i) => {
      const ps = (from.get(w) || []).filter((p) => place.has(p)).map((p) => place.get(p));
      return [w, [ps.length ? Math.min(...ps) : 2, i]];
    }));
    list.sort((a, b) => key.get(a)[0] - key.get(b)[0] || key.get(a)[1] - key.get(b)[1]);
    list.forEach((w, i) => place.set(w, i / Math.max(1, list.length)));
  }
}

/** The legend of the flow view: the trace's colour and every stop reason (those present first). */
export function drawLegend(host, res) {
  host.replaceChildren();
  const forward = res.direction !== "backward";
  const present = new Set((res.endpoints || []).flatMap((e) => stopKeys(e.reasons)));
  const item = (cls, colour, text, extra) => {
    const span = document.createElement("span");
    span.className = "fl-item " + (extra || "");
    const sw = document.createElement("i");
    sw.className = cls;
    sw.style.background = colour;
    span.append(sw, document.createTextNode(text));
    host.appendChild(span);
  };
  item("fl-line", forward ? FORWARD_COLOUR : BACKWARD_COLOUR, forward ? "forward trace (where funds went)" : "backward trace (where funds came from)");
  item("fl-start", "#263238", "start wallet");
  for (const s of STOPS) item("fl-dot", s.colour, s.text, present.has(s.key) ? "present" : "absent");
  const hint = document.createElement("span");
  hint.className = "hint";
  hint.textContent = "width: traced amount · labels: amount · date";
  host.appendChild(hint);
}
