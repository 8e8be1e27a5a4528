/* The timeline tab (vis-timeline) and the bottom tabs. */
import { $, esc, shortLabel } from "./util.js";
import { state } from "./state.js";
import { edges, network, nodes } from "./chart.js";
import { guarded, status } from "./api.js";
import { edgeVisible, nodeVisible } from "./filters.js";
import { dateLabels, map } from "./mapview.js";
import { select, showEntity } from "./panel.js";

function timelineItems() {
  const items = [];
  for (const e of state.raw.edges.values()) {
    if (!edgeVisible(e)) continue;
    const ts = (e.properties || {}).timestamp;
    const start = e.valid_from || (ts && String(ts).slice(0, 10));
    if (!start && !e.valid_to) continue;
    const a = state.raw.nodes.get(e.from), b = state.raw.nodes.get(e.to);
    items.push({ kind: "claim", id: e.id, nodes: [e.from, e.to], start: start || e.valid_to, end: e.valid_to, contested: !!e.contested,
      text: `${shortLabel(a ? a.name : e.from)} ${e.type} ${shortLabel(b ? b.name : e.to)}`, colour: "#78909c" });
  }
  const dl = state.ontology ? dateLabels() : new Set();
  for (const n of state.raw.nodes.values()) {
    if (!dl.has(n.label) || !nodeVisible(n.id)) continue;
    const d = state.details.get(n.id);
    const props = d ? (d.entity || d).properties || {} : {};
    const types = state.ontology.labels[n.label].properties || {};
    for (const [k, t] of Object.entries(types)) {
      if (t === "date" && props[k]) items.push({ kind: "entity", id: n.id, nodes: [n.id], start: String(props[k]).slice(0, 10), text: `${n.name}: ${k}`, colour: n.colour });
    }
  }
  return items.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
}
/* The timeline: vis-timeline (vendored), one track per entity type, claims by their validity (a range
   when it has an end) and entities by their dates; the as-of date is an orange line; wheel zooms, drag
   moves; "Select the period shown" selects on the chart what the visible period holds. */
let timeline = null;
let tlInfo = new Map();    // item id -> {kind, id, nodes}
function timelineOn() { return $("#timeline").classList.contains("on"); }
export function renderTimeline() {
  if (!timelineOn()) return;   // drawn when its tab is shown
  const items = timelineItems().slice(0, 2000);
  tlInfo = new Map();
  const groups = new Map();
  const data = items.map((it, i) => {
    const key = `${it.kind === "claim" ? "c" : "n"}:${it.id}:${i}`;
    tlInfo.set(key, it);
    const n = state.raw.nodes.get(it.nodes[0]);
    const group = n ? n.label : "other";
    groups.set(group, n ? n.colour : "#999");
    const range = it.end && it.end > it.start;
    return { id: key, group, start: it.start, end: range ? it.end : undefined, type: range ? "range" : "point",
      content: `${esc(it.start)} ${esc(it.text)}`, title: esc(`${it.text} ${it.start}${it.end ? " – " + it.end : ""}`),
      className: it.kind + (it.contested ? " contested" : "") };
  });
  $("#tl-count").textContent = items.length ? `${items.length} dated items` : "no dated events or claims on the chart";
  const gs = [...groups.entries()].map(([g, colour]) => ({ id: g, content: `<span style="color:${esc(colour)}">●</span> ${esc(g)}` }));
  if (!timeline) {
    timeline = new vis.Timeline($("#timeline-chart"), data, gs, {
      stack: true, zoomable: true, moveable: true, multiselect: true, selectable: true, height: "100%",
      orientation: "top", showCurrentTime: false, groupOrder: "id", margin: { item: 2 }, zoomMin: 86400e3 * 7,
      tooltip: { followMouse: true } });
    timeline.on("select", (p) => {
      const its = p.items.map((k) => tlInfo.get(k)).filter(Boolean);
      if (!its.length) return;
      if (its.length === 1 && its[0].kind === "claim") {
        network.selectEdges([its[0].id]); guarded(() => showEntity(its[0].nodes[0], its[0].id));
      } else select([...new Set(its.flatMap((x) => x.nodes))], its.length === 1);
    });
    timeline.fit({ animation: false });
  } else {
    timeline.setGroups(gs);
    timeline.setItems(data);
  }
  const asOf = state.filters.asOf;
  try { timeline.removeCustomTime("asof"); } catch (e) { /* no line yet */ }
  if (asOf) { timeline.addCustomTime(asOf, "asof"); timeline.setCustomTimeMarker("as of " + asOf, "asof"); }
  markTimeline(network.getSelectedNodes());
}
$("#tl-fit").addEventListener("click", () => { if (timeline) timeline.fit(); });
$("#tl-brush").addEventListener("click", () => {
  if (!timeline) return;
  const w = timeline.getWindow();
  const lo = w.start.toISOString().slice(0, 10), hi = w.end.toISOString().slice(0, 10);
  const inView = [...tlInfo.entries()].filter(([, it]) => it.start <= hi && (it.end || it.start) >= lo);
  const ids = [...new Set(inView.flatMap(([, it]) => it.nodes))];
  const claims = inView.filter(([, it]) => it.kind === "claim").map(([, it]) => it.id);
  network.setSelection({ nodes: ids.filter((id) => nodes.get(id)), edges: claims.filter((id) => edges.get(id)) }, { highlightEdges: false });
  map.select(ids);
  timeline.setSelection(inView.map(([k]) => k));
  status(`${ids.length} entities and ${claims.length} claims from ${lo} to ${hi} selected`);
});
export function markTimeline(ids) {
  if (!timeline) return;
  const set = new Set(ids);
  timeline.setSelection([...tlInfo.entries()].filter(([, it]) => it.nodes.some((n) => set.has(n))).map(([k]) => k));
}
export function showTab(name) {
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("on", b.dataset.tab === name));
  document.querySelectorAll("#bottom .tab").forEach((t) => t.classList.toggle("on", t.id === name));
  if (name === "map") map.render();
  if (name === "timeline") { renderTimeline(); if (timeline) timeline.redraw(); }
}
document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));

export function currentTimeline() { return timeline; }
