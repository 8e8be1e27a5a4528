/* compoundgraph web UI: search, link chart (vis-network), entity panel, filters, paths, money flows, map,
   timeline and exports. Talks only to the app that served it (relative URLs), so it works air-gapped.

   The chart keeps the API's subgraph JSON (src/compoundgraph/views.py) in `state.raw`; the vis DataSets are
   derived from it with the current styling and filters, so filters and undo never lose data. */
(function () {
  "use strict";
  const $ = (s) => document.querySelector(s);
  const SERVER_LAYOUT = 1000;   // above this many nodes nodes are drawn as dots and edges straight
  const OPEN_LIMIT = 500;       // a new chart (search, ?open=) brings at most this many nodes
  const GUARD_DEFAULT = 40;     // an expansion adding more new nodes than this asks first (settable, remembered)
  const HISTORY = 50;
  const LABEL_MAX = 28;

  const state = {
    ontology: null,
    raw: { nodes: new Map(), edges: new Map() },
    hidden: new Set(),
    pinned: new Set(),
    supernodes: new Map(),
    highlight: new Set(),
    details: new Map(),
    history: [],
    filters: { types: new Set(), rels: new Set(), minR: "", minC: "", asOf: null, keepOrphans: false },
    pathFrom: null,
    lastResults: null,
  };
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const container = $("#chart");
  const network = new vis.Network(container, { nodes, edges }, {
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
  function fitEdgeLabels() {
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
  const map = new window.CGMap.OfflineMap($("#map"), (id) => select([id]), (ids) => select(ids));

  // ---------------------------------------------------------------- API
  function headers(extra) {
    const h = Object.assign({ Accept: "application/json" }, extra || {});
    const key = localStorage.getItem("cg-api-key");
    if (key) { h.Authorization = "Bearer " + key; h["X-API-Key"] = key; }
    return h;
  }
  async function api(path, opts) {
    opts = opts || {};
    const init = { method: opts.method || "GET", headers: headers(opts.body ? { "Content-Type": "application/json" } : null) };
    if (opts.body) init.body = JSON.stringify(opts.body);
    const r = await fetch(path, init);
    if (!r.ok) {
      let detail = r.statusText;
      try { const p = await r.json(); detail = p.detail || p.title || JSON.stringify(p); } catch (e) { /* not JSON */ }
      throw new Error(`${r.status} ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
    }
    return opts.raw ? r : r.json();
  }
  function status(text, isError) {
    const el = $("#status");
    el.textContent = text || "";
    el.classList.toggle("error", !!isError);
  }
  async function guarded(fn) {
    try { return await fn(); } catch (e) { status(e.message, true); console.error(e); setState("settled"); return null; }
  }

  // ---------------------------------------------------------------- grades, dates, filters
  function grade(g) {
    const m = /^([A-F])([1-6])$/.exec(g || "");
    return m ? { r: m[1].charCodeAt(0) - 64, c: +m[2] } : { r: 6, c: 6 };
  }
  function minGrade() {
    const f = state.filters;
    if (!f.minR && !f.minC) return null;
    return (f.minR || "F") + (f.minC || "6");
  }
  function passesGrade(g) {
    const m = minGrade();
    if (!m) return true;
    const a = grade(g), b = grade(m);
    return a.r <= b.r && a.c <= b.c;
  }
  function inForce(e, asOf) {
    if (!asOf) return true;
    return (!e.valid_from || e.valid_from <= asOf) && (!e.valid_to || e.valid_to >= asOf);
  }
  function typeOn(id) {
    const n = state.raw.nodes.get(id);
    return !!n && state.filters.types.has(n.label);
  }
  function baseVisible(id) { return typeOn(id) && !state.hidden.has(id); }
  /** The claim passes the filters (relationship type, grade, date, the types of both ends). */
  function filterPasses(e) {
    const f = state.filters;
    return f.rels.has(e.type) && passesGrade(e.grade) && inForce(e, f.asOf) && typeOn(e.from) && typeOn(e.to);
  }
  function edgePasses(e) { return filterPasses(e) && !state.hidden.has(e.from) && !state.hidden.has(e.to); }
  /* Which entities are shown: their type is on, they are not hidden, and - unless "keep entities without a
     visible claim" is ticked - the filters left them at least one visible claim (an entity that had no claim
     on the chart to begin with stays). Computed once per change, O(nodes + claims). */
  let shownCache = null;
  function invalidate() { shownCache = null; }
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
  function nodeVisible(id) {
    if (!shownCache) shownCache = computeShown();
    return shownCache.has(id);
  }
  function edgeVisible(e) {
    return edgePasses(e) && nodeVisible(e.from) && nodeVisible(e.to);
  }
  function countLine() {
    const n = state.raw.nodes.size, m = state.raw.edges.size;
    let vn = 0, vm = 0;
    for (const id of state.raw.nodes.keys()) if (nodeVisible(id)) vn++;
    for (const e of state.raw.edges.values()) if (edgeVisible(e)) vm++;
    if (vn === n && vm === m) return `${n} entities, ${m} claims on the chart`;
    return `${vn} of ${n} entities, ${vm} of ${m} claims shown (filters)`;
  }
  /** Query parameters that carry the filters to the API (so new data obeys them too). */
  function filterParams() {
    const p = new URLSearchParams();
    const m = minGrade();
    if (m) p.set("min_grade", m);
    if (state.filters.asOf) p.set("as_of", state.filters.asOf);
    return p;
  }
  function typeParams(p) {
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

  // ---------------------------------------------------------------- styling
  function fmtAmount(a) {
    const x = Number(a);
    return Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: 2 }) : String(a);
  }
  /** A label short enough to read on the chart: a long token (a wallet address, a hash) keeps its first five and
      last four characters (TLGa5…CQSq); long titles are cut at a word with an ellipsis. The full value is in
      the tooltip and the entity panel. */
  function shortLabel(text) {
    const t = String(text == null ? "" : text);
    if (t.length <= LABEL_MAX) return t;
    if (!/\s/.test(t)) return t.slice(0, 5) + "…" + t.slice(-4);
    const cut = t.slice(0, LABEL_MAX);
    const sp = cut.lastIndexOf(" ");
    return (sp > LABEL_MAX / 2 ? cut.slice(0, sp) : cut).replace(/[\s,;:.-]+$/, "") + "…";
  }
  function nodeStyle(n) {
    const sn = state.supernodes.get(n.id);
    const pinned = state.pinned.has(n.id);
    return {
      id: n.id,
      label: (pinned ? "📌 " : "") + shortLabel(n.name) + (sn ? ` (${sn}+)` : ""),
      title: `${n.name}\n${n.label} · ${n.id}` + (sn ? `\n${sn} neighbours: expanding asks first` : ""),
      shape: state.raw.nodes.size > SERVER_LAYOUT ? "dot" : "image",
      image: window.CGIcons.node(n.icon, n.colour),
      color: n.colour,
      size: sn ? 24 : state.raw.nodes.size > SERVER_LAYOUT ? 10 : 16,
      fixed: pinned,
      hidden: !nodeVisible(n.id),
      cgLabel: n.label,
    };
  }
  function edgeStyle(e, parallel) {
    const g = grade(e.grade);
    const hl = state.highlight.has(e.id);
    const props = e.properties || {};
    let label = e.type;
    if (e.type === "TRANSFERRED" && props.amount != null) {
      label = `${fmtAmount(props.amount)} ${props.asset || ""}`.trim();
      if (e.traced != null && Number(e.traced) !== Number(props.amount)) label = `${fmtAmount(e.traced)} of ${label}`;
    }
    if (e.contested) label += " ⚠";
    const colour = hl ? "#ff9800" : e.contested ? "#c62828" : "#78909c";
    return {
      id: e.id, from: e.from, to: e.to, label, cgLabel: label,
      title: `${e.type} · grade ${e.grade}` + (e.contested ? " · contested" : "") +
        (e.valid_from || e.valid_to ? `\n${e.valid_from || "…"} – ${e.valid_to || "…"}` : "") +
        `\nsource: ${e.source}` + (e.quote ? `\n“${e.quote}”` : ""),
      dashes: g.c >= 4,
      width: (hl ? 2 : 0) + [3.5, 3, 2.5, 2, 1.5, 1][g.r - 1],
      color: { color: colour, highlight: hl ? "#ff9800" : "#263238", hover: colour },
      smooth: parallel ? { enabled: true, type: parallel % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil(parallel / 2) } : undefined,
      hidden: !edgeVisible(e),
      cgType: e.type, cgGrade: e.grade, cgContested: !!e.contested,
    };
  }
  function styledEdges() {
    const seen = new Map();
    const out = [];
    for (const e of state.raw.edges.values()) {
      const k = [e.from, e.to].sort().join("|");
      const i = seen.get(k) || 0;
      seen.set(k, i + 1);
      out.push(edgeStyle(e, i));
    }
    return out;
  }

  // ---------------------------------------------------------------- chart state, undo
  function snapshot() {
    state.history.push({
      nodes: [...state.raw.nodes.values()], edges: [...state.raw.edges.values()],
      hidden: [...state.hidden], pinned: [...state.pinned], supernodes: [...state.supernodes],
      highlight: [...state.highlight], positions: network.getPositions(),
    });
    if (state.history.length > HISTORY) state.history.shift();
    $("#undo").disabled = false;
  }
  function undo() {
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
  function setState(s) {
    if (s === "settled") fitEdgeLabels();
    container.dataset.state = s;
    if (s === "settled") { window.cg.settledAt = performance.now(); window.cg.settles += 1; performance.mark("cg:settled"); }
  }
  function restyle() {
    invalidate();
    nodes.update([...state.raw.nodes.values()].map(nodeStyle));
    edges.update(styledEdges());
    fitEdgeLabels();
    afterChange();
    if (state.raw.nodes.size) status(countLine());
  }

  /** Merge a subgraph (views.py shape) into the chart and lay it out. */
  async function addSubgraph(sg, opts) {
    opts = opts || {};
    performance.mark("cg:subgraph-received");
    snapshot();
    const before = new Set(state.raw.nodes.keys());
    // what the chart showed before, to restyle only what this subgraph changes (a 2,000-node chart must not
    // send 2,000 updates to vis-network for 500 new nodes)
    const shownBefore = shownCache || computeShown();
    const superBefore = new Map(state.supernodes);
    const contestedBefore = new Set([...state.raw.edges.values()].filter((e) => e.contested).map((e) => e.id));
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
      state.raw.edges.set(e.id, old && old.contested && !e.contested ? Object.assign({}, e, { contested: true }) : e);
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
      edges.update(styledEdges().filter((e) => newEdges.has(e.id) || (e.cgContested && !contestedBefore.has(e.id)) ||
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
    const groups = new Map();
    for (const e of state.raw.edges.values()) {
      const k = `${e.from}|${e.type}|${e.to}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(e);
    }
    for (const g of groups.values()) {
      if (new Set(g.map((e) => e.source)).size > 1) g.forEach((e) => { e.contested = true; });
    }
  }

  /** Place what is new; nothing already on the chart moves (pinned or not). A fresh chart is laid out by the
      server (igraph, compiled: fast for thousands of nodes). New nodes joined to the chart fan out from the
      node they hang from, away from the rest of the chart (a second page of the same node goes on the next
      arc out); new nodes not joined to the chart are laid out on their own and put beside it, never over
      it. Physics stays off: drawing is one pass, and nodes can still be dragged. */
  async function place(fresh, wasEmpty) {
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
  function draw(fit) {
    return new Promise((resolve) => {
      network.once("afterDrawing", () => { setState("settled"); resolve(); });
      if (fit) network.fit({ animation: false });
      network.redraw();
    });
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

  /** New positions for nodes already drawn. Only positions change, so they are written straight to the drawn
      nodes (a DataSet update would restyle each node: seconds for 5,000); everything that reads positions
      (undo, exports, placement) asks the network, not the DataSet. */
  function moveNodes(ids, pos) {
    const body = network.body && network.body.nodes;
    for (const id of ids) {
      const n = body && body[id];
      if (n) { n.x = pos[id].x; n.y = pos[id].y; }
    }
    if (!body) nodes.update(ids.map((id) => ({ id, x: pos[id].x, y: pos[id].y })));
  }
  /** Lay the whole chart (or the selection, when two or more nodes are selected) out again; pinned nodes stay. */
  async function relayout(mode) {
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

  function removeNodes(ids) {
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
  function hideNodes(ids) { snapshot(); ids.forEach((id) => state.hidden.add(id)); restyle(); }
  function togglePin(ids) {
    snapshot();
    const pos = network.getPositions(ids);
    for (const id of ids) state.pinned.has(id) ? state.pinned.delete(id) : state.pinned.add(id);
    nodes.update(ids.map((id) => Object.assign(nodeStyle(state.raw.nodes.get(id)), pos[id] || {})));
    afterChange();
  }

  /** Everything that depends on what is on the chart: legend counts, as-of range, map, timeline. */
  function afterChange() {
    renderLegendCounts();
    updateAsOfRange();
    renderTimeline();
    refreshGeo();
  }

  // ---------------------------------------------------------------- expansion and the supernode guard
  function onChartIds() { return [...state.raw.nodes.keys()]; }
  function neighboursOnChart(id) {
    const out = new Set();
    for (const e of state.raw.edges.values()) {
      if (e.from === id) out.add(e.to);
      if (e.to === id) out.add(e.from);
    }
    return [...out];
  }
  function guardLimit() {
    const v = parseInt(localStorage.getItem("cg-guard") || "", 10);
    return Number.isFinite(v) && v > 0 ? v : GUARD_DEFAULT;
  }
  function setGuardLimit(v) {
    const n = Math.max(1, Math.min(10000, parseInt(v, 10) || GUARD_DEFAULT));
    localStorage.setItem("cg-guard", String(n));
    $("#guard").value = String(n); $("#sn-guard").value = String(n);
    return n;
  }
  /** The request body for /subgraph/ego and /subgraph/ego/counts: the centre, hops and the filters. */
  function egoBody(id, hops) {
    const body = { id, hops };
    const m = minGrade();
    if (m) body.min_grade = m;
    if (state.filters.asOf) body.as_of = state.filters.asOf;
    const p = typeParams(new URLSearchParams());
    if (p.getAll("types").length) body.types = p.getAll("types");
    if (p.getAll("rel_types").length) body.rel_types = p.getAll("rel_types");
    return body;
  }
  /** GET when the URL stays short, POST (same parameters as JSON) for a chart of many ids. */
  function fetchEgo(body) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) (Array.isArray(v) ? v : [v]).forEach((x) => p.append(k, x));
    const q = p.toString();
    return q.length < 3500 ? api("subgraph/ego?" + q) : api("subgraph/ego", { method: "POST", body });
  }
  /** Expand `id` by `hops`: everything up to that distance not on the chart yet, reached through what is on
      it. Unless `confirmed`, the server first counts the new entities; more than the guard (or a supernode)
      opens the selective-expand dialog instead. */
  async function expand(id, opts) {
    opts = opts || {};
    const hops = opts.hops || +$("#hops").value;
    const body = egoBody(id, hops);
    // ids already charted are not returned, but the walk passes through them
    const onChart = state.raw.nodes.has(id);
    body.exclude = onChart ? onChartIds().filter((x) => x !== id) : [];
    if (!opts.confirmed && onChart) {
      status("counting…");
      const c = await api("subgraph/ego/counts", { method: "POST", body });
      if (c.new === 0) { status(await nothingNew(id, hops, c, body)); return []; }
      if (c.new > guardLimit() || (c.supernodes || {})[id]) { askSelective(id, hops, c); return null; }
      body.limit = Math.min(10000, c.new + 1);
    } else {
      body.limit = opts.limit || OPEN_LIMIT;
    }
    if (opts.order) body.order = opts.order;
    if (opts.newTypes) body.new_types = opts.newTypes;
    if (opts.newRels) body.new_rel_types = opts.newRels;
    status("expanding…");
    const sg = await fetchEgo(body);
    if (onChart && !(sg.nodes || []).some((n) => n.id !== id && !state.raw.nodes.has(n.id))) {
      status(await nothingNew(id, hops, null, body));
      return [];
    }
    return addSubgraph(sg, { anchor: onChart ? id : null, expanded: id, focus: opts.focus ? id : null });
  }
  /** Why an expansion brings nothing: all on the chart already, held back by the filters, or a supernode. */
  async function nothingNew(id, hops, counts, body) {
    const name = shortLabel((state.raw.nodes.get(id) || { name: id }).name);
    const c = counts || await api("subgraph/ego/counts", { method: "POST", body });
    const why = [];
    if (c.known) why.push(`all ${c.known} entities within ${hops} hop${hops > 1 ? "s" : ""} are already on the chart`);
    const sn = Object.entries(c.supernodes || {}).filter(([k]) => k !== id);
    if (sn.length) {
      why.push("not expanded through " + sn.map(([k, d]) => `${(state.raw.nodes.get(k) || { name: k }).name} (${d} neighbours, ` +
        `above the server's supernode threshold of ${c.threshold})`).join(", ") + ": expand it on its own");
    }
    if (body.min_grade || body.as_of || body.types || body.rel_types) {
      const bare = { id, hops, exclude: body.exclude };
      const all = await api("subgraph/ego/counts", { method: "POST", body: bare });
      if (all.new > 0) why.push(`${all.new} more are filtered out by grade, date or type`);
    }
    if (!why.length) why.push(`no claims within ${hops} hop${hops > 1 ? "s" : ""}`);
    return `0 new entities around ${name}: ` + why.join("; ");
  }
  function askSelective(id, hops, c) {
    const n = Object.assign({}, state.raw.nodes.get(id));
    n.name = shortLabel(n.name);
    const degree = (c.supernodes || {})[id];
    $("#sn-text").textContent = `Expanding ${n.name} at ${hops} hop${hops > 1 ? "s" : ""} would add ${c.new} new entities` +
      (c.capped ? " or more" : "") + ` (${c.known} already on the chart).` +
      (degree ? ` ${n.name} has ${degree} neighbours (the server's supernode threshold is ${c.threshold}).` : "") +
      " Choose what to add.";
    const boxes = (el, counts, kind) => {
      el.querySelectorAll("label").forEach((x) => x.remove());
      for (const [k, v] of Object.entries(counts)) {
        const l = document.createElement("label");
        l.innerHTML = `<input type="checkbox" checked data-${kind}="${esc(k)}"> ${esc(k)} <span class="badge">${v}</span>`;
        el.appendChild(l);
      }
    };
    boxes($("#sn-types"), c.by_type, "type");
    boxes($("#sn-rels"), c.by_rel, "rel");
    $("#sn-n").value = String(Math.min(guardLimit(), c.new));
    $("#sn-n").max = String(Math.max(1, c.new));
    $("#sn-all").textContent = `Add all ${c.new}`;
    const dlg = $("#supernode");
    dlg.dataset.node = id; dlg.dataset.hops = String(hops); dlg.dataset.total = String(c.new);
    dlg.showModal();
    status(`${n.name}: ${c.new} new entities within ${hops} hop${hops > 1 ? "s" : ""}; choose what to add`);
  }
  $("#supernode").addEventListener("close", () => {
    const dlg = $("#supernode");
    const how = dlg.returnValue;
    if (how !== "add" && how !== "all") { status(""); return; }
    const pick = (sel, attr) => {
      const all = [...dlg.querySelectorAll(sel)];
      const on = all.filter((x) => x.checked).map((x) => x.dataset[attr]);
      return on.length === all.length ? null : on;
    };
    const newTypes = how === "all" ? null : pick("#sn-types input", "type");
    const newRels = how === "all" ? null : pick("#sn-rels input", "rel");
    if ((newTypes && !newTypes.length) || (newRels && !newRels.length)) { status("no type chosen: nothing added", true); return; }
    const total = +dlg.dataset.total;
    const n = how === "all" ? total : Math.max(1, Math.min(10000, +$("#sn-n").value || 10));
    guarded(() => expand(dlg.dataset.node, { confirmed: true, hops: +dlg.dataset.hops, limit: Math.min(10000, n + 1),
      order: $("#sn-order").value, newTypes, newRels }));
  });
  $("#sn-guard").addEventListener("change", () => setGuardLimit($("#sn-guard").value));
  $("#guard").addEventListener("change", () => setGuardLimit($("#guard").value));

  // ---------------------------------------------------------------- search
  let searchTimer = null, searchSeq = 0;
  $("#search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });
  $("#search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { clearTimeout(searchTimer); runSearch(); }
    if (ev.key === "Escape") $("#results").hidden = true;
  });
  async function runSearch() {
    const q = $("#search").value.trim();
    const ul = $("#results");
    if (!q) { ul.hidden = true; return; }
    const seq = ++searchSeq;
    const res = await guarded(() => api("search?" + new URLSearchParams({ q, limit: "20" })));
    if (seq !== searchSeq || !res) return;
    const hits = Array.isArray(res) ? res : res.hits || res.results || res.items || [];
    ul.innerHTML = "";
    if (!hits.length) ul.innerHTML = '<li class="none">no match</li>';
    for (const h of hits) {
      const d = labelDisplay(h.label);
      const li = document.createElement("li");
      li.dataset.id = h.id;
      li.innerHTML = `${window.CGIcons.inline(d.icon, d.colour)}<span class="name"></span><span class="badge"></span><span class="matched"></span>`;
      li.querySelector(".name").textContent = h.name;
      li.querySelector(".badge").textContent = h.label;
      li.querySelector(".matched").textContent = h.matched && h.matched !== h.name ? h.matched : "";
      li.addEventListener("click", () => { ul.hidden = true; openChart(h.id); });
      ul.appendChild(li);
    }
    ul.hidden = false;
  }
  async function openChart(id) {
    await guarded(async () => {
      if (!state.raw.nodes.has(id)) await expand(id, { confirmed: true, focus: true });
      select([id], true);
    });
  }

  // ---------------------------------------------------------------- selection and entity panel
  function select(ids, center) {
    const visible = ids.filter((id) => nodes.get(id));
    network.selectNodes(visible);
    if (center && visible.length) network.focus(visible[0], { scale: Math.max(network.getScale(), 0.8), animation: false });
    map.select(ids);
    markTimeline(ids);
    if (ids.length === 1) guarded(() => showEntity(ids[0]));
  }
  async function entityDetail(id) {
    if (!state.details.has(id)) state.details.set(id, await api("entities/" + encodeURIComponent(id)));
    return state.details.get(id);
  }
  function claimList(d) {
    // accept the store's claim fields (subject/object) and the chart's edge fields (from/to)
    return (d.claims || []).map((c) => Object.assign({}, c, { subject: c.subject || c.from, object: c.object || c.to }));
  }
  function sourceOf(d, c) {
    const s = d.sources || {};
    if (Array.isArray(s)) return s.find((x) => x.id === c.source) || null;
    return s[c.source] || (typeof c.source === "object" ? c.source : null);
  }
  function neighbourName(d, id) {
    const nb = d.neighbours || {};
    const n = Array.isArray(nb) ? nb.find((x) => x.id === id) : nb[id];
    return n ? n.name : (state.raw.nodes.get(id) || {}).name || id;
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  async function showEntity(id, focusClaim) {
    const d = await entityDetail(id);
    const e = d.entity || d;
    const disp = labelDisplay(e.label);
    const claims = claimList(d);
    const contested = new Set();
    const groups = new Map();
    for (const c of claims) {
      const k = `${c.subject}|${c.type}|${c.object}`;
      if (!groups.has(k)) groups.set(k, new Set());
      groups.get(k).add(c.source);
    }
    for (const c of claims) if (groups.get(`${c.subject}|${c.type}|${c.object}`).size > 1) contested.add(c.id);
    const props = Object.assign({}, e.properties || {});
    const rows = [];
    if ((e.aliases || []).length) rows.push(["aliases", e.aliases.join("; ")]);
    if ((e.identifiers || []).length) rows.push(["identifiers", e.identifiers.join("; ")]);
    for (const [k, v] of Object.entries(props)) rows.push([k, Array.isArray(v) ? v.join("; ") : typeof v === "object" ? JSON.stringify(v) : v]);
    if (e.first_seen || e.last_seen) rows.push(["reported", `${e.first_seen || "…"} – ${e.last_seen || "…"}`]);
    const approx = (map.markers || []).find((m) => m.id === e.id && m.approx);
    if (approx) rows.push(["on the map", `approximate: ${approx.lat}, ${approx.lon}, where ${approx.via} is (LOCATED_IN)`]);
    const panel = $("#panel");
    panel.innerHTML = `
      <h1>${window.CGIcons.inline(disp.icon, disp.colour, 22)}<span></span></h1>
      <div class="meta"><span class="badge"></span> <code class="eid"></code></div>
      <div class="actions">
        <button data-act="expand">Expand</button><button data-act="pin">Pin</button><button data-act="hide">Hide</button>
        <button data-act="remove">Remove</button><button data-act="path-from">Path from here</button>
        ${e.label === "Wallet" ? '<button data-act="trace">Trace flow</button>' : ""}
      </div>
      <dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd><span class="value">${esc(v)}</span>${String(v).length > LABEL_MAX / 2 ?
        ` <button class="small copy" title="copy the full value" data-copy="${esc(v)}">copy</button>` : ""}</dd>`).join("")}</dl>
      <h2>Claims (${claims.length})</h2><div class="claims"></div>`;
    panel.querySelector("h1 span").textContent = e.name;
    panel.querySelector(".badge").textContent = e.label;
    panel.querySelector(".eid").textContent = e.id;
    panel.querySelectorAll(".actions button").forEach((b) => b.addEventListener("click", () => act(b.dataset.act, [e.id])));
    panel.querySelectorAll("button.copy").forEach((b) => b.addEventListener("click", () => copyText(b.dataset.copy, b)));
    const list = panel.querySelector(".claims");
    for (const c of claims) {
      const out = c.subject === e.id;
      const other = out ? c.object : c.subject;
      const src = sourceOf(d, c);
      const g = grade(c.grade);
      const el = document.createElement("details");
      el.className = "claim" + (contested.has(c.id) ? " contested" : "");
      el.dataset.claim = c.id;
      const props2 = c.properties || {};
      const amount = c.type === "TRANSFERRED" && props2.amount != null ? ` ${fmtAmount(props2.amount)} ${props2.asset || ""}` : "";
      el.innerHTML = `<summary>${out ? "→" : "←"} <b>${esc(c.type)}</b> <a href="#" class="other">${esc(neighbourName(d, other))}</a>${esc(amount)}
          <span class="grade ${g.c >= 4 ? "low" : ""}" title="reliability ${esc(c.grade[0])}, credibility ${esc(c.grade[1])}">${esc(c.grade)}</span>
          ${contested.has(c.id) ? '<span class="badge contested">contested</span>' : ""}
          ${passesGrade(c.grade) && inForce(c, state.filters.asOf) ? "" : '<span class="badge">filtered out</span>'}</summary>
        <div class="when">${c.valid_from || c.valid_to ? `valid ${esc(c.valid_from || "…")} – ${esc(c.valid_to || "…")}` : "no validity dates"}
          ${c.first_seen ? ` · reported ${esc(c.first_seen)}${c.last_seen && c.last_seen !== c.first_seen ? " – " + esc(c.last_seen) : ""}` : ""}
          · handling ${esc(c.handling || "")}</div>
        ${c.quote ? `<blockquote>${esc(c.quote)}</blockquote>` : ""}
        ${Object.keys(props2).length ? `<dl>${Object.entries(props2).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>` : ""}
        <div class="source">Source: ${src ? `${src.url ? `<a href="${esc(src.url)}" target="_blank" rel="noopener noreferrer" class="source-link">${esc(src.title || src.id)}</a>` : `<b class="source-title">${esc(src.title || src.id)}</b>`}
          — ${esc(src.publisher || "")} ${src.published ? "(" + esc(src.published) + ")" : ""} · ${esc(src.kind || "")}
          · reliability ${esc(src.reliability || "?")} · handling ${esc(src.handling || "")}` : esc(c.source)}
          <br><code>${esc(c.source)}</code> · claim <code>${esc(c.id)}</code></div>`;
      el.querySelector(".other").addEventListener("click", (ev) => {
        ev.preventDefault();
        guarded(async () => {
          if (!state.raw.nodes.has(other)) await expand(e.id, { confirmed: true, hops: 1 });
          select([other], true);
        });
      });
      list.appendChild(el);
      if (focusClaim === c.id) { el.open = true; el.classList.add("open-focus"); el.scrollIntoView({ block: "nearest" }); }
    }
  }

  function copyText(text, button) {
    const done = () => { button.textContent = "copied"; setTimeout(() => { button.textContent = "copy"; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done)); }
    else fallbackCopy(text, done);
  }
  function fallbackCopy(text, done) {
    const t = document.createElement("textarea");
    t.value = text; document.body.appendChild(t); t.select();
    try { document.execCommand("copy"); } catch (e) { /* the value stays selectable in the panel */ }
    t.remove(); done();
  }

  // ---------------------------------------------------------------- actions (panel, context menu, keys)
  function act(what, ids) {
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

  // ---------------------------------------------------------------- paths and money flows
  $("#paths").addEventListener("click", () => guarded(findPaths));
  async function findPaths() {
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
  async function trace(id) {
    const n = id && state.raw.nodes.get(id);
    if (!n || n.label !== "Wallet") { status("select a wallet to trace its money flow", true); return; }
    status("tracing…");
    const body = { wallets: [id], direction: $("#trace-dir").value, max_hops: 6 };
    const m = minGrade();
    if (m) body.min_grade = m;
    if (state.filters.asOf) body.as_of = state.filters.asOf;
    const res = await api("flows/trace", { method: "POST", body });
    const sg = res.subgraph || res;
    // the share of each transfer that carried traced funds goes on the edge label
    const traced = new Map((res.flows || []).map((f) => [f.claim, f.traced]));
    for (const e of sg.edges || []) if (traced.has(e.id)) e.traced = traced.get(e.id);
    await addSubgraph(sg, { highlight: (sg.edges || []).filter((e) => e.type === "TRANSFERRED").map((e) => e.id), anchor: id });
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
    renderResults(`<h3>Money flow ${esc(body.direction)} from ${esc(n.name)} (${esc(res.method || "")})</h3>
      ${headline}${listedRows ? `<ul class="listed-wallets">${listedRows}</ul>` : ""}
      <p>${(res.flows || []).length} transfers drawn on the chart with amounts${tracedTotals ? "; traced " + tracedTotals : ""}.</p>
      <table class="endpoints"><tr><th>end point</th><th>amount</th><th>asset</th><th>hops</th><th>why it stops</th><th>tags</th><th>held by</th><th>listed</th></tr>
      ${ends.map((r) => `<tr${r.listed ? ' class="listed"' : ""}><td>${name(r.wallet)}</td><td>${esc(fmtAmount(r.amount))}</td><td>${esc(r.asset || "")}</td>
        <td>${esc(r.hops)}</td><td>${esc((r.reasons || []).join(", "))}</td><td>${esc((r.tags || []).join(", "))}</td>
        <td>${(r.holders || []).map((h) => name(h.id)).join(", ")}</td><td>${r.listed ? "LISTED" : ""}</td></tr>`).join("")}</table>`);
    document.querySelectorAll("#results-tab .goto").forEach((a) => a.addEventListener("click", (ev) => { ev.preventDefault(); select([a.dataset.id], true); }));
    showTab("results-tab");
  }
  function renderResults(html) { $("#results-tab").innerHTML = html; }

  // ---------------------------------------------------------------- filters and legend
  function labelDisplay(label) {
    const l = state.ontology && state.ontology.labels[label];
    return l || { colour: "#999", icon: "circle", description: "" };
  }
  function renderLegend() {
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
  function renderLegendCounts() {
    const counts = {};
    for (const n of state.raw.nodes.values()) counts[n.label] = (counts[n.label] || 0) + 1;
    document.querySelectorAll("#legend li").forEach((li) => {
      li.querySelector(".count").textContent = counts[li.querySelector("input").dataset.type] || "";
    });
  }
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
  function updateAsOfRange() {
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
  function sliderValue(day) {
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

  // ---------------------------------------------------------------- map and timeline
  let geoSeq = 0;
  function geoLabels() {
    const ont = state.ontology;
    return new Set(Object.entries(ont.labels).filter(([, d]) => d.properties && "lat" in d.properties && "lon" in d.properties).map(([k]) => k));
  }
  function dateLabels() {
    const ont = state.ontology;
    return new Set(Object.entries(ont.labels).filter(([, d]) => Object.values(d.properties || {}).includes("date")).map(([k]) => k));
  }
  async function refreshGeo() {
    if (!state.ontology) return;
    const seq = ++geoSeq;
    const want = new Set([...geoLabels(), ...dateLabels()]);
    const todo = [...state.raw.nodes.values()].filter((n) => want.has(n.label) && !state.details.has(n.id)).slice(0, 200);
    for (let i = 0; i < todo.length; i += 8) {
      await Promise.all(todo.slice(i, i + 8).map((n) => entityDetail(n.id).catch(() => null)));
      if (seq !== geoSeq) return;
    }
    const markers = [];
    const coords = (id) => {
      const d = state.details.get(id);
      const p = d && (d.entity || d).properties;
      return p && typeof p.lat === "number" && typeof p.lon === "number" ? p : null;
    };
    // an entity without coordinates goes, approximately, where the Location it is LOCATED_IN is
    const locatedIn = new Map();
    for (const e of state.raw.edges.values()) {
      if (e.type === "LOCATED_IN" && edgeVisible(e) && coords(e.to) && !locatedIn.has(e.from)) locatedIn.set(e.from, e.to);
    }
    for (const n of state.raw.nodes.values()) {
      if (!nodeVisible(n.id)) continue;
      const p = coords(n.id);
      if (p) { markers.push({ id: n.id, name: n.name, label: n.label, lat: p.lat, lon: p.lon, colour: n.colour }); continue; }
      const loc = locatedIn.get(n.id);
      if (loc) {
        const q = coords(loc);
        markers.push({ id: n.id, name: n.name, label: n.label, lat: q.lat, lon: q.lon, colour: n.colour, approx: true,
          via: (state.raw.nodes.get(loc) || { name: loc }).name });
      }
    }
    map.setMarkers(markers);
    map.select(network.getSelectedNodes());
    renderTimeline();
  }
  function timelineItems() {
    const items = [];
    for (const e of state.raw.edges.values()) {
      if (!edgeVisible(e)) continue;
      const ts = (e.properties || {}).timestamp;
      const start = e.valid_from || (ts && String(ts).slice(0, 10));
      if (!start && !e.valid_to) continue;
      const a = state.raw.nodes.get(e.from), b = state.raw.nodes.get(e.to);
      items.push({ kind: "claim", id: e.id, nodes: [e.from, e.to], start: start || e.valid_to, end: e.valid_to, contested: !!e.contested,
        text: `${shortLabel(a ? a.name : e.from)} ${e.type} ${shortLabel(b ? b.name : e.to)}`, colour: "#78909c" });
    }
    const dl = state.ontology ? dateLabels() : new Set();
    for (const n of state.raw.nodes.values()) {
      if (!dl.has(n.label) || !nodeVisible(n.id)) continue;
      const d = state.details.get(n.id);
      const props = d ? (d.entity || d).properties || {} : {};
      const types = state.ontology.labels[n.label].properties || {};
      for (const [k, t] of Object.entries(types)) {
        if (t === "date" && props[k]) items.push({ kind: "entity", id: n.id, nodes: [n.id], start: String(props[k]).slice(0, 10), text: `${n.name}: ${k}`, colour: n.colour });
      }
    }
    return items.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  }
  /* The timeline: vis-timeline (vendored), one track per entity type, claims by their validity (a range
     when it has an end) and entities by their dates; the as-of date is an orange line; wheel zooms, drag
     moves; "Select the period shown" selects on the chart what the visible period holds. */
  let timeline = null;
  let tlInfo = new Map();    // item id -> {kind, id, nodes}
  function timelineOn() { return $("#timeline").classList.contains("on"); }
  function renderTimeline() {
    if (!timelineOn()) return;   // drawn when its tab is shown
    const items = timelineItems().slice(0, 2000);
    tlInfo = new Map();
    const groups = new Map();
    const data = items.map((it, i) => {
      const key = `${it.kind === "claim" ? "c" : "n"}:${it.id}:${i}`;
      tlInfo.set(key, it);
      const n = state.raw.nodes.get(it.nodes[0]);
      const group = n ? n.label : "other";
      groups.set(group, n ? n.colour : "#999");
      const range = it.end && it.end > it.start;
      return { id: key, group, start: it.start, end: range ? it.end : undefined, type: range ? "range" : "point",
        content: `${esc(it.start)} ${esc(it.text)}`, title: esc(`${it.text} ${it.start}${it.end ? " – " + it.end : ""}`),
        className: it.kind + (it.contested ? " contested" : "") };
    });
    $("#tl-count").textContent = items.length ? `${items.length} dated items` : "no dated events or claims on the chart";
    const gs = [...groups.entries()].map(([g, colour]) => ({ id: g, content: `<span style="color:${esc(colour)}">●</span> ${esc(g)}` }));
    if (!timeline) {
      timeline = new vis.Timeline($("#timeline-chart"), data, gs, {
        stack: true, zoomable: true, moveable: true, multiselect: true, selectable: true, height: "100%",
        orientation: "top", showCurrentTime: false, groupOrder: "id", margin: { item: 2 }, zoomMin: 86400e3 * 7,
        tooltip: { followMouse: true } });
      timeline.on("select", (p) => {
        const its = p.items.map((k) => tlInfo.get(k)).filter(Boolean);
        if (!its.length) return;
        if (its.length === 1 && its[0].kind === "claim") {
          network.selectEdges([its[0].id]); guarded(() => showEntity(its[0].nodes[0], its[0].id));
        } else select([...new Set(its.flatMap((x) => x.nodes))], its.length === 1);
      });
      timeline.fit({ animation: false });
    } else {
      timeline.setGroups(gs);
      timeline.setItems(data);
    }
    const asOf = state.filters.asOf;
    try { timeline.removeCustomTime("asof"); } catch (e) { /* no line yet */ }
    if (asOf) { timeline.addCustomTime(asOf, "asof"); timeline.setCustomTimeMarker("as of " + asOf, "asof"); }
    markTimeline(network.getSelectedNodes());
  }
  $("#tl-fit").addEventListener("click", () => { if (timeline) timeline.fit(); });
  $("#tl-brush").addEventListener("click", () => {
    if (!timeline) return;
    const w = timeline.getWindow();
    const lo = w.start.toISOString().slice(0, 10), hi = w.end.toISOString().slice(0, 10);
    const inView = [...tlInfo.entries()].filter(([, it]) => it.start <= hi && (it.end || it.start) >= lo);
    const ids = [...new Set(inView.flatMap(([, it]) => it.nodes))];
    const claims = inView.filter(([, it]) => it.kind === "claim").map(([, it]) => it.id);
    network.setSelection({ nodes: ids.filter((id) => nodes.get(id)), edges: claims.filter((id) => edges.get(id)) }, { highlightEdges: false });
    map.select(ids);
    timeline.setSelection(inView.map(([k]) => k));
    status(`${ids.length} entities and ${claims.length} claims from ${lo} to ${hi} selected`);
  });
  function markTimeline(ids) {
    if (!timeline) return;
    const set = new Set(ids);
    timeline.setSelection([...tlInfo.entries()].filter(([, it]) => it.nodes.some((n) => set.has(n))).map(([k]) => k));
  }
  function showTab(name) {
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("on", b.dataset.tab === name));
    document.querySelectorAll("#bottom .tab").forEach((t) => t.classList.toggle("on", t.id === name));
    if (name === "map") map.render();
    if (name === "timeline") { renderTimeline(); if (timeline) timeline.redraw(); }
  }
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));

  // ---------------------------------------------------------------- exports
  function download(href, name) {
    const a = document.createElement("a");
    a.href = href; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }
  function visibleSubgraph() {
    const pos = network.getPositions();
    return {
      center: null,
      nodes: [...state.raw.nodes.values()].filter((n) => nodeVisible(n.id)).map((n) => Object.assign({}, n, pos[n.id] || {})),
      edges: [...state.raw.edges.values()].filter(edgeVisible),
      supernodes: {}, truncated: false,
    };
  }
  $("#export-png").addEventListener("click", () => {
    const src = container.querySelector("canvas");
    const c = document.createElement("canvas");
    c.width = src.width; c.height = src.height;
    const ctx = c.getContext("2d");
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(src, 0, 0);
    download(c.toDataURL("image/png"), "compoundgraph-chart.png");
  });
  $("#export-html").addEventListener("click", () => guarded(async () => {
    const r = await api("ui/standalone", { method: "POST", body: visibleSubgraph(), raw: true });
    download(URL.createObjectURL(await r.blob()), "compoundgraph-chart.html");
  }));
  $("#export-fmt").addEventListener("change", () => guarded(async () => {
    const fmt = $("#export-fmt").value;
    $("#export-fmt").value = "";
    if (!fmt) return;
    const p = new URLSearchParams();
    visibleSubgraph().nodes.forEach((n) => p.append("ids", n.id));
    const r = await api(`exports/${encodeURIComponent(fmt)}?` + p.toString(), { raw: true });
    const cd = r.headers.get("Content-Disposition") || "";
    const m = /filename="?([^";]+)"?/.exec(cd);
    download(URL.createObjectURL(await r.blob()), m ? m[1] : `compoundgraph.${fmt}`);
  }));

  // ---------------------------------------------------------------- start
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
    addSubgraph, sliderValue, relayout, shortLabel, countLine, fitEdgeLabels, timeline: () => timeline, settles: 0, settledAt: null, ready: false };
  init();
})();
