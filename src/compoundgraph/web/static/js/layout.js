/* Placement and layout: the server lays out a new chart; new nodes fan out from what they hang from; Lay out
   re-lays the chart or the selection with pinned nodes kept. */
import { $, SERVER_LAYOUT } from "./util.js";
import { state } from "./state.js";
import { draw, moveNodes, network, setState } from "./chart.js";
import { api, guarded, status } from "./api.js";
import { snapshot } from "./history.js";

/** Place what is new; nothing already on the chart moves (pinned or not). A fresh chart is laid out by the
    server (igraph, compiled: fast for thousands of nodes). New nodes joined to the chart fan out from the
    node they hang from, away from the rest of the chart (a second page of the same node goes on the next
    arc out); new nodes not joined to the chart are laid out on their own and put beside it, never over
    it. Physics stays off: drawing is one pass, and nodes can still be dragged. */
export async function place(fresh, wasEmpty) {
  const big = state.raw.nodes.size > SERVER_LAYOUT;
  network.setOptions({ edges: { smooth: big ? { enabled: false } : { enabled: true, type: "continuous" } } });
  if (!fresh.length) return {};
  if (wasEmpty) return serverLayout(fresh, null);
  return placeNew(fresh);
}
async function serverLayout(ids, mode, fixed) {
  const inside = new Set(ids);
  const res = await api("ui/layout", { method: "POST", body: {
    nodes: ids, mode,
    edges: [...state.raw.edges.values()].filter((e) => inside.has(e.from) && inside.has(e.to)).map((e) => [e.from, e.to]),
    groups: mode === "circular" ? Object.fromEntries(ids.map((id) => [id, state.raw.nodes.get(id).label])) : {},
    fixed: fixed || {} } });
  performance.mark("cg:layout-received");
  const out = {};
  for (const id of ids) out[id] = { x: res.positions[id][0], y: res.positions[id][1] };
  return out;
}
function adjacency() {
  const adj = new Map();
  const link = (a, b) => { if (!adj.has(a)) adj.set(a, []); adj.get(a).push(b); };
  for (const e of state.raw.edges.values()) { link(e.from, e.to); link(e.to, e.from); }
  return adj;
}
function bounds(pos) {
  const ps = Object.values(pos);
  if (!ps.length) return null;
  const b = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
  for (const p of ps) { b.x0 = Math.min(b.x0, p.x); b.x1 = Math.max(b.x1, p.x); b.y0 = Math.min(b.y0, p.y); b.y1 = Math.max(b.y1, p.y); }
  return b;
}
async function placeNew(fresh) {
  const isNew = new Set(fresh);
  const known = network.getPositions([...state.raw.nodes.keys()].filter((id) => !isNew.has(id)));
  const box = bounds(known) || { x0: 0, x1: 0, y0: 0, y1: 0 };
  const centre = { x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2 };
  const adj = adjacency();
  const at = Object.assign({}, known);       // every placed position, old and new
  const dir = {};                            // the outward direction a placed node was put in
  const out = {};
  let todo = fresh.filter((id) => !at[id]);
  // ring by ring: nodes next to something placed fan out from it
  for (;;) {
    const groups = new Map();
    const rest = [];
    for (const id of todo) {
      const anchor = (adj.get(id) || []).filter((x) => at[x]).sort()[0];
      if (anchor === undefined) { rest.push(id); continue; }
      if (!groups.has(anchor)) groups.set(anchor, []);
      groups.get(anchor).push(id);
    }
    if (!groups.size) { todo = rest; break; }
    for (const [anchor, ids] of groups) fan(anchor, ids.sort(), at, dir, adj, centre, out, isNew);
    todo = rest;
  }
  if (todo.length) {
    // not joined to the chart: its own layout, beside the chart on the right
    const own = await serverLayout(todo, todo.length > 1 ? "organic" : null);
    const b = bounds(own);
    const dx = box.x1 + 250 - b.x0, dy = centre.y - (b.y0 + b.y1) / 2;
    for (const id of todo) out[id] = { x: own[id].x + dx, y: own[id].y + dy };
  }
  return out;
}
function fan(anchor, ids, at, dir, adj, centre, out, isNew) {
  const a = at[anchor];
  let away = dir[anchor];
  if (away === undefined) away = Math.hypot(a.x - centre.x, a.y - centre.y) < 1 ? 0 : Math.atan2(a.y - centre.y, a.x - centre.x);
  // start beyond the anchor's neighbours already charted on that side (an earlier page, or the way we came)
  let r0 = 150;
  for (const x of adj.get(anchor) || []) {
    const p = at[x];
    if (!p || (isNew.has(x) && out[x] === undefined)) continue;
    const d = Math.hypot(p.x - a.x, p.y - a.y);
    const ang = Math.atan2(p.y - a.y, p.x - a.x);
    if (Math.cos(ang - away) > 0.2 && d + 80 > r0) r0 = d + 80;
  }
  const spread = ids.length <= 6 ? Math.PI * 0.9 : Math.PI * 1.5;
  let i = 0, r = r0;
  while (i < ids.length) {
    const cap = Math.max(1, Math.floor(spread * r / 55));
    const k = Math.min(cap, ids.length - i);
    for (let j = 0; j < k; j++, i++) {
      const ang = away - spread / 2 + spread * (j + 0.5) / k;
      const p = { x: a.x + r * Math.cos(ang), y: a.y + r * Math.sin(ang) };
      out[ids[i]] = p; at[ids[i]] = p; dir[ids[i]] = ang;
    }
    r += 90;
  }
}

/** Lay the whole chart (or the selection, when two or more nodes are selected) out again; pinned nodes stay. */
export async function relayout(mode) {
  const sel = network.getSelectedNodes().filter((id) => state.raw.nodes.has(id));
  const scope = sel.length > 1 ? sel : [...state.raw.nodes.keys()];
  if (!scope.length) { status("nothing to lay out", true); return; }
  snapshot();
  setState("busy");
  const cur = network.getPositions(scope);
  const fixed = {};
  for (const id of scope) if (state.pinned.has(id) && cur[id]) fixed[id] = [cur[id].x, cur[id].y];
  const pos = await serverLayout(scope, mode, fixed);
  if (sel.length > 1 && !Object.keys(fixed).length) {
    // a selection is laid out where it was
    const b0 = bounds(cur), b1 = bounds(pos);
    const dx = (b0.x0 + b0.x1 - b1.x0 - b1.x1) / 2, dy = (b0.y0 + b0.y1 - b1.y0 - b1.y1) / 2;
    for (const id of scope) pos[id] = { x: pos[id].x + dx, y: pos[id].y + dy };
  }
  // pinned nodes are not touched at all (the layout kept room for them where they are)
  moveNodes(scope.filter((id) => !fixed[id]), pos);
  await draw(sel.length <= 1);
  status(`laid out ${scope.length} entities (${mode}${sel.length > 1 ? ", selection" : ""})` +
    (Object.keys(fixed).length ? `; ${Object.keys(fixed).length} pinned kept` : ""));
}
$("#relayout").addEventListener("click", () => guarded(() => relayout($("#layout-mode").value)));
