/* compoundgraph web UI: search, link chart (vis-network), entity panel, filters, paths, money flows, map,
   timeline and exports. Talks only to the app that served it (relative URLs), so it works air-gapped.

   The chart keeps the API's subgraph JSON (src/compoundgraph/views.py) in `state.raw`; the vis DataSets are
   derived from it with the current styling and filters, so filters and undo never lose data. */
(function () {
  "use strict";
  const $ = (s) => document.querySelector(s);
  const SERVER_LAYOUT = 1000;   // above this many nodes every change re-lays the whole chart out on the server
  const PROBE_LIMIT = 201;      // an expansion fetches at most this many nodes before asking
  const HISTORY = 50;

  const state = {
    ontology: null,
    raw: { nodes: new Map(), edges: new Map() },
    hidden: new Set(),
    pinned: new Set(),
    supernodes: new Map(),
    highlight: new Set(),
    details: new Map(),
    history: [],
    filters: { types: new Set(), rels: new Set(), minR: "", minC: "", asOf: null },
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
  const map = new window.CGMap.OfflineMap($("#map"), (id) => select([id]));

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
  function edgeVisible(e) {
    const f = state.filters;
    return f.rels.has(e.type) && passesGrade(e.grade) && inForce(e, f.asOf) &&
      nodeVisible(e.from) && nodeVisible(e.to);
  }
  function nodeVisible(id) {
    const n = state.raw.nodes.get(id);
    return !!n && !state.hidden.has(id) && state.filters.types.has(n.label);
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
  function nodeStyle(n) {
    const sn = state.supernodes.get(n.id);
    const pinned = state.pinned.has(n.id);
    return {
      id: n.id,
      label: (pinned ? "📌 " : "") + n.name + (sn ? ` (${sn}+)` : ""),
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
      id: e.id, from: e.from, to: e.to, label,
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
    nodes.clear(); edges.clear();
    nodes.add([...state.raw.nodes.values()].map((n) => Object.assign(nodeStyle(n), s.positions[n.id] || {})));
    edges.add(styledEdges());
    afterChange();
    setState("settled");
  }
  function setState(s) {
    container.dataset.state = s;
    if (s === "settled") { window.cg.settledAt = performance.now(); window.cg.settles += 1; performance.mark("cg:settled"); }
  }
  function restyle() {
    nodes.update([...state.raw.nodes.values()].map(nodeStyle));
    edges.update(styledEdges());
    afterChange();
  }

  /** Merge a subgraph (views.py shape) into the chart and lay it out. */
  async function addSubgraph(sg, opts) {
    opts = opts || {};
    performance.mark("cg:subgraph-received");
    snapshot();
    const before = new Set(state.raw.nodes.keys());
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
    setState("busy");
    // positions first, then one DataSet update: vis-network does its per-node work once, already in place
    const pos = await place(fresh, before.size === 0);
    performance.mark("cg:placed");
    nodes.update([...state.raw.nodes.values()].map((n) => Object.assign(nodeStyle(n), pos[n.id] || {})));
    edges.update(styledEdges());
    performance.mark("cg:styled");
    await draw(fresh.length > 0 && (before.size === 0 || state.raw.nodes.size > SERVER_LAYOUT));
    afterChange();
    if (opts.focus) select([opts.focus], true);
    status(`${state.raw.nodes.size} nodes, ${state.raw.edges.size} claims on the chart` + (sg.truncated ? " (result truncated)" : ""));
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

  /** Place what is new. A fresh chart, or one above SERVER_LAYOUT nodes, is laid out by the server (igraph,
      compiled: fast for thousands of nodes); new neighbours on a small chart go on rings around the node
      they hang from, so what the investigator already arranged stays put. Physics stays off: drawing is one
      pass, and nodes can still be dragged. */
  async function place(fresh, wasEmpty) {
    const n = state.raw.nodes.size;
    const big = n > SERVER_LAYOUT;
    if (!fresh.length && !big) return {};
    network.setOptions({ edges: { smooth: big ? { enabled: false } : { enabled: true, type: "continuous" } } });
    if (!wasEmpty && !big) return ringPositions(fresh);
    const ids = [...state.raw.nodes.keys()];
    const pinned = network.getPositions([...state.pinned]);
    const res = await api("ui/layout", { method: "POST", body: {
      nodes: ids, edges: [...state.raw.edges.values()].map((e) => [e.from, e.to]),
      fixed: Object.fromEntries(Object.entries(pinned).map(([k, v]) => [k, [v.x, v.y]])) } });
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
  function ringPositions(fresh) {
    const isNew = new Set(fresh);
    const known = network.getPositions([...state.raw.nodes.keys()].filter((id) => !isNew.has(id)));
    const xs = Object.values(known);
    const centre = xs.length ? { x: xs.reduce((a, p) => a + p.x, 0) / xs.length, y: xs.reduce((a, p) => a + p.y, 0) / xs.length } : { x: 0, y: 0 };
    const groups = new Map();
    for (const id of fresh) {
      let anchor = null;
      for (const e of state.raw.edges.values()) {
        const other = e.from === id ? e.to : e.to === id ? e.from : null;
        if (other && known[other]) { anchor = other; break; }
      }
      if (!groups.has(anchor)) groups.set(anchor, []);
      groups.get(anchor).push(id);
    }
    const out = {};
    for (const [anchor, ids] of groups) {
      const a = anchor ? known[anchor] : centre;
      // open the ring away from the rest of the chart; later pages of the same node take the next slots
      const away = Math.atan2(a.y - centre.y, a.x - centre.x) || 0;
      const per = 16, step = 2 * Math.PI / per;
      const slotAngle = (j) => step * ((j % per) + 0.5 + (Math.floor(j / per) % 2) * 0.5);
      // slots already used by neighbours on the chart (an earlier page, or the node we came from)
      const occupied = new Set();
      for (const x of anchor ? neighboursOnChart(anchor) : []) {
        const p = known[x];
        if (!p) continue;
        const ring = Math.max(0, Math.round((Math.hypot(p.x - a.x, p.y - a.y) - 140) / 90));
        const ang = (Math.atan2(p.y - a.y, p.x - a.x) + 2 * Math.PI) % (2 * Math.PI);
        occupied.add(ring * per + ((Math.round(ang / step - 0.5 - (ring % 2) * 0.5) % per) + per) % per);
      }
      const half = anchor && !occupied.size && ids.length <= 6;
      let j = 0;
      ids.forEach((id, i) => {
        let ang, r = 140;
        if (half) {
          // a few neighbours of a node with none yet: a half ring facing away from the rest of the chart
          ang = away - Math.PI / 2 + Math.PI * (i + 0.5) / ids.length;
        } else {
          // full rings use fixed slots (not "away", which moves as the chart grows) so pages never overlap
          while (occupied.has(j)) j++;
          ang = slotAngle(j); r = 140 + Math.floor(j / per) * 90;
          j++;
        }
        out[id] = { x: a.x + r * Math.cos(ang), y: a.y + r * Math.sin(ang) };
      });
    }
    return out;
  }

  function removeNodes(ids) {
    snapshot();
    for (const id of ids) {
      state.raw.nodes.delete(id); state.hidden.delete(id); state.pinned.delete(id);
      for (const [eid, e] of state.raw.edges) if (e.from === id || e.to === id) state.raw.edges.delete(eid);
    }
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
  async function expand(id, opts) {
    opts = opts || {};
    const hops = opts.hops || +$("#hops").value;
    const p = typeParams(filterParams());
    p.set("id", id); p.set("hops", hops);
    p.set("limit", opts.limit || PROBE_LIMIT);
    if (opts.types) { p.delete("types"); opts.types.forEach((t) => p.append("types", t)); }
    // ids already charted do not count as new neighbours; for a one-hop expansion only its neighbours matter
    const chart = onChartIds();
    const ex = hops === 1 || chart.length > 300 ? neighboursOnChart(id) : chart;
    ex.filter((x) => x !== id).forEach((x) => p.append("exclude", x));
    status("expanding…");
    const sg = await api("subgraph/ego?" + p.toString());
    const degree = (sg.supernodes || {})[id];
    if (!opts.confirmed && state.raw.nodes.has(id) && (degree || (sg.truncated && !opts.limit))) {
      askSupernode(id, degree || state.supernodes.get(id) || sg.nodes.length - 1, sg);
      return null;
    }
    return addSubgraph(sg, { anchor: state.raw.nodes.has(id) ? id : null, expanded: id, focus: opts.focus ? id : null });
  }
  function askSupernode(id, degree, probe) {
    const n = state.raw.nodes.get(id);
    const counts = {};
    for (const x of probe.nodes || []) if (x.id !== id) counts[x.label] = (counts[x.label] || 0) + 1;
    $("#sn-text").textContent = `${n.name} has ${degree} neighbours (${neighboursOnChart(id).length} on the chart). ` +
      "Add them a page at a time, or only one type.";
    $("#sn-types").textContent = "new neighbours by type: " + Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ");
    const sel = $("#sn-type");
    sel.innerHTML = '<option value="">any type</option>' + Object.keys(counts).map((k) => `<option>${k}</option>`).join("");
    const dlg = $("#supernode");
    dlg.dataset.node = id;
    dlg.showModal();
    status(`${n.name} is a supernode: choose what to add`);
  }
  $("#supernode").addEventListener("close", () => {
    const dlg = $("#supernode");
    if (dlg.returnValue !== "add") { status(""); return; }
    const n = Math.max(1, Math.min(500, +$("#sn-n").value || 10));
    const t = $("#sn-type").value;
    guarded(() => expand(dlg.dataset.node, { confirmed: true, hops: 1, limit: n + 1, types: t ? [t] : null }));
  });

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
    const panel = $("#panel");
    panel.innerHTML = `
      <h1>${window.CGIcons.inline(disp.icon, disp.colour, 22)}<span></span></h1>
      <div class="meta"><span class="badge"></span> <code class="eid"></code></div>
      <div class="actions">
        <button data-act="expand">Expand</button><button data-act="pin">Pin</button><button data-act="hide">Hide</button>
        <button data-act="remove">Remove</button><button data-act="path-from">Path from here</button>
        ${e.label === "Wallet" ? '<button data-act="trace">Trace flow</button>' : ""}
      </div>
      <dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>
      <h2>Claims (${claims.length})</h2><div class="claims"></div>`;
    panel.querySelector("h1 span").textContent = e.name;
    panel.querySelector(".badge").textContent = e.label;
    panel.querySelector(".eid").textContent = e.id;
    panel.querySelectorAll(".actions button").forEach((b) => b.addEventListener("click", () => act(b.dataset.act, [e.id])));
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
    restyle();
  }
  $("#asof-on").addEventListener("change", onAsOf);
  $("#asof").addEventListener("input", onAsOf);

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
    for (const n of state.raw.nodes.values()) {
      const d = state.details.get(n.id);
      const p = d && (d.entity || d).properties;
      if (p && typeof p.lat === "number" && typeof p.lon === "number" && nodeVisible(n.id)) {
        markers.push({ id: n.id, name: n.name, label: n.label, lat: p.lat, lon: p.lon, colour: n.colour });
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
      items.push({ kind: "claim", id: e.id, nodes: [e.from, e.to], start: start || e.valid_to, end: e.valid_to,
        text: `${a ? a.name : e.from} ${e.type} ${b ? b.name : e.to}`, colour: "#78909c" });
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
  function renderTimeline() {
    const el = $("#timeline");
    const items = timelineItems().slice(0, 300);
    if (!items.length) { el.innerHTML = '<p class="hint">No dated events or claims on the chart.</p>'; return; }
    const t = (s) => Date.parse(s);
    const lo = t(items[0].start), hi = Math.max(...items.map((i) => t(i.end || i.start)), lo + 86400e3);
    const w = Math.max(el.clientWidth - 20, 400), left = 260, row = 16;
    const x = (s) => left + (t(s) - lo) / (hi - lo) * (w - left - 20);
    const h = items.length * row + 30;
    const years = [];
    for (let y = new Date(lo).getUTCFullYear() + 1; y <= new Date(hi).getUTCFullYear(); y++) years.push(y);
    el.innerHTML = `<svg width="${w}" height="${h}" role="img" aria-label="timeline">
      ${years.map((y) => `<g><line x1="${x(y + "-01-01")}" x2="${x(y + "-01-01")}" y1="0" y2="${h}" stroke="#eee"/><text x="${x(y + "-01-01") + 2}" y="${h - 4}" font-size="10" fill="#888">${y}</text></g>`).join("")}
      ${items.map((it, i) => {
        const y = 10 + i * row, x0 = x(it.start), x1 = it.end ? x(it.end) : x0;
        return `<g class="tl-item" data-nodes="${esc(it.nodes.join(" "))}" data-kind="${it.kind}" data-id="${esc(it.id)}">
          <text x="4" y="${y + 4}" font-size="11">${esc(it.start)} ${esc(it.text.slice(0, 34))}</text>
          ${x1 > x0 + 2 ? `<rect x="${x0}" y="${y - 4}" width="${x1 - x0}" height="8" rx="3" fill="${it.colour}"/>` : `<circle cx="${x0}" cy="${y}" r="5" fill="${it.colour}"/>`}
          <title>${esc(it.text)} ${esc(it.start)}${it.end ? " – " + esc(it.end) : ""}</title></g>`;
      }).join("")}
    </svg>`;
    el.querySelectorAll(".tl-item").forEach((g) => g.addEventListener("click", () => {
      const ids = g.dataset.nodes.split(" ");
      if (g.dataset.kind === "claim") { network.selectEdges([g.dataset.id]); guarded(() => showEntity(ids[0], g.dataset.id)); markTimeline(ids); }
      else select(ids, true);
    }));
    markTimeline(network.getSelectedNodes());
  }
  function markTimeline(ids) {
    const set = new Set(ids);
    document.querySelectorAll("#timeline .tl-item").forEach((g) => {
      g.classList.toggle("selected", g.dataset.nodes.split(" ").some((n) => set.has(n)));
    });
  }
  function showTab(name) {
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("on", b.dataset.tab === name));
    document.querySelectorAll("#bottom .tab").forEach((t) => t.classList.toggle("on", t.id === name));
    if (name === "map") map.render();
    if (name === "timeline") renderTimeline();
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
  $("#api-key").addEventListener("change", () => {
    const v = $("#api-key").value.trim();
    v ? localStorage.setItem("cg-api-key", v) : localStorage.removeItem("cg-api-key");
    init();
  });
  window.addEventListener("resize", () => { map.render(); });

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
      await guarded(() => expand(q.get("open"), { confirmed: true, focus: true, limit: +(q.get("limit") || PROBE_LIMIT) }));
    }
    window.cg.ready = true;
  }

  window.cg = { state, network, nodes, edges, map, expand, openChart, select, showEntity, undo, trace, findPaths,
    addSubgraph, sliderValue, settles: 0, settledAt: null, ready: false };
  init();
})();
