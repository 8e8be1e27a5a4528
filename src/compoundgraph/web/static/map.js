/* Offline map: Natural Earth 1:110m country outlines (vendored world-atlas TopoJSON) drawn as SVG in an
   equirectangular projection, with a marker per charted entity that has lat/lon. No tiles, no network. */
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

  class OfflineMap {
    constructor(el, onPick) {
      this.el = el;
      this.onPick = onPick;
      this.countries = null;
      this.markers = [];
      this.selected = new Set();
      this.ready = fetch("static/vendor/countries-110m.json")
        .then((r) => r.json())
        .then((topo) => { this.countries = decode(topo); this.render(); });
    }

    setMarkers(markers) {
      this.markers = markers; // [{id, name, lat, lon, colour, label}]
      this.render();
    }

    select(ids) {
      this.selected = new Set(ids);
      for (const m of this.el.querySelectorAll(".cg-marker")) {
        m.classList.toggle("selected", this.selected.has(m.dataset.id));
      }
    }

    render() {
      const el = this.el;
      el.innerHTML = "";
      if (!this.countries) return;
      const w = el.clientWidth || 400, h = el.clientHeight || 220;
      // frame the markers (or South-East Asia when there are none), keep the aspect ratio
      let [x0, x1, y0, y1] = [92, 128, -2, 28];
      if (this.markers.length) {
        const lons = this.markers.map((m) => m.lon), lats = this.markers.map((m) => m.lat);
        x0 = Math.min(...lons) - 6; x1 = Math.max(...lons) + 6;
        y0 = Math.min(...lats) - 5; y1 = Math.max(...lats) + 5;
      }
      const k = Math.min(w / (x1 - x0), h / (y1 - y0));
      const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      const px = (lon) => w / 2 + (lon - cx) * k;
      const py = (lat) => h / 2 - (lat - cy) * k;
      const svg = document.createElementNS(NS, "svg");
      svg.setAttribute("width", w); svg.setAttribute("height", h);
      svg.setAttribute("class", "cg-map-svg");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", "map of charted entities");
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
      for (const m of this.markers) {
        const g = document.createElementNS(NS, "g");
        g.setAttribute("class", "cg-marker" + (this.selected.has(m.id) ? " selected" : ""));
        g.dataset.id = m.id;
        g.setAttribute("transform", `translate(${px(m.lon).toFixed(1)},${py(m.lat).toFixed(1)})`);
        const c = document.createElementNS(NS, "circle");
        c.setAttribute("r", 6); c.setAttribute("fill", m.colour);
        const t = document.createElementNS(NS, "title"); t.textContent = `${m.name} (${m.label}) ${m.lat}, ${m.lon}`;
        const label = document.createElementNS(NS, "text");
        label.setAttribute("x", 8); label.setAttribute("y", 4); label.textContent = m.name;
        g.append(c, t, label);
        g.addEventListener("click", () => this.onPick(m.id));
        svg.appendChild(g);
      }
      el.appendChild(svg);
    }
  }

  window.CGMap = { OfflineMap, decode };
})();
