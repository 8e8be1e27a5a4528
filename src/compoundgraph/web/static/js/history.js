/* Undo: a snapshot of the chart before each change (at most HISTORY of them). */
import { $, HISTORY } from "./util.js";
import { state } from "./state.js";
import { edges, network, nodes, setState } from "./chart.js";
import { invalidate } from "./filters.js";
import { afterChange } from "./graph.js";
import { nodeStyle, styledEdges } from "./style.js";

export function snapshot() {
  state.history.push({
    nodes: [...state.raw.nodes.values()], edges: [...state.raw.edges.values()],
    hidden: [...state.hidden], pinned: [...state.pinned], supernodes: [...state.supernodes],
    highlight: [...state.highlight], positions: network.getPositions(),
  });
  if (state.history.length > HISTORY) state.history.shift();
  $("#undo").disabled = false;
}
export function undo() {
  const s = state.history.pop();
  $("#undo").disabled = !state.history.length;
  if (!s) return;
  state.raw.nodes = new Map(s.nodes.map((n) => [n.id, n]));
  state.raw.edges = new Map(s.edges.map((e) => [e.id, e]));
  state.hidden = new Set(s.hidden); state.pinned = new Set(s.pinned);
  state.supernodes = new Map(s.supernodes); state.highlight = new Set(s.highlight);
  invalidate();
  nodes.clear(); edges.clear();
  nodes.add([...state.raw.nodes.values()].map((n) => Object.assign(nodeStyle(n), s.positions[n.id] || {})));
  edges.add(styledEdges());
  afterChange();
  setState("settled");
}
