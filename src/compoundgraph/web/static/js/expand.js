/* Expansion and the supernode guard: counts first, asks with the selective-expand dialog above the guard. */
import { $, GUARD_DEFAULT, OPEN_LIMIT, esc, shortLabel } from "./util.js";
import { state } from "./state.js";
import { api, guarded, status } from "./api.js";
import { minGrade, typeParams } from "./filters.js";
import { addSubgraph } from "./graph.js";

function onChartIds() { return [...state.raw.nodes.keys()]; }
function neighboursOnChart(id) {
  const out = new Set();
  for (const e of state.raw.edges.values()) {
    if (e.from === id) out.add(e.to);
    if (e.to === id) out.add(e.from);
  }
  return [...out];
}
export function guardLimit() {
  const v = parseInt(localStorage.getItem("cg-guard") || "", 10);
  return Number.isFinite(v) && v > 0 ? v : GUARD_DEFAULT;
}
function setGuardLimit(v) {
  const n = Math.max(1, Math.min(10000, parseInt(v, 10) || GUARD_DEFAULT));
  localStorage.setItem("cg-guard", String(n));
  $("#guard").value = String(n); $("#sn-guard").value = String(n);
  return n;
}
/** The request body for /subgraph/ego and /subgraph/ego/counts: the centre, hops and the filters. */
function egoBody(id, hops) {
  const body = { id, hops };
  const m = minGrade();
  if (m) body.min_grade = m;
  if (state.filters.asOf) body.as_of = state.filters.asOf;
  const p = typeParams(new URLSearchParams());
  if (p.getAll("types").length) body.types = p.getAll("types");
  if (p.getAll("rel_types").length) body.rel_types = p.getAll("rel_types");
  return body;
}
/** GET when the URL stays short, POST (same parameters as JSON) for a chart of many ids. */
function fetchEgo(body) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) (Array.isArray(v) ? v : [v]).forEach((x) => p.append(k, x));
  const q = p.toString();
  return q.length < 3500 ? api("subgraph/ego?" + q) : api("subgraph/ego", { method: "POST", body });
}
/** Expand `id` by `hops`: everything up to that distance not on the chart yet, reached through what is on
    it. Unless `confirmed`, the server first counts the new entities; more than the guard (or a supernode)
    opens the selective-expand dialog instead. */
export async function expand(id, opts) {
  opts = opts || {};
  const hops = opts.hops || +$("#hops").value;
  const body = egoBody(id, hops);
  // ids already charted are not returned, but the walk passes through them
  const onChart = state.raw.nodes.has(id);
  body.exclude = onChart ? onChartIds().filter((x) => x !== id) : [];
  if (!opts.confirmed && onChart) {
    status("counting…");
    const c = await api("subgraph/ego/counts", { method: "POST", body });
    if (c.new === 0) { status(await nothingNew(id, hops, c, body)); return []; }
    if (c.new > guardLimit() || (c.supernodes || {})[id]) { askSelective(id, hops, c); return null; }
    body.limit = Math.min(10000, c.new + 1);
  } else {
    body.limit = opts.limit || OPEN_LIMIT;
  }
  if (opts.order) body.order = opts.order;
  if (opts.newTypes) body.new_types = opts.newTypes;
  if (opts.newRels) body.new_rel_types = opts.newRels;
  status("expanding…");
  const sg = await fetchEgo(body);
  if (onChart && !(sg.nodes || []).some((n) => n.id !== id && !state.raw.nodes.has(n.id))) {
    status(await nothingNew(id, hops, null, body));
    return [];
  }
  return addSubgraph(sg, { anchor: onChart ? id : null, expanded: id, focus: opts.focus ? id : null });
}
/** Why an expansion brings nothing: all on the chart already, held back by the filters, or a supernode. */
async function nothingNew(id, hops, counts, body) {
  const name = shortLabel((state.raw.nodes.get(id) || { name: id }).name);
  const c = counts || await api("subgraph/ego/counts", { method: "POST", body });
  const why = [];
  if (c.known) why.push(`all ${c.known} entities within ${hops} hop${hops > 1 ? "s" : ""} are already on the chart`);
  const sn = Object.entries(c.supernodes || {}).filter(([k]) => k !== id);
  if (sn.length) {
    why.push("not expanded through " + sn.map(([k, d]) => `${(state.raw.nodes.get(k) || { name: k }).name} (${d} neighbours, ` +
      `above the server's supernode threshold of ${c.threshold})`).join(", ") + ": expand it on its own");
  }
  if (body.min_grade || body.as_of || body.types || body.rel_types) {
    const bare = { id, hops, exclude: body.exclude };
    const all = await api("subgraph/ego/counts", { method: "POST", body: bare });
    if (all.new > 0) why.push(`${all.new} more are filtered out by grade, date or type`);
  }
  if (!why.length) why.push(`no claims within ${hops} hop${hops > 1 ? "s" : ""}`);
  return `0 new entities around ${name}: ` + why.join("; ");
}
function askSelective(id, hops, c) {
  const n = Object.assign({}, state.raw.nodes.get(id));
  n.name = shortLabel(n.name);
  const degree = (c.supernodes || {})[id];
  $("#sn-text").textContent = `Expanding ${n.name} at ${hops} hop${hops > 1 ? "s" : ""} would add ${c.new} new entities` +
    (c.capped ? " or more" : "") + ` (${c.known} already on the chart).` +
    (degree ? ` ${n.name} has ${degree} neighbours (the server's supernode threshold is ${c.threshold}).` : "") +
    " Choose what to add.";
  const boxes = (el, counts, kind) => {
    el.querySelectorAll("label").forEach((x) => x.remove());
    for (const [k, v] of Object.entries(counts)) {
      const l = document.createElement("label");
      l.innerHTML = `<input type="checkbox" checked data-${kind}="${esc(k)}"> ${esc(k)} <span class="badge">${v}</span>`;
      el.appendChild(l);
    }
  };
  boxes($("#sn-types"), c.by_type, "type");
  boxes($("#sn-rels"), c.by_rel, "rel");
  $("#sn-n").value = String(Math.min(guardLimit(), c.new));
  $("#sn-n").max = String(Math.max(1, c.new));
  $("#sn-all").textContent = `Add all ${c.new}`;
  const dlg = $("#supernode");
  dlg.dataset.node = id; dlg.dataset.hops = String(hops); dlg.dataset.total = String(c.new);
  dlg.showModal();
  status(`${n.name}: ${c.new} new entities within ${hops} hop${hops > 1 ? "s" : ""}; choose what to add`);
}
$("#supernode").addEventListener("close", () => {
  const dlg = $("#supernode");
  const how = dlg.returnValue;
  if (how !== "add" && how !== "all") { status(""); return; }
  const pick = (sel, attr) => {
    const all = [...dlg.querySelectorAll(sel)];
    const on = all.filter((x) => x.checked).map((x) => x.dataset[attr]);
    return on.length === all.length ? null : on;
  };
  const newTypes = how === "all" ? null : pick("#sn-types input", "type");
  const newRels = how === "all" ? null : pick("#sn-rels input", "rel");
  if ((newTypes && !newTypes.length) || (newRels && !newRels.length)) { status("no type chosen: nothing added", true); return; }
  const total = +dlg.dataset.total;
  const n = how === "all" ? total : Math.max(1, Math.min(10000, +$("#sn-n").value || 10));
  guarded(() => expand(dlg.dataset.node, { confirmed: true, hops: +dlg.dataset.hops, limit: Math.min(10000, n + 1),
    order: $("#sn-order").value, newTypes, newRels }));
});
$("#sn-guard").addEventListener("change", () => setGuardLimit($("#sn-guard").value));
$("#guard").addEventListener("change", () => setGuardLimit($("#guard").value));
