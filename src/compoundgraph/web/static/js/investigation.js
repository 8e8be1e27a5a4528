/* Saved investigations in the chart UI: Save, Save as, Open…, Share…, the title in the bar, the
   unsaved-changes guard (before opening another one and before leaving the page), notes on the investigation,
   the selected entity and the selected claim (with a badge on the chart), and the case report. The server
   keeps them (/investigations, docs/investigations.md); this module turns the chart into the saved JSON
   (`chartJSON`) and back (`restore`). */
import { $, esc } from "./util.js";
import { state } from "./state.js";
import { draw, edges, network, nodes, setState } from "./chart.js";
import { status } from "./api.js";
import { countLine, invalidate, minGrade, updateAsOfRange } from "./filters.js";
import { afterChange } from "./graph.js";
import { nodeStyle, styledEdges } from "./style.js";
import { OK, ask, askTitle, openDlg, shareDlg } from "./invdialogs.js";
import { badges, noteHooks, notes, renderPanelNotes } from "./notes.js";

/** The investigation on screen (id null: not saved yet) and the fingerprint of what was last saved/opened. */
export const inv = { id: null, title: "", version: 0, access: "owner", owner: null, ownerName: null,
  modified: null, modifiedBy: null, shares: [], traces: [], saved: null, changes: null };

// -- the API (problem+json errors kept whole: the status, the detail and the field at fault) ----------------
export class ApiProblem extends Error {
  constructor(status, detail, where) {
    super(detail + (where ? ` (at ${where})` : ""));
    this.status = status; this.detail = detail; this.where = where;
  }
}
function headers(json) {
  const h = { Accept: "application/json" };
  if (json) h["Content-Type"] = "application/json";
  const key = localStorage.getItem("cg-api-key");
  if (key) { h.Authorization = "Bearer " + key; h["X-API-Key"] = key; }
  return h;
}
async function call(path, method, body, raw) {
  const r = await fetch(path, { method: method || "GET", headers: headers(body !== undefined),
    body: body !== undefined ? JSON.stringify(body) : undefined });
  if (!r.ok) {
    let detail = r.statusText, where = null;
    try { const p = await r.json(); detail = p.detail || p.title || JSON.stringify(p); where = p.where || null; } catch (e) { /* not JSON */ }
    throw new ApiProblem(r.status, typeof detail === "string" ? detail : JSON.stringify(detail), where);
  }
  return raw ? r : r.json();
}

// -- the chart as the saved JSON ----------------------------------------------------------------------
const round = (v) => (typeof v === "number" && Number.isFinite(v) ? Math.round(v * 100) / 100 : v);
function allOf(kind) { return Object.keys((state.ontology || {})[kind] || {}); }
/** Everything the server stores about the chart on screen (docs/investigations.md, "The chart"). */
export function chartJSON() {
  const pos = network.getPositions();
  const entities = [];
  for (const id of state.raw.nodes.keys()) {
    const p = pos[id] || nodes.get(id) || {};
    const e = { id, x: round(p.x), y: round(p.y) };
    if (state.pinned.has(id)) e.pinned = true;
    if (state.hidden.has(id)) e.hidden = true;
    entities.push(e);
  }
  const labels = allOf("labels"), rels = allOf("relationships");
  const types = labels.filter((l) => state.filters.types.has(l));
  const relOn = rels.filter((r) => state.filters.rels.has(r));
  // view: the viewport below is where the investigator left the chart (charts saved by scripts fit instead)
  const options = { mode: ($("#layout-mode") || {}).value || "organic", keep_orphans: !!state.filters.keepOrphans, view: true };
  if (state.filters.link) options.link = state.filters.link;
  if (!types.length) options.no_types = true;   // [] means "every type" in the saved filters
  if (!relOn.length) options.no_rel_types = true;
  const claimIds = state.raw.edges;
  const view = network.getViewPosition();
  return {
    entities,
    claims: [...state.raw.edges.keys()],
    filters: { types: types.length === labels.length ? [] : types, rel_types: relOn.length === rels.length ? [] : relOn,
      min_grade: minGrade() },
    as_of: state.filters.asOf || null,
    notes: {
      investigation: notes.investigation,
      entities: Object.fromEntries([...notes.entities].filter(([k, v]) => v && state.raw.nodes.has(k))),
      claims: Object.fromEntries([...notes.claims].filter(([k, v]) => v && claimIds.has(k))),
    },
    layout: { kind: "manual", options, viewport: { x: round(view.x), y: round(view.y), scale: network.getScale() } },
    traces: inv.traces,
  };
}
/** What counts as a change: everything saved but the viewport (panning and zooming are not edits). */
function fingerprint(chart) {
  const c = Object.assign({}, chart, { layout: Object.assign({}, chart.layout, { viewport: null }) });
  return JSON.stringify(c);
}
function hasNotes() { return !!(notes.investigation || notes.entities.size || notes.claims.size); }
/** The chart differs from what was last saved or opened (a new chart: it has entities or notes). */
export function isDirty() {
  if (!state.ontology) return false;
  if (!inv.id) return state.raw.nodes.size > 0 || hasNotes();
  return fingerprint(chartJSON()) !== inv.saved;
}
function markClean() { inv.saved = fingerprint(chartJSON()); refreshTitle(); }

// -- the title and the buttons over the chart ----------------------------------------------------------
const titleEl = document.createElement("span");
titleEl.id = "inv-title";
titleEl.title = "The investigation on the chart (• : changes not saved)";
const tools = document.createElement("div");
tools.id = "inv-bar";
tools.innerHTML = `<button id="inv-open" class="small" title="Open a saved investigation (yours and those shared with you)">Open…</button>` +
  `<button id="inv-save" class="small" title="Save the chart, its positions, filters and notes (Ctrl+S)">Save</button>` +
  `<button id="inv-report" class="small" title="Case report of the saved chart: one HTML file that prints to PDF">Report</button>` +
  `<select id="inv-more" class="small" aria-label="more on the investigation" title="More on the investigation">` +
  `<option value="">More…</option><option value="save-as">Save as…</option><option value="share">Share…</option>` +
  `<option value="new">New chart</option></select>`;
// over the chart, top left (the toolbar row is full at 1280 px; the status line goes under it)
tools.prepend(titleEl);
$("#centre").prepend(tools);

export function refreshTitle() {
  const dirty = isDirty();
  const name = inv.id ? inv.title : "Unsaved chart";
  titleEl.textContent = name + (inv.access === "read" ? " (read only)" : "") + (dirty ? " •" : "");
  titleEl.classList.toggle("dirty", dirty);
  titleEl.dataset.id = inv.id || "";
  document.title = (dirty ? "• " : "") + name + " · compoundgraph";
  $("#inv-save").disabled = inv.access === "read";
}
let pending = null;
function changed() {
  clearTimeout(pending);
  pending = setTimeout(refreshTitle, 150);
}
noteHooks.readOnly = () => inv.access === "read";
noteHooks.changed = changed;
nodes.on("*", changed);
network.on("dragEnd", changed);
$("#filters").addEventListener("change", changed);

function adopt(body, sent) {
  inv.id = body.id; inv.title = body.title; inv.version = body.version; inv.access = body.access;
  inv.owner = body.owner; inv.ownerName = body.owner_name || null; inv.modified = body.modified;
  inv.modifiedBy = body.modified_by; inv.shares = body.shares || [];
  if (body.chart) inv.traces = body.chart.traces || [];
  if (sent) inv.saved = fingerprint(sent);
  refreshTitle();
}

// -- save ----------------------------------------------------------------------------------------------
/** Save the chart (a new investigation when it has none, or `asNew`); true when it was saved. */
export async function save(asNew) {
  if (!state.ontology) return false;
  const fresh = asNew || !inv.id;
  if (!fresh && inv.access === "read") {
    await ask("Read only", "This investigation is shared with you to read: use Save as… to keep a copy of your own.", OK);
    return false;
  }
  let title = inv.title;
  if (fresh) {
    title = await askTitle(asNew && inv.id ? `${inv.title} (copy)` : inv.title || "");
    if (!title) return false;
  }
  const chart = chartJSON();
  status("saving…");
  try {
    const body = fresh ? await call("investigations", "POST", { title, chart })
      : await call(`investigations/${encodeURIComponent(inv.id)}`, "PUT", { version: inv.version, title, chart });
    adopt(body, chart);
    status(`saved “${body.title}” (version ${body.version}, ${body.entities} entities)`);
    return true;
  } catch (e) {
    return saveFailed(e);
  }
}
async function saveFailed(e) {
  console.error(e);
  if (!(e instanceof ApiProblem)) { status("not saved: " + e.message, true); await ask("Not saved", e.message, OK); return false; }
  status("not saved: " + e.message, true);
  if (e.status === 409) {
    const how = await ask("Not saved: someone else saved it first", e.detail, [
      { value: "copy", label: "Save mine as a copy" }, { value: "reopen", label: "Reopen theirs (drop my changes)" },
      { value: "cancel", label: "Keep editing" }]);
    if (how === "copy") return save(true);
    if (how === "reopen") { inv.saved = fingerprint(chartJSON()); await openInvestigation(inv.id); }
    return false;
  }
  const why = e.status === 413 ? "The chart is too large to save" : e.status === 422 ? "The chart cannot be saved as it is"
    : e.status === 403 ? "Your key may not save investigations" : "Not saved";
  await ask(why, e.message, OK);
  return false;
}

// -- open ----------------------------------------------------------------------------------------------
/** Before the chart is replaced: save, drop the changes, or stay. True to go on. */
async function leaveOk() {
  if (!isDirty()) return true;
  const canSave = inv.access !== "read";
  const how = await ask("Unsaved changes", `“${inv.id ? inv.title : "Unsaved chart"}” has changes that are not saved.`,
    [...(canSave ? [{ value: "save", label: "Save them" }] : []), { value: "discard", label: "Discard them" },
      { value: "cancel", label: "Cancel" }]);
  if (how === "save") return save(false);
  return how === "discard";
}
/** A saved chart the page cannot draw (the server checks too): the first fault, or null. */
export function chartFault(chart) {
  if (!chart || typeof chart !== "object" || !Array.isArray(chart.entities)) return "the saved chart has no entity list";
  for (let i = 0; i < chart.entities.length; i++) {
    const e = chart.entities[i];
    if (!e || typeof e.id !== "string") return `entity ${i} has no id`;
    for (const k of ["x", "y"]) if (typeof e[k] !== "number" || !Number.isFinite(e[k])) return `entity ${i} (${e.id}): position ${k} is ${JSON.stringify(e[k])}`;
  }
  const vp = (chart.layout || {}).viewport || {};
  for (const k of ["x", "y", "scale"]) if (typeof vp[k] !== "number" || !Number.isFinite(vp[k])) return `layout.viewport.${k} is ${JSON.stringify(vp[k])}`;
  if (vp.scale <= 0) return `layout.viewport.scale is ${vp.scale}`;
  return null;
}
/** Open a saved investigation: ask about unsaved changes, fetch it and its entities, draw it where it was. */
export async function openInvestigation(id) {
  if (!(await leaveOk())) return false;
  status("opening…");
  let body, sg;
  try {
    [body, sg] = await Promise.all([call(`investigations/${encodeURIComponent(id)}`),
      call(`investigations/${encodeURIComponent(id)}/subgraph`)]);
  } catch (e) {
    console.error(e);
    status("cannot open: " + e.message, true);
    await ask("Cannot open this investigation", e.message + " — the chart on screen is unchanged.", OK);
    return false;
  }
  const fault = chartFault(body.chart);
  if (fault) {
    status("cannot open: " + fault, true);
    await ask("Cannot open this investigation", `The saved layout is corrupt: ${fault}. The chart on screen is unchanged.`, OK);
    return false;
  }
  await restore(body, sg);
  const ch = body.changes || {};
  inv.changes = ch;
  if (ch.changed) {
    const list = [...(ch.gone || []).map((g) => `gone: ${g}`), ...Object.entries(ch.merged || {}).map(([a, b]) => `${a} → merged into ${b}`)];
    status(`opened “${body.title}”: ${ch.message}`);
    ask("The graph changed since this investigation was saved", ch.message, OK, list);
  } else {
    status(`opened “${body.title}” (version ${body.version}) · ${countLine()}`);
  }
  return true;
}
function applyFilters(chart) {
  const f = chart.filters || {}, o = (chart.layout || {}).options || {};
  const labels = allOf("labels"), rels = allOf("relationships");
  const types = o.no_types ? [] : (f.types || []).length ? f.types : labels;
  const relOn = o.no_rel_types ? [] : (f.rel_types || []).length ? f.rel_types : rels;
  state.filters.types.clear(); types.forEach((t) => state.filters.types.add(t));
  state.filters.rels.clear(); relOn.forEach((r) => state.filters.rels.add(r));
  document.querySelectorAll("#legend input[data-type]").forEach((i) => { i.checked = state.filters.types.has(i.dataset.type); });
  document.querySelectorAll("#rel-types input[data-rel]").forEach((i) => { i.checked = state.filters.rels.has(i.dataset.rel); });
  const m = /^([A-F])([1-6])$/.exec(f.min_grade || "");
  state.filters.minR = m && m[1] !== "F" ? m[1] : "";
  state.filters.minC = m && m[2] !== "6" ? m[2] : "";
  $("#min-r").value = state.filters.minR; $("#min-c").value = state.filters.minC;
  state.filters.asOf = chart.as_of || null;
  $("#asof-on").checked = !!chart.as_of; $("#asof").disabled = !chart.as_of;
  $("#asof-label").textContent = chart.as_of || "—"; $("#asof-date").value = chart.as_of || "";
  state.filters.keepOrphans = !!o.keep_orphans; $("#keep-orphans").checked = !!o.keep_orphans;
  state.filters.link = ["asserts", "corroborated", "contested"].includes(o.link) ? o.link : "";
  $("#link-filter").value = state.filters.link;
  if (o.mode && $("#layout-mode").querySelector(`option[value="${CSS.escape(String(o.mode))}"]`)) $("#layout-mode").value = o.mode;
}
/** Put an opened investigation (`body`) and its subgraph (`sg`) on the chart, replacing what was there. */
export async function restore(body, sg) {
  performance.mark("cg:inv-received");
  const chart = body.chart;
  const saved = new Map(chart.entities.map((e) => [e.id, e]));
  setState("busy");
  state.raw.nodes = new Map(); state.raw.edges = new Map();
  for (const n of sg.nodes || []) if (saved.has(n.id)) state.raw.nodes.set(n.id, n);
  for (const e of sg.edges || []) if (state.raw.nodes.has(e.from) && state.raw.nodes.has(e.to)) state.raw.edges.set(e.id, e);
  state.hidden = new Set(chart.entities.filter((e) => e.hidden && state.raw.nodes.has(e.id)).map((e) => e.id));
  state.pinned = new Set(chart.entities.filter((e) => e.pinned && state.raw.nodes.has(e.id)).map((e) => e.id));
  state.supernodes.clear(); state.highlight.clear(); state.details.clear(); state.history.length = 0;
  $("#undo").disabled = true;
  applyFilters(chart);
  const n = chart.notes || {};
  notes.investigation = n.investigation || "";
  notes.entities = new Map(Object.entries(n.entities || {}).filter(([k]) => state.raw.nodes.has(k)));
  notes.claims = new Map(Object.entries(n.claims || {}));
  invalidate();
  nodes.clear(); edges.clear();
  nodes.add([...state.raw.nodes.values()].map((x) => Object.assign(nodeStyle(x), { x: saved.get(x.id).x, y: saved.get(x.id).y })));
  edges.add(styledEdges());
  performance.mark("cg:inv-styled");
  const vp = chart.layout.viewport;
  const unset = !(chart.layout.options || {}).view;
  if (!unset) network.moveTo({ position: { x: vp.x, y: vp.y }, scale: vp.scale, animation: false });
  await draw(unset && state.raw.nodes.size > 0);
  performance.mark("cg:inv-drawn");
  updateAsOfRange();
  afterChange();
  performance.mark("cg:inv-after");
  adopt(body, null);
  markClean();
  $("#panel").innerHTML = `<p class="hint">“${esc(body.title)}”: click an entity or a line for its details and notes.</p>`;
  if (!state.raw.nodes.size) setState("empty");
}

// -- the Open… list ---------------------------------------------------------------------------------------
function when(iso) { return iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : ""; }
function size(b) { return b == null ? "—" : b < 1024 ? `${b} B` : b < 1048576 ? `${(b / 1024).toFixed(1)} kB` : `${(b / 1048576).toFixed(1)} MB`; }
export async function showOpenList() {
  let list;
  try { list = (await call("investigations")).investigations; } catch (e) {
    status("cannot list investigations: " + e.message, true);
    await ask("Cannot list investigations", e.message, OK);
    return;
  }
  const tb = openDlg.querySelector("tbody");
  tb.innerHTML = list.length ? "" : `<tr><td colspan="6" class="hint">No saved investigation yet: build a chart and press Save.</td></tr>`;
  for (const s of list) {
    const tr = document.createElement("tr");
    tr.dataset.id = s.id;
    tr.tabIndex = 0;
    tr.innerHTML = `<td><a href="#" class="inv-pick">${esc(s.title)}</a></td><td>${esc(s.owner_name || s.owner)}</td>` +
      `<td>${esc(when(s.modified))}</td><td>${s.entities == null ? "—" : s.entities}</td><td>${size(s.size)}</td>` +
      `<td>${s.access === "owner" ? "mine" : "shared: " + esc(s.access)}</td>`;
    tr.querySelector("a").addEventListener("click", (ev) => { ev.preventDefault(); openDlg.close("pick"); openInvestigation(s.id); });
    tb.appendChild(tr);
  }
  openDlg.showModal();
}

// -- sharing --------------------------------------------------------------------------------------------
let draftShares = [];
function renderShares() {
  const tb = shareDlg.querySelector(".inv-shares");
  tb.innerHTML = draftShares.length ? "" : `<tr><td class="hint">Not shared: only you can open it.</td></tr>`;
  draftShares.forEach((s, i) => {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${esc(s.to)}</td><td>${esc(s.access)}</td><td><button type="button" class="small">remove</button></td>`;
    tr.querySelector("button").addEventListener("click", () => { draftShares.splice(i, 1); renderShares(); });
    tb.appendChild(tr);
  });
}
$("#inv-share-kind").addEventListener("change", () => {
  const role = $("#inv-share-kind").value === "role";
  $("#inv-share-who").hidden = role; $("#inv-share-role").hidden = !role;
});
$("#inv-share-add").addEventListener("click", () => {
  const role = $("#inv-share-kind").value === "role";
  const who = role ? $("#inv-share-role").value : $("#inv-share-who").value.trim();
  if (!who) return;
  const to = (role ? "role:" : "key:") + who;
  draftShares = draftShares.filter((s) => s.to !== to).concat([{ to, access: $("#inv-share-access").value }]);
  $("#inv-share-who").value = "";
  renderShares();
});
export async function share() {
  if (!inv.id) { await ask("Save first", "Save the chart as an investigation before sharing it.", OK); return; }
  if (inv.access !== "owner") { await ask("Only the owner shares", "This investigation was shared with you; only its owner can share it.", OK); return; }
  draftShares = inv.shares.map((s) => Object.assign({}, s));
  renderShares();
  shareDlg.returnValue = "cancel";
  shareDlg.showModal();
  await new Promise((r) => shareDlg.addEventListener("close", r, { once: true }));
  if (shareDlg.returnValue !== "save") return;
  try {
    const out = await call(`investigations/${encodeURIComponent(inv.id)}/shares`, "PUT", { version: inv.version, shares: draftShares });
    inv.version = out.version; inv.shares = out.shares; inv.modified = out.modified; inv.modifiedBy = out.modified_by;
    status(out.shares.length ? "shared with " + out.shares.map((s) => `${s.to} (${s.access})`).join(", ") : "not shared any more");
  } catch (e) {
    status("not shared: " + e.message, true);
    await ask(e.status === 409 ? "Not shared: someone else saved it first" : "Not shared", e.message, OK);
  }
}

// -- a new, empty chart --------------------------------------------------------------------------------
async function newChart() {
  if (!(await leaveOk())) return;
  $("#clear").click();
  Object.assign(inv, { id: null, title: "", version: 0, access: "owner", owner: null, shares: [], traces: [], saved: null, changes: null });
  notes.investigation = ""; notes.entities.clear(); notes.claims.clear();
  renderPanelNotes();
  refreshTitle();
}

// -- the case report -------------------------------------------------------------------------------------
function download(href, name) {
  const a = document.createElement("a");
  a.href = href; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
}
/** Download the case report of the saved investigation (asking to save an unsaved chart first). */
export async function report() {
  if (!inv.id || isDirty()) {
    if (inv.access === "read") {
      const how = await ask("Report of the saved version", "The report is made from the investigation as it was saved, not from the changes on screen.",
        [{ value: "go", label: "Make the report" }, { value: "cancel", label: "Cancel" }]);
      if (how !== "go") return false;
    } else {
      const how = await ask(inv.id ? "Save the changes first?" : "Save the chart first?",
        "The case report is made by the server from the saved investigation: save the chart to report what is on screen.",
        [{ value: "save", label: inv.id ? "Save and make the report" : "Save as… and make the report" },
          ...(inv.id ? [{ value: "saved", label: "Report the saved version" }] : []), { value: "cancel", label: "Cancel" }]);
      if (how === "cancel") return false;
      if (how === "save" && !(await save(false))) return false;
    }
  }
  status("making the report…");
  try {
    const r = await call(`investigations/${encodeURIComponent(inv.id)}/report`, "GET", undefined, true);
    download(URL.createObjectURL(await r.blob()), `${inv.id}-report.html`);
    status(`report of “${inv.title}” downloaded (open it in a browser and print it to PDF)`);
    return true;
  } catch (e) {
    status("no report: " + e.message, true);
    await ask("No report", e.message, OK);
    return false;
  }
}

// -- wiring -----------------------------------------------------------------------------------------------
$("#inv-open").addEventListener("click", showOpenList);
$("#inv-save").addEventListener("click", () => save(false));
$("#inv-report").addEventListener("click", report);
$("#inv-more").addEventListener("change", () => {
  const v = $("#inv-more").value;
  $("#inv-more").value = "";
  if (v === "save-as") save(true);
  else if (v === "share") share();
  else if (v === "new") newChart();
});
document.addEventListener("keydown", (ev) => {
  if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); save(false); }
});
window.addEventListener("beforeunload", (ev) => {
  if (isDirty()) { ev.preventDefault(); ev.returnValue = ""; }
});
refreshTitle();

/** What the page exposes of this module (`window.cg.investigation`, used by the browser tests). */
export const investigation = { inv, notes, badges, chartJSON, isDirty, save, openInvestigation, showOpenList, share,
  report, restore, refreshTitle, ask };
