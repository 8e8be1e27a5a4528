/* The vis-network chart: its DataSets and options, edge-label fitting, the settled/busy state the tests
   wait on, drawing, and moving drawn nodes. `vis` is the global that the vendored vis-network script
   (a classic script loaded before the modules) defines. */
import { $ } from "./util.js";

export const nodes = new vis.DataSet();
export const edges = new vis.DataSet();
export const container = $("#chart");
export const network = new vis.Network(container, { nodes, edges }, {
  autoResize: true,
  interaction: { hover: true, multiselect: true, navigationButtons: false, tooltipDelay: 200, hideEdgesOnDrag: true },
  physics: { enabled: false },
  nodes: { shape: "image", size: 16, font: { size: 12, strokeWidth: 3, strokeColor: "#fff" } },
  edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, font: { size: 10, align: "middle", strokeWidth: 3 },
    smooth: { enabled: true, type: "continuous" }, selectionWidth: 2 },
});
// An edge shows its label only where the label fits between the two nodes' icons and the arrowhead; a
// shorter edge keeps it in its tooltip and the panel (drawn over the arrowhead or an icon it would be
// unreadable). Checked whenever the chart settles or a node is dragged.
const NODE_CLEARANCE = 16 + 12 + 4;  // icon radius, arrowhead, margin (canvas units)
const labelWidths = new Map();
const measure = document.createElement("canvas").getContext("2d");
function labelWidth(text) {
  let w = labelWidths.get(text);
  if (w === undefined) { measure.font = "10px arial"; w = measure.measureText(text).width; labelWidths.set(text, w); }
  return w;
}
export function fitEdgeLabels() {
  const pos = network.getPositions();
  const changes = [];
  for (const e of edges.get()) {
    const full = e.cgLabel || "";
    const a = pos[e.from], b = pos[e.to];
    if (!full || !a || !b) continue;
    const fits = Math.hypot(b.x - a.x, b.y - a.y) >= labelWidth(full) + 2 * NODE_CLEARANCE;
    const want = fits ? full : " ";  // vis-network keeps the old text when a label is set empty
    if ((e.label || "") !== want) changes.push({ id: e.id, label: want });
  }
  if (changes.length) edges.update(changes);
}
export function setState(s) {
  if (s === "settled") fitEdgeLabels();
  container.dataset.state = s;
  if (s === "settled") { window.cg.settledAt = performance.now(); window.cg.settles += 1; performance.mark("cg:settled"); }
}
export function draw(fit) {
  return new Promise((resolve) => {
    network.once("afterDrawing", () => { setState("settled"); resolve(); });
    if (fit) network.fit({ animation: false });
    network.redraw();
  });
}
/** New positions for nodes already drawn. Only positions change, so they are written straight to the drawn
    nodes (a DataSet update would restyle each node: seconds for 5,000); everything that reads positions
    (undo, exports, placement) asks the network, not the DataSet. */
export function moveNodes(ids, pos) {
  const body = network.body && network.body.nodes;
  for (const id of ids) {
    const n = body && body[id];
    if (n) { n.x = pos[id].x; n.y = pos[id].y; }
  }
  if (!body) nodes.update(ids.map((id) => ({ id, x: pos[id].x, y: pos[id].y })));
}
