/* Filters and legend: grades, dates, entity and relationship types, which entities and claims are shown,
   the query parameters that carry the filters to the API, and the as-of slider. */
import { $, esc } from "./util.js";
import { state } from "./state.js";
import { status } from "./api.js";
import { restyle } from "./graph.js";
import { linkStances, stanceOf } from "./stance.js";

export function grade(g) {
  const m = /^([A-F])([1-6])$/.exec(g || "");
  return m ? { r: m[1].charCodeAt(0) - 64, c: +m[2] } : { r: 6, c: 6 };
}
export function minGrade() {
  const f = state.filters;
  if (!f.minR && !f.minC) return null;
  return (f.minR || "F") + (f.minC || "6");
}
export function passesGrade(g) {
  const m = minGrade();
  if (!m) return true;
  const a = grade(g), b = grade(m);
  return a.r <= b.r && a.c <= b.c;
}
export function inForce(e, asOf) {
  if (!asOf) return true;
  return (!e.valid_from || e.valid_from <= asOf) && (!e.valid_to || e.valid_to >= asOf);
}
function typeOn(id) {
  const n = state.raw.nodes.get(id);
  return !!n && state.filters.types.has(n.label);
}
function baseVisible(id) { return typeOn(id) && !state.hidden.has(id); }
/* The links filter: "asserts" hides the claims whose source denies the link; "corroborated" / "contested" keep
   the claims of such links, judged among the claims on the chart (the server's rule, stance.js). */
let stanceCache = null;
function linkPasses(e) {
  const l = state.filters.link;
  if (!l) return true;
  if (l === "asserts") return stanceOf(e) !== "denies";
  if (!stanceCache) stanceCache = linkStances(state.raw.edges.values());
  return stanceCache[l].has(e.id);
}
/** The claim passes the filters (relationship type, grade, stance, date, the types of both ends). */
function filterPasses(e) {
  const f = state.filters;
  return f.rels.has(e.type) && passesGrade(e.grade) && linkPasses(e) && inForce(e, f.asOf) && typeOn(e.from) && typeOn(e.to);
}
function edgePasses(e) { return filterPasses(e) && !state.hidden.has(e.from) && !state.hidden.has(e.to); }
/* Which entities are shown: their type is on, they are not hidden, and - unless "keep entities without a
   visible claim" is ticked - the filters left them at least one visible claim (an entity that had no claim
   on the chart to begin with stays). Computed once per change, O(nodes + claims). */
let shownCache = null;
export function invalidate() { shownCache = null; stanceCache = null; }
function computeShown() {
  const touched = new Set(), kept = new Set();
  for (const e of state.raw.edges.values()) {
    touched.add(e.from); touched.add(e.to);
    if (filterPasses(e)) { kept.add(e.from); kept.add(e.to); }
  }
  const out = new Set();
  for (const id of state.raw.nodes.keys()) {
    if (baseVisible(id) && (state.filters.keepOrphans || !touched.has(id) || kept.has(id))) out.add(id);
  }
  return out;
}
export function nodeVisible(id) {
  if (!shownCache) shownCache = computeShown();
  return shownCache.has(id);
}
export function edgeVisible(e) {
  return edgePasses(e) && nodeVisible(e.from) && nodeVisible(e.to);
}
export function countLine() {
  const n = state.raw.nodes.size, m = state.raw.edges.size;
  let vn = 0, vm = 0;
  for (const id of state.raw.nodes.keys()) if (nodeVisible(id)) vn++;
  for (const e of state.raw.edges.values()) if (edgeVisible(e)) vm++;
  if (vn === n && vm === m) return `${n} entities, ${m} claims on the chart`;
  return `${vn} of ${n} entities, ${vm} of ${m} claims shown (filters)`;
}
/** Query parameters that carry the filters to the API (so new data obeys them too). */
export function filterParams() {
  const p = new URLSearchParams();
  const m = minGrade();
  if (m) p.set("min_grade", m);
  if (state.filters.asOf) p.set("as_of", state.filters.asOf);
  if (state.filters.link === "asserts") p.set("stance", "asserts");
  else if (state.filters.link) p.set("link", state.filters.link);
  return p;
}
export function typeParams(p) {
  const ont = state.ontology;
  if (!ont) return p;
  const labels = Object.keys(ont.labels).filter((l) => l !== "Source");
  const on = labels.filter((l) => state.filters.types.has(l));
  if (on.length < labels.length) on.forEach((t) => p.append("types", t));
  const rels = Object.keys(ont.relationships);
  const ron = rels.filter((r) => state.filters.rels.has(r));
  if (ron.length < rels.length) ron.forEach((t) => p.append("rel_types", t));
  return p;
}

export function labelDisplay(label) {
  const l = state.ontology && state.ontology.labels[label];
  return l || { colour: "#999", icon: "circle", description: "" };
}
export function renderLegend() {
  const ont = state.ontology;
  const ul = $("#legend");
  ul.innerHTML = "";
  for (const [name, d] of Object.entries(ont.labels)) {
    state.filters.types.add(name);
    const li = document.createElement("li");
    li.title = d.description;
    li.innerHTML = `<input type="checkbox" checked data-type="${esc(name)}" aria-label="show ${esc(name)}">${window.CGIcons.inline(d.icon, d.colour)}<span>${esc(name)}</span> <span class="count badge"></span>`;
    li.querySelector("input").addEventListener("change", (ev) => {
      ev.target.checked ? state.filters.types.add(name) : state.filters.types.delete(name);
      restyle();
    });
    ul.appendChild(li);
  }
  const rl = $("#rel-types");
  rl.innerHTML = "";
  for (const [name, r] of Object.entries(ont.relationships)) {
    state.filters.rels.add(name);
    const li = document.createElement("li");
    li.title = r.description;
    li.innerHTML = `<input type="checkbox" checked data-rel="${esc(name)}" aria-label="show ${esc(name)}"><span>${esc(name)}</span>`;
    li.querySelector("input").addEventListener("change", (ev) => {
      ev.target.checked ? state.filters.rels.add(name) : state.filters.rels.delete(name);
      restyle();
    });
    rl.appendChild(li);
  }
}
function setAllRels(on) {
  document.querySelectorAll("#rel-types input").forEach((i) => {
    i.checked = on;
    on ? state.filters.rels.add(i.dataset.rel) : state.filters.rels.delete(i.dataset.rel);
  });
  restyle();
}
$("#rels-all").addEventListener("click", () => setAllRels(true));
$("#rels-none").addEventListener("click", () => setAllRels(false));
export function renderLegendCounts() {
  const counts = {};
  for (const n of state.raw.nodes.values()) counts[n.label] = (counts[n.label] || 0) + 1;
  document.querySelectorAll("#legend li").forEach((li) => {
    li.querySelector(".count").textContent = counts[li.querySelector("input").dataset.type] || "";
  });
}
$("#link-filter").addEventListener("change", () => { state.filters.link = $("#link-filter").value; restyle(); });
for (const id of ["#min-r", "#min-c"]) {
  $(id).addEventListener("change", () => {
    state.filters.minR = $("#min-r").value; state.filters.minC = $("#min-c").value;
    state.details.clear();
    restyle();
  });
}

// as-of slider: spans the dates of the claims on the chart (or the last ten years)
let asOfRange = null;
function allDates() {
  const ds = [];
  for (const e of state.raw.edges.values()) {
    for (const v of [e.valid_from, e.valid_to, (e.properties || {}).timestamp]) if (v) ds.push(String(v).slice(0, 10));
  }
  return ds.sort();
}
export function updateAsOfRange() {
  const ds = allDates();
  const today = new Date().toISOString().slice(0, 10);
  const lo = ds.length ? ds[0] : String(new Date().getFullYear() - 10) + "-01-01";
  const hi = ds.length && ds[ds.length - 1] > today ? ds[ds.length - 1] : today;
  const t0 = Date.parse(lo) - 86400e3 * 30, t1 = Date.parse(hi);
  asOfRange = { t0, t1 };
  const s = $("#asof");
  s.max = String(Math.max(1, Math.round((t1 - t0) / 86400e3)));
  if (!state.filters.asOf) s.value = s.max;
  else s.value = String(sliderValue(state.filters.asOf));
}
export function sliderValue(day) {
  return Math.round((Date.parse(day) - asOfRange.t0) / 86400e3);
}
function sliderDate() {
  return new Date(asOfRange.t0 + (+$("#asof").value) * 86400e3).toISOString().slice(0, 10);
}
function onAsOf() {
  const on = $("#asof-on").checked;
  $("#asof").disabled = !on;
  state.filters.asOf = on ? sliderDate() : null;
  $("#asof-label").textContent = on ? state.filters.asOf : "—";
  $("#asof-date").value = state.filters.asOf || "";
  $("#asof-date").classList.remove("bad");
  restyle();
}
$("#asof-on").addEventListener("change", onAsOf);
$("#asof").addEventListener("input", onAsOf);
// the as-of date can be typed (YYYY-MM-DD) instead of dragged
function onTypedDate() {
  const el = $("#asof-date");
  const v = el.value.trim();
  if (!v) { $("#asof-on").checked = false; onAsOf(); el.classList.remove("bad"); return; }
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().slice(0, 10) === v;
  el.classList.toggle("bad", !ok);
  if (!ok) { status(`as of: "${v}" is not a date (YYYY-MM-DD)`, true); return; }
  $("#asof-on").checked = true;
  $("#asof").disabled = false;
  $("#asof").value = String(sliderValue(v));
  state.filters.asOf = v;
  $("#asof-label").textContent = v;
  restyle();
}
$("#asof-date").addEventListener("change", onTypedDate);
$("#asof-date").addEventListener("keydown", (ev) => { if (ev.key === "Enter") onTypedDate(); });
$("#keep-orphans").addEventListener("change", () => { state.filters.keepOrphans = $("#keep-orphans").checked; restyle(); });
/** The shown set as last computed (or computed now), without caching it. */
export function shownNow() { return shownCache || computeShown(); }
