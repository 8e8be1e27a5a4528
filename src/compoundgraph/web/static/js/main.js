/* compoundgraph web UI entry point (native ES modules, no build step): search, link chart (vis-network),
   entity panel, filters, paths, money flows, map, timeline and exports. Talks only to the app that served it
   (relative URLs), so it works air-gapped. Starts the page and exposes `window.cg` (used by the browser tests). */
import { $, OPEN_LIMIT, shortLabel } from "./util.js";
import { state } from "./state.js";
import { edges, fitEdgeLabels, network, nodes } from "./chart.js";
import { api, guarded, status } from "./api.js";
import { expand, guardLimit } from "./expand.js";
import { countLine, renderLegend, sliderValue, updateAsOfRange } from "./filters.js";
import { findPaths, trace } from "./flows.js";
import * as flows from "./flowpane.js";
import { addSubgraph } from "./graph.js";
import { undo } from "./history.js";
import { relayout } from "./layout.js";
import { map } from "./mapview.js";
import { select, showEntity } from "./panel.js";
import { openChart } from "./search.js";
import { currentTimeline } from "./timeline.js";
import { investigation } from "./investigation.js";
import { chartPNG, chartSVG } from "./picture.js";
import "./exports.js";  // the export buttons (nothing imports it for a value)
import { openFunnel } from "./funnel.js";
import { openReview } from "./review.js";
import { openUpload, refreshRole } from "./upload.js";

$("#api-key").value = localStorage.getItem("cg-api-key") || "";
$("#guard").value = String(guardLimit()); $("#sn-guard").value = String(guardLimit());
$("#api-key").addEventListener("change", () => {
  const v = $("#api-key").value.trim();
  v ? localStorage.setItem("cg-api-key", v) : localStorage.removeItem("cg-api-key");
  init();
});
window.addEventListener("resize", () => { map.render(); });
// side panels collapse, so the chart can have the whole width (remembered in this browser)
function sidePanels() {
  for (const [cls, btn] of [["no-filters", "#toggle-filters"], ["no-panel", "#toggle-panel"]]) {
    const off = localStorage.getItem("cg-" + cls) === "1";
    document.body.classList.toggle(cls, off);
    $(btn).setAttribute("aria-pressed", String(off));
  }
  network.redraw();
}
for (const [cls, btn] of [["no-filters", "#toggle-filters"], ["no-panel", "#toggle-panel"]]) {
  $(btn).addEventListener("click", () => {
    localStorage.setItem("cg-" + cls, document.body.classList.contains(cls) ? "0" : "1");
    sidePanels(); map.render();
  });
}
sidePanels();

async function init() {
  const ont = await guarded(() => api("ontology"));
  if (!ont) { status("cannot load the ontology: check the API key", true); return; }
  state.ontology = ont;
  await refreshRole();
  renderLegend();
  updateAsOfRange();
  status("ready: search to start a chart");
  const q = new URLSearchParams(location.search);
  if (q.get("hops")) $("#hops").value = q.get("hops");
  if (q.get("open")) {
    await guarded(() => expand(q.get("open"), { confirmed: true, focus: true, limit: +(q.get("limit") || OPEN_LIMIT) }));
  }
  window.cg.ready = true;
}

window.cg = { state, network, nodes, edges, map, expand, openChart, select, showEntity, undo, trace, findPaths,
  addSubgraph, sliderValue, openReview, openFunnel, openUpload, relayout, shortLabel, countLine, fitEdgeLabels, timeline: currentTimeline, flows, investigation, picture: { chartSVG, chartPNG }, settles: 0, settledAt: null, ready: false };
init();
