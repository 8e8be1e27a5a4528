/* Offline map: Natural Earth 1:110m country outlines (vendored world-atlas TopoJSON) drawn as SVG in an
   equirectangular projection, with a marker per charted entity that has lat/lon (or, approximately, the
   lat/lon of the Location it is LOCATED_IN). Pan, zoom, clusters. No tiles, no network. */
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";

  /** Decode TopoJSON arcs (quantised, delta-encoded) into [lon, lat] rings per country. */
  function decode(topo) {
    const [sx, sy] = topo.transform.scale;
    const [tx, ty] = topo.transform.translate;
    const arcs = topo.arcs.map((arc) => {
      let x = 0, y = 0;
      return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
    });
    const ring = (ids) => {
      const pts = [];
      for (const i of ids) {
        const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
        pts.push(...(pts.length ? a.slice(1) : a));
      }
      return pts;
    };
    return topo.objects.countries.geometries.map((g) => {
      const polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      return { name: (g.properties || {}).name || "", rings: polys.flatMap((p) => p.map(ring)) };
    });
  }

  const CLUSTER_PX = 16;   // markers closer than this on screen are drawn as one cluster with a count
  const MAX_K = 4000;      // pixels per degree at the closest zoom

  /** The map: pans (drag) and zooms (wheel, buttons); overlapping markers cluster with a count; a marker
      placed at the coordinates of the Location its entity is LOCATED_IN is drawn dashed and says
      "approximate". */
  class OfflineMap {
    constructor(el, onPick, onPickMany) {
      this.el = el;
      this.onPick = onPick;
      this.onPickMany = onPickMany || ((ids) => ids.forEach(onPick));
      this.countries = null;
      this.markers = [];
      this.selected = new Set();
      this.view = null;        // {cx, cy, k}: centre (lon, lat) and pixels per degree; null: frame the markers
      this.userView = false;   // the investigator moved the map: keep the view when the markers change
      this.ready = fetch("static/vendor/countries-110m.json")
        .then((r) => r.json())
        .then((topo) => { this.countries = decode(topo); this.render(); });
      this._wire();
    }

    setMarkers(markers) {
      const key = (ms) => ms.map((m) => m.id + (m.approx ? "~" : "")).sort().join("|");
      const changed = key(markers) !== key(this.markers);
      this.markers = markers; // [{id, name, lat, lon, colour, label, approx, via}]
      if (changed && !this.userView) this.view = null;
      this.render();
    }

    select(ids) {
      this.selected = new Set(ids);
      for (const m of this.el.querySelectorAll(".cg-marker")) {
        m.classList.toggle("selected", m.dataset.ids.split(" ").some((id) => this.selected.has(id)));
      }
    }

    frame(w, h) {
      // frame the markers (or South-East Asia when there are none), keep the aspect ratio
      let [x0, x1, y0, y1] = [92, 128, -2, 28];
      if (this.markers.length) {
        const lons = this.markers.map((m) => m.lon), lats = this.markers.map((m) => m.lat);
        x0 = Math.min(...lons) - 6; x1 = Math.max(...lons) + 6;
        y0 = Math.min(...lats) - 5; y1 = Math.max(...lats) + 5;
      }
      return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, k: Math.min(w / (x1 - x0), h / (y1 - y0)) };
    }

    zoom(factor, at) {
      const w = this.el.clientWidth || 400, h = this.el.clientHeight || 220;
      const v = this.view || this.frame(w, h);
      const k = Math.max(1, Math.min(MAX_K, v.k * factor));
      const p = at || { x: w / 2, y: h / 2 };
      // keep the point under the cursor where it is
      const lon = v.cx + (p.x - w / 2) / v.k, lat = v.cy - (p.y - h / 2) / v.k;
      this.view = { cx: lon - (p.x - w / 2) / k, cy: lat + (p.y - h / 2) / k, k };
      this.userView = true;
      this.render();
    }

    pan(dx, dy) {
      const w = this.el.clientWidth || 400, h = this.el.clientHeight || 220;
      const v = this.view || this.frame(w, h);
      this.view = { cx: v.cx - dx / v.k, cy: v.cy + dy / v.k, k: v.k };
      this.userView = true;
      this.render();
    }

    reset() { this.view = null; this.userView = false; this.render(); }

    _wire() {
      const el = this.el;
      el.addEventListener("wheel", (ev) => {
        if (!this.countries) return;
        ev.preventDefault();
        const r = el.getBoundingClientRect();
        this.zoom(ev.deltaY < 0 ? 1.25 : 0.8, { x: ev.clientX - r.left, y: ev.clientY - r.top });
      }, { passive: false });
      let drag = null;
      el.addEventListener("pointerdown", (ev) => {
        if (ev.target.closest(".cg-marker, .cg-map-controls")) return;
        drag = { x: ev.clientX, y: ev.clientY };
      });
      window.addEventListener("pointermove", (ev) => {
        if (!drag) return;
        const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) < 3) return;
        drag = { x: ev.clientX, y: ev.clientY };
        this.pan(dx, dy);
      });
      window.addEventListener("pointerup", () => { drag = null; });
    }

    clusters(px, py) {
      const out = [];
      for (const m of this.markers) {
        const x = px(m.lon), y = py(m.lat);
        const c = out.find((g) => Math.hypot(g.x - x, g.y - y) < CLUSTER_PX);
        if (c) { c.members.push(m); } else out.push({ x, y, members: [m] });
      }
      return out;
    }

    render() {
      const el = this.el;
      el.innerHTML = "";
      if (!this.countries) return;
      const w = el.clientWidth || 400, h = el.clientHeight || 220;
      const v = this.view || this.frame(w, h);
      const px = (lon) => w / 2 + (lon - v.cx) * v.k;
      const py = (lat) => h / 2 - (lat - v.cy) * v.k;
      const svg = document.createElementNS(NS, "svg");
      svg.setAttribute("width", w); svg.setAttribute("height", h);
      svg.setAttribute("class", "cg-map-svg");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", "map of charted entities");
      svg.dataset.k = v.k.toFixed(3);
      const land = document.createElementNS(NS, "g");
      for (const c of this.countries) {
        const d = c.rings.map((r) => "M" + r.map(([lon, lat]) => px(lon).toFixed(1) + "," + py(lat).toFixed(1)).join("L") + "Z").join("");
        const p = document.createElementNS(NS, "path");
        p.setAttribute("d", d);
        p.setAttribute("class", "cg-country");
        const t = document.createElementNS(NS, "title"); t.textContent = c.name; p.appendChild(t);
        land.appendChild(p);
      }
      svg.appendChild(land);
      for (const c of this.clusters(px, py)) {
        const ms = c.members;
        const one = ms.length === 1 ? ms[0] : null;
        const g = document.createElementNS(NS, "g");
        const ids = ms.map((m) => m.id);
        g.setAttribute("class", "cg-marker" + (one ? "" : " cg-cluster") + (ms.every((m) => m.approx) ? " approx" : "") +
          (ids.some((id) => this.selected.has(id)) ? " selected" : ""));
        g.dataset.id = ids[0];
        g.dataset.ids = ids.join(" ");
        g.setAttribute("transform", `translate(${c.x.toFixed(1)},${c.y.toFixed(1)})`);
        const circle = document.createElementNS(NS, "circle");
        circle.setAttribute("r", one ? 6 : Math.min(16, 8 + Math.log2(ms.length) * 2));
        circle.setAttribute("fill", one ? one.colour : "#455a64");
        const t = document.createElementNS(NS, "title");
        t.textContent = ms.map((m) => `${m.name} (${m.label}) ${m.lat}, ${m.lon}` +
          (m.approx ? ` - approximate: located in ${m.via}` : "")).join("\n");
        const label = document.createElementNS(NS, "text");
        if (one) {
          label.setAttribute("x", 8); label.setAttribute("y", 4);
          label.textContent = one.name + (one.approx ? " (approx.)" : "");
        } else {
          label.setAttribute("class", "count"); label.setAttribute("text-anchor", "middle"); label.setAttribute("y", 4);
          label.textContent = String(ms.length);
        }
        g.append(circle, t, label);
        g.addEventListener("click", (ev) => {
          ev.stopPropagation();
          if (one) { this.onPick(one.id); return; }
          // a cluster: select its entities, and zoom in on it unless they share one spot
          this.onPickMany(ids);
          const spread = Math.max(...ms.map((m) => m.lon)) - Math.min(...ms.map((m) => m.lon)) +
            Math.max(...ms.map((m) => m.lat)) - Math.min(...ms.map((m) => m.lat));
          if (spread > 1e-6) this.zoom(3, { x: c.x, y: c.y });
        });
        svg.appendChild(g);
      }
      el.appendChild(svg);
      const ctl = document.createElement("div");
      ctl.className = "cg-map-controls";
      ctl.innerHTML = '<button type="button" data-z="in" title="zoom in" aria-label="zoom in">+</button>' +
        '<button type="button" data-z="out" title="zoom out" aria-label="zoom out">−</button>' +
        '<button type="button" data-z="fit" title="frame the markers" aria-label="frame the markers">⌂</button>';
      ctl.addEventListener("click", (ev) => {
        const b = ev.target.closest("button");
        if (!b) return;
        if (b.dataset.z === "in") this.zoom(2); else if (b.dataset.z === "out") this.zoom(0.5); else this.reset();
      });
      el.appendChild(ctl);
    }
  }

  window.CGMap = { OfflineMap, decode };
})();
