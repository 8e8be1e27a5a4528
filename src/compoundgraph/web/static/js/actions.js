/* Actions from the panel, the context menu, the keyboard and the toolbar (undo, fit, unhide, clear). */
import { $ } from "./util.js";
import { state } from "./state.js";
import { edges, fitEdgeLabels, network, nodes, setState } from "./chart.js";
import { guarded, status } from "./api.js";
import { expand } from "./expand.js";
import { trace } from "./flows.js";
import { afterChange, hideNodes, removeNodes, restyle, togglePin } from "./graph.js";
import { snapshot, undo } from "./history.js";
import { map } from "./mapview.js";
import { select, showEntity } from "./panel.js";
import { markTimeline } from "./timeline.js";

export function act(what, ids) {
  if (!ids.length) return;
  if (what === "expand") guarded(() => expand(ids[0]));
  else if (what === "pin") togglePin(ids);
  else if (what === "hide") hideNodes(ids);
  else if (what === "remove") removeNodes(ids);
  else if (what === "path-from") { state.pathFrom = ids[0]; status(`paths from ${state.raw.nodes.get(ids[0]).name}: select another node and press Paths`); }
  else if (what === "trace") guarded(() => trace(ids[0]));
}
network.on("click", (p) => {
  $("#menu").hidden = true;
  $("#results").hidden = true;
  if (p.nodes.length === 1 && !(p.event.srcEvent && (p.event.srcEvent.ctrlKey || p.event.srcEvent.metaKey))) select(p.nodes);
  else if (p.nodes.length > 1) { map.select(p.nodes); markTimeline(p.nodes); }
  else if (p.edges.length === 1) {
    const e = state.raw.edges.get(p.edges[0]);
    if (e) guarded(() => showEntity(e.from, e.id));
  }
});
network.on("doubleClick", (p) => { if (p.nodes.length) guarded(() => expand(p.nodes[0])); });
network.on("oncontext", (p) => {
  p.event.preventDefault();
  const id = network.getNodeAt(p.pointer.DOM);
  const menu = $("#menu");
  if (!id) { menu.hidden = true; return; }
  const sel = network.getSelectedNodes();
  menu.dataset.ids = JSON.stringify(sel.includes(id) ? sel : [id]);
  menu.style.left = p.pointer.DOM.x + "px";
  menu.style.top = p.pointer.DOM.y + "px";
  menu.hidden = false;
});
network.on("dragEnd", (p) => {
  // a dragged pinned node stays pinned where it was dropped
  if (p.nodes.length) nodes.update(p.nodes.filter((id) => state.pinned.has(id)).map((id) => ({ id, fixed: true })));
  if (p.nodes.length) fitEdgeLabels();
});
$("#menu").addEventListener("click", (ev) => {
  const b = ev.target.closest("button");
  if (!b) return;
  $("#menu").hidden = true;
  act(b.dataset.act, JSON.parse($("#menu").dataset.ids || "[]"));
});
document.addEventListener("keydown", (ev) => {
  if (ev.target.matches("input, select, textarea")) return;
  if ((ev.ctrlKey || ev.metaKey) && ev.key === "z") { ev.preventDefault(); undo(); }
  if (ev.key === "Delete") removeNodes(network.getSelectedNodes());
});
$("#undo").addEventListener("click", undo);
$("#fit").addEventListener("click", () => network.fit());
$("#show-hidden").addEventListener("click", () => { snapshot(); state.hidden.clear(); restyle(); });
$("#clear").addEventListener("click", () => {
  snapshot();
  state.raw.nodes.clear(); state.raw.edges.clear(); state.hidden.clear(); state.pinned.clear();
  state.supernodes.clear(); state.highlight.clear();
  nodes.clear(); edges.clear(); afterChange(); setState("empty");
});
