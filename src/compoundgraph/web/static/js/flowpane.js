/* The money-flow workbench: a pane of its own over the chart area with the flow view of the current trace,
   its legend, the method switch, the haircut/FIFO comparison table, and saving into investigations. */
import { fmtAmount } from "./util.js";
import { api, guarded, status } from "./api.js";
import { drawCompare } from "./flowcompare.js";
import { METHOD_TEXT, lastOptions, rememberOptions } from "./flowdialog.js";
import { askWhereToSave, addTrace, createWithTrace, savedTrace, showSavedTraces } from "./flowsave.js";
import { drawFlow, drawLegend } from "./flowview.js";

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null && v !== false) e.setAttribute(k, v === true ? "" : String(v));
  for (const k of kids) e.append(k);
  return e;
}

/** What the pane shows: the last trace answer, the body it was asked with, the comparison. */
export const flow = { res: null, body: null, startName: "", cmp: null, sort: { key: "haircut", dir: "desc" }, saved: null, last: null,
  order: "amount" };
let pane = null;
let hooks = { run: null, select: null };

function build() {
  const methods = h("span", { class: "fp-methods", role: "group", "aria-label": "method" },
    h("button", { type: "button", "data-method": "haircut", title: METHOD_TEXT.haircut }, "haircut"),
    h("button", { type: "button", "data-method": "fifo", title: METHOD_TEXT.fifo }, "FIFO"));
  pane = h("section", { id: "flow-pane", "aria-label": "money-flow workbench", hidden: true },
    h("div", { class: "fp-bar" },
      h("strong", { class: "fp-title" }), methods,
      h("button", { type: "button", id: "fp-options", title: "Change the trace options" }, "Options…"),
      h("label", { title: "How the end points (and the columns before them) are ordered" }, "order ",
        h("select", { id: "fp-order" }, h("option", { value: "amount" }, "largest first"),
          h("option", { value: "path" }, "grouped by path"))),
      h("button", { type: "button", id: "fp-compare", title: "The end points under haircut and FIFO side by side" }, "Compare methods"),
      h("button", { type: "button", id: "fp-save", title: "Keep this trace (settings and stamp) in an investigation" }, "Save to investigation…"),
      h("button", { type: "button", id: "fp-saved", title: "Traces saved in investigations: did the graph under them change?" }, "Saved traces…"),
      h("span", { class: "fp-grow" }),
      h("button", { type: "button", id: "fp-close", title: "Back to the link chart" }, "Close ✕")),
    h("p", { class: "fp-method-text hint" }),
    h("p", { class: "fp-saved", hidden: true, role: "status" }),
    h("div", { class: "fp-legend" }),
    h("div", { class: "fp-body" },
      h("div", { class: "fp-flow", tabindex: 0 }),
      h("div", { class: "fp-compare", hidden: true },
        h("div", { class: "fp-cbar" }, h("strong", {}, "Haircut and FIFO side by side"), h("span", { class: "fp-ctext hint" }),
          h("span", { class: "fp-grow" }),
          h("button", { type: "button", id: "fp-enlarge", class: "small", "aria-pressed": "false" }, "Enlarge"),
          h("button", { type: "button", id: "fp-csv", class: "small", title: "The end-point table as CSV (spreadsheet-safe)" }, "CSV"),
          h("button", { type: "button", id: "fp-cclose", class: "small" }, "Hide")),
        h("div", { class: "fp-table" }))),
    h("div", { class: "fp-detail", hidden: true }));
  document.querySelector("#centre").appendChild(pane);
  const q = (s) => pane.querySelector(s);
  methods.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => {
    if (!flow.body || b.dataset.method === flow.body.method) return;
    rememberOptions({ method: b.dataset.method });
    guarded(() => hooks.run(flow.body.wallets, { ...lastOptions(), ...optionsOf(flow.body), method: b.dataset.method }, flow.startName, null, flow.body.as_of || null));
  }));
  q("#fp-options").addEventListener("click", () => guarded(() => hooks.run(flow.body.wallets, null, flow.startName, null, flow.body.as_of || null)));
  q("#fp-compare").addEventListener("click", () => guarded(compare));
  q("#fp-order").addEventListener("change", () => { flow.order = q("#fp-order").value; draw(); });
  q("#fp-cclose").addEventListener("click", () => { q(".fp-compare").hidden = true; enlarge(false); });
  q("#fp-enlarge").addEventListener("click", () => enlarge(q("#fp-enlarge").getAttribute("aria-pressed") !== "true"));
  q("#fp-csv").addEventListener("click", () => guarded(csv));
  q("#fp-save").addEventListener("click", () => guarded(save));
  q("#fp-saved").addEventListener("click", () => guarded(() => showSavedTraces((t, c, inv) => guarded(() => reopen(t, c, inv)))));
  q("#fp-close").addEventListener("click", () => showPane(false));
  window.addEventListener("resize", () => { if (!pane.hidden && flow.res) draw(); });
  return pane;
}
function optionsOf(body) {
  return { direction: body.direction, method: body.method, max_hops: body.max_hops, since: body.since || "", until: body.until || "",
    min_amount: body.min_amount || "", asset: body.asset || "", stop_tags: body.stop_tags || [] };
}
export function setHooks(h2) { hooks = h2; }
export function showPane(on) {
  (pane || build()).hidden = !on;
  document.body.classList.toggle("flow-open", !!on);
  const b = document.querySelector("#flow-view");
  if (b) b.hidden = !flow.res;
}
function enlarge(on) {
  pane.querySelector(".fp-body").classList.toggle("table-big", on);
  pane.querySelector("#fp-enlarge").setAttribute("aria-pressed", String(on));
  pane.querySelector("#fp-enlarge").textContent = on ? "Smaller" : "Enlarge";
}
function select(w) {
  const d = pane.querySelector(".fp-detail");
  pane.querySelectorAll(".flow-node.selected").forEach((n) => n.classList.remove("selected"));
  const node = [...pane.querySelectorAll(".flow-node")].find((n) => n.dataset.id === w);
  if (node) node.classList.add("selected");
  const n = (flow.res.subgraph.nodes || []).find((x) => x.id === w) || {};
  const ep = (flow.res.endpoints || []).filter((e) => e.wallet === w);
  const full = h("code", { class: "fp-address" }, n.name || w);
  const btn = h("button", { type: "button", class: "small" }, "Show in the panel");
  btn.addEventListener("click", () => hooks.select && hooks.select(w));
  d.replaceChildren(h("strong", {}, "wallet "), full, " ",
    ep.length ? h("span", {}, ` · ended here: ${ep.map((e) => `${fmtAmount(e.amount)} ${e.asset} (${e.reasons.join(", ")})`).join("; ")} `) : "", btn);
  d.hidden = false;
}

/** Show a trace answer ``res`` asked with ``body`` from a start called ``startName``. */
export function show(res, body, startName, saved) {
  flow.res = res; flow.body = body; flow.startName = startName; flow.saved = saved || null;
  showPane(true);
  const q = (s) => pane.querySelector(s);
  q(".fp-title").textContent = `${body.direction === "backward" ? "Where the funds reaching" : "Where the funds leaving"} ${startName} ${body.direction === "backward" ? "came from" : "went"}`;
  pane.querySelectorAll(".fp-methods button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.method === body.method)));
  const traced = Object.entries(res.traced || {}).map(([a, v]) => `${fmtAmount(v)} ${a}`).join(", ") || "nothing";
  q(".fp-method-text").textContent = `${METHOD_TEXT[body.method]} Traced ${traced} through ${(res.flows || []).length} transfers to ${(res.endpoints || []).length} end points; max ${body.max_hops} hops`
    + (body.since ? `, since ${body.since}` : "") + (body.until ? `, until ${body.until}` : "") + (body.asset ? `, ${body.asset} only` : "")
    + (body.min_amount ? `, transfers of ${body.min_amount} or more` : "") + `; stops at ${(body.stop_tags || []).join(", ") || "nothing tagged"}.`;
  const s = q(".fp-saved");
  s.hidden = !saved;
  s.classList.toggle("changed", !!(saved && saved.changed));
  if (saved) {
    s.textContent = saved.error ? `Saved in “${saved.investigation}” as “${saved.title}”: it cannot be run again (${saved.error}).`
      : saved.changed ? `Saved in “${saved.investigation}” as “${saved.title}”: the graph under this trace CHANGED since it was saved (stamp ${String(saved.saved_stamp).slice(0, 12)}… now ${String(saved.current_stamp).slice(0, 12)}…); the view shows it as it is now.`
        : `Saved in “${saved.investigation}” as “${saved.title}”: unchanged since it was saved (same stamp ${String(saved.saved_stamp).slice(0, 12)}…).`;
  }
  drawLegend(q(".fp-legend"), res);
  q(".fp-detail").hidden = true;
  flow.cmp = null;
  q(".fp-compare").hidden = true;
  enlarge(false);
  return draw();
}
/** (Re)draw the flow view at the pane's width; what was drawn (counts). */
export function draw() {
  const host = pane.querySelector(".fp-flow");
  flow.last = drawFlow(host, flow.res, { width: host.clientWidth - 4, onSelect: select, order: flow.order });
  return flow.last;
}

async function compare() {
  status("comparing haircut and FIFO…");
  const body = Object.assign({}, flow.body);
  delete body.method;
  flow.cmp = await api("flows/compare", { method: "POST", body });
  const q = (s) => pane.querySelector(s);
  q(".fp-compare").hidden = false;
  const totals = Object.keys(flow.cmp.totals.haircut || {}).map((a) => `${a}: haircut ${fmtAmount(flow.cmp.totals.haircut[a])}, FIFO ${fmtAmount((flow.cmp.totals.fifo || {})[a] || 0)}, traced ${fmtAmount(flow.cmp.traced.haircut[a])}`).join("; ");
  q(".fp-ctext").textContent = ` ${flow.cmp.endpoints.length} end points · ${totals}`;
  drawCompare(q(".fp-table"), flow.cmp, flow.sort, select);
  status(flow.cmp.balanced ? "both methods attribute the whole traced amount" : "the two methods do not add up: report this", !flow.cmp.balanced);
}
async function csv() {
  const body = Object.assign({}, flow.body);
  delete body.method;
  const r = await api("flows/compare?format=csv", { method: "POST", body, raw: true });
  const m = /filename="?([^";]+)"?/.exec(r.headers.get("Content-Disposition") || "");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await r.blob());
  a.download = m ? m[1] : "trace-haircut-fifo.csv";
  document.body.appendChild(a); a.click(); a.remove();
}
async function save() {
  const b = flow.body;
  const title = `${b.direction} trace from ${flow.startName} (${b.method}, ${b.max_hops} hops)`;
  const where = await askWhereToSave(title);
  if (!where) return;
  const t = savedTrace(where.traceTitle, b, flow.res.stamp);
  const inv = where.id ? await addTrace(where.id, t) : await createWithTrace(where.title, t);
  status(`trace saved into “${inv.title}” (version ${inv.version})`);
  pane.querySelector(".fp-saved").hidden = false;
  pane.querySelector(".fp-saved").classList.remove("changed");
  pane.querySelector(".fp-saved").textContent = `Saved in “${inv.title}” as “${t.title}”.`;
}
async function reopen(t, check, inv) {
  const p = t.params || {};
  const saved = { investigation: inv.title, title: t.title, changed: check.changed, error: check.error,
    saved_stamp: check.saved_stamp, current_stamp: check.current_stamp };
  await hooks.run(p.wallets || [], { ...lastOptions(), ...optionsOf(p), draw_on_chart: false }, null, saved, p.as_of || null);
}
