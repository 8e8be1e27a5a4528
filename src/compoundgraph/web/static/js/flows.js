/* Paths between two entities and money-flow traces, with their results tab; a trace opens in the flow view
   (flowpane.js) after the trace dialog (flowdialog.js). */
import { $, esc, fmtAmount, shortLabel } from "./util.js";
import { state } from "./state.js";
import { network } from "./chart.js";
import { api, guarded, status } from "./api.js";
import { filterParams } from "./filters.js";
import { addSubgraph, restyle } from "./graph.js";
import { select } from "./panel.js";
import { showTab } from "./timeline.js";
import { askTraceOptions, traceBody } from "./flowdialog.js";
import { setHooks, show as showFlow, showPane } from "./flowpane.js";

$("#paths").addEventListener("click", () => guarded(findPaths));
export async function findPaths() {
  let sel = network.getSelectedNodes();
  if (state.pathFrom && sel.length === 1 && sel[0] !== state.pathFrom) sel = [state.pathFrom, sel[0]];
  if (sel.length !== 2) { status("select two nodes (Ctrl-click) to find paths between them", true); return; }
  const p = filterParams();
  p.set("from", sel[0]); p.set("to", sel[1]); p.set("max_hops", "4"); p.set("k", "3");
  status("finding paths…");
  const sg = await api("subgraph/paths?" + p.toString());
  const paths = sg.paths || [];
  state.pathFrom = null;
  if (!paths.length) { status("no path within 4 hops under the current filters"); renderResults("<p>No path found.</p>"); return; }
  await addSubgraph(sg, { highlight: paths.flatMap((x) => x.edges) });
  renderResults(`<h3>Paths</h3><table><tr><th>#</th><th>grade</th><th>hops</th><th>via</th></tr>${paths.map((x, i) =>
    `<tr class="path-row" data-i="${i}"><td>${i + 1}</td><td><span class="grade">${esc(x.grade)}</span></td><td>${x.hops}</td><td>${
      x.nodes.map((id) => esc((state.raw.nodes.get(id) || {}).name || id)).join(" → ")}</td></tr>`).join("")}</table>`);
  document.querySelectorAll(".path-row").forEach((tr) => tr.addEventListener("click", () => {
    state.highlight = new Set(paths[+tr.dataset.i].edges); restyle(); select(paths[+tr.dataset.i].nodes);
  }));
  showTab("results-tab");
}
$("#trace").addEventListener("click", () => {
  const sel = network.getSelectedNodes();
  guarded(() => trace(sel[0]));
});
$("#flow-view").addEventListener("click", () => showPane(true));
setHooks({ run: runTrace, select: (id) => { showPane(false); select([id], true); } });
/** Trace the money flow from wallet ``id``: with ``options`` (see flowdialog.js) at once, without them after
    asking in the trace dialog. The answer opens in the flow view and, as before, goes on the chart. */
export async function trace(id, options) {
  const n = id && state.raw.nodes.get(id);
  if (!n || n.label !== "Wallet") { status("select a wallet to trace its money flow", true); return; }
  return runTrace([id], options || null, n.name);
}
async function runTrace(wallets, options, startName, saved, asOf) {
  const id = wallets[0];
  const n = state.raw.nodes.get(id);
  const o = options || await askTraceOptions(`from ${shortLabel(startName || (n ? n.name : id))}${wallets.length > 1 ? ` and ${wallets.length - 1} more` : ""}`);
  if (!o) return;
  status("tracing…");
  const body = traceBody(wallets, o, asOf !== undefined ? asOf : state.filters.asOf);
  const res = await api("flows/trace", { method: "POST", body });
  const sg = res.subgraph || res;
  const named = startName || (n ? n.name : ((sg.nodes || []).find((x) => x.id === id) || {}).name || id);
  window.cg.flowDrawn = showFlow(res, body, named, saved);
  if (o.draw_on_chart === false) { renderTraceResults(res, body, named); status(`traced ${(res.flows || []).length} transfers (${body.method})`); return res; }
  // the share of each transfer that carried traced funds goes on the edge label
  const traced = new Map((res.flows || []).map((f) => [f.claim, f.traced]));
  for (const e of sg.edges || []) if (traced.has(e.id)) e.traced = traced.get(e.id);
  await addSubgraph(sg, { highlight: (sg.edges || []).filter((e) => e.type === "TRANSFERRED").map((e) => e.id), anchor: id });
  renderTraceResults(res, body, named);
  status(`traced ${(res.flows || []).length} transfers (${body.method})`);
  return res;
}
function renderTraceResults(res, body, startName) {
  const ends = res.endpoints || [];
  const name = (w) => state.raw.nodes.has(w)
    ? `<a href="#" class="goto" data-id="${esc(w)}">${esc(state.raw.nodes.get(w).name)}</a>` : esc(w);
  const tracedTotals = Object.entries(res.traced || {}).map(([a, v]) => `${esc(fmtAmount(v))} ${esc(a)}`).join(", ");
  // screening: a trace that touches a listed wallet says so first, with what reached each one
  const listed = res.listed || [];
  const headline = res.headline ? `<p class="trace-headline${listed.length ? " listed" : ""}">${esc(res.headline)}</p>` : "";
  const listedRows = listed.map((x) => `<li>${name(x.wallet)} (${esc(x.hops)} hops): ${Object.entries(x.amount || {})
    .map(([m, v]) => `${esc(m)} ${esc(fmtAmount(v))}`).join(", ")} ${esc(x.asset || "")}; ${(x.sanctions || [])
    .map((e) => esc(e.name) + (e.via ? " via " + name(e.via) : "")).join("; ")}</li>`).join("");
  renderResults(`<h3>Money flow ${esc(body.direction)} from ${esc(startName)} (${esc(res.method || "")})</h3>
    ${headline}${listedRows ? `<ul class="listed-wallets">${listedRows}</ul>` : ""}
    <p>${(res.flows || []).length} transfers${tracedTotals ? "; traced " + tracedTotals : ""}. <button class="small open-flow">Flow view</button></p>
    <table class="endpoints"><tr><th>end point</th><th>amount</th><th>asset</th><th>hops</th><th>why it stops</th><th>tags</th><th>held by</th><th>listed</th></tr>
    ${ends.map((r) => `<tr${r.listed ? ' class="listed"' : ""}><td>${name(r.wallet)}</td><td>${esc(fmtAmount(r.amount))}</td><td>${esc(r.asset || "")}</td>
      <td>${esc(r.hops)}</td><td>${esc((r.reasons || []).join(", "))}</td><td>${esc((r.tags || []).join(", "))}</td>
      <td>${(r.holders || []).map((h) => name(h.id)).join(", ")}</td><td>${r.listed ? "LISTED" : ""}</td></tr>`).join("")}</table>`);
  document.querySelectorAll("#results-tab .goto").forEach((a) => a.addEventListener("click", (ev) => { ev.preventDefault(); select([a.dataset.id], true); }));
  document.querySelectorAll("#results-tab .open-flow").forEach((b) => b.addEventListener("click", () => showPane(true)));
  showTab("results-tab");
}
function renderResults(html) { $("#results-tab").innerHTML = html; }
