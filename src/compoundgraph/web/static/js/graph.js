/* Changes to what is on the chart: merging a subgraph, restyling after a filter change, removing, hiding
   and pinning, and everything that follows a change (legend counts, as-of range, map, timeline). */
import { SERVER_LAYOUT } from "./util.js";
import { state } from "./state.js";
import { draw, edges, fitEdgeLabels, network, nodes, setState } from "./chart.js";
import { status } from "./api.js";
import { countLine, invalidate, nodeVisible, renderLegendCounts, shownNow, updateAsOfRange } from "./filters.js";
import { snapshot } from "./history.js";
import { place } from "./layout.js";
import { refreshGeo } from "./mapview.js";
import { select } from "./panel.js";
import { nodeStyle, styledEdges } from "./style.js";
import { renderTimeline } from "./timeline.js";
import { linkStances } from "./stance.js";

export function restyle() {
  invalidate();
  nodes.update([...state.raw.nodes.values()].map(nodeStyle));
  edges.update(styledEdges());
  fitEdgeLabels();
  afterChange();
  if (state.raw.nodes.size) status(countLine());
}

/** Merge a subgraph (views.py shape) into the chart and lay it out. */
export async function addSubgraph(sg, opts) {
  opts = opts || {};
  performance.mark("cg:subgraph-received");
  snapshot();
  const before = new Set(state.raw.nodes.keys());
  // what the chart showed before, to restyle only what this subgraph changes (a 2,000-node chart must not
  // send 2,000 updates to vis-network for 500 new nodes)
  const shownBefore = shownNow();
  const superBefore = new Map(state.supernodes);
  const contestedBefore = new Set([...state.raw.edges.values()].filter((e) => e.contested || e.corroborated).map((e) => e.id));
  const wasBig = before.size > SERVER_LAYOUT;
  for (const n of sg.nodes || []) {
    state.raw.nodes.set(n.id, n);
    if (n.supernode && n.supernode.degree) state.supernodes.set(n.id, n.supernode.degree);
  }
  for (const [id, d] of Object.entries(sg.supernodes || {})) {
    if (!opts.expanded || id !== opts.expanded) state.supernodes.set(id, d);
  }
  if (opts.expanded) state.supernodes.delete(opts.expanded);
  for (const e of sg.edges || []) {
    // contested is a property of the claim set: keep it if either view said so
    const old = state.raw.edges.get(e.id);
    state.raw.edges.set(e.id, old && (old.contested || old.corroborated) ?
      Object.assign({}, e, { contested: e.contested || old.contested, corroborated: e.corroborated || old.corroborated }) : e);
  }
  markContested();
  if (opts.highlight) { state.highlight = new Set(opts.highlight); }
  const fresh = [...state.raw.nodes.keys()].filter((id) => !before.has(id));
  invalidate();
  setState("busy");
  // positions first, then one DataSet update: vis-network does its per-node work once, already in place
  const pos = await place(fresh, before.size === 0);
  performance.mark("cg:placed");
  if (opts.highlight || wasBig !== (state.raw.nodes.size > SERVER_LAYOUT)) {
    nodes.update([...state.raw.nodes.values()].map((n) => Object.assign(nodeStyle(n), pos[n.id] || {})));
    edges.update(styledEdges());
  } else {
    const touched = new Set((sg.nodes || []).map((n) => n.id));
    for (const id of state.raw.nodes.keys()) {
      if (nodeVisible(id) !== shownBefore.has(id) || state.supernodes.get(id) !== superBefore.get(id)) touched.add(id);
    }
    for (const id of superBefore.keys()) if (state.raw.nodes.has(id) && !state.supernodes.has(id)) touched.add(id);
    nodes.update([...touched].map((id) => Object.assign(nodeStyle(state.raw.nodes.get(id)), pos[id] || {})));
    const newEdges = new Set((sg.edges || []).map((e) => e.id));
    edges.update(styledEdges().filter((e) => newEdges.has(e.id) || ((e.cgContested || e.cgCorroborated) && !contestedBefore.has(e.id)) ||
      touched.has(e.from) || touched.has(e.to)));
  }
  performance.mark("cg:styled");
  await draw(fresh.length > 0 && before.size === 0);
  afterChange();
  if (opts.focus) select([opts.focus], true);
  status((before.size ? `${fresh.length} new entities · ` : "") + countLine() + (sg.truncated ? " (result truncated)" : ""));
  return fresh;
}
function markContested() {
  const { contested, corroborated } = linkStances([...state.raw.edges.values()]);
  for (const e of state.raw.edges.values()) {
    if (contested.has(e.id)) e.contested = true;
    if (corroborated.has(e.id)) e.corroborated = true;
  }
}
export function removeNodes(ids) {
  snapshot();
  for (const id of ids) {
    state.raw.nodes.delete(id); state.hidden.delete(id); state.pinned.delete(id);
    for (const [eid, e] of state.raw.edges) if (e.from === id || e.to === id) state.raw.edges.delete(eid);
  }
  invalidate();
  nodes.remove(ids);
  edges.remove(edges.getIds().filter((eid) => !state.raw.edges.has(eid)));
  afterChange();
}
export function hideNodes(ids) { snapshot(); ids.forEach((id) => state.hidden.add(id)); restyle(); }
export function togglePin(ids) {
  snapshot();
  const pos = network.getPositions(ids);
  for (const id of ids) state.pinned.has(id) ? state.pinned.delete(id) : state.pinned.add(id);
  nodes.update(ids.map((id) => Object.assign(nodeStyle(state.raw.nodes.get(id)), pos[id] || {})));
  afterChange();
}

/** Everything that depends on what is on the chart: legend counts, as-of range, map, timeline. */
export function afterChange() {
  renderLegendCounts();
  updateAsOfRange();
  renderTimeline();
  refreshGeo();
}
