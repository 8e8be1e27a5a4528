/* Glue to the offline map (map.js): markers for charted entities with coordinates, or approximately where
   the Location they are LOCATED_IN is. */
import { $ } from "./util.js";
import { state } from "./state.js";
import { network } from "./chart.js";
import { edgeVisible, nodeVisible } from "./filters.js";
import { entityDetail, select } from "./panel.js";
import { renderTimeline } from "./timeline.js";

export const map = new window.CGMap.OfflineMap($("#map"), (id) => select([id]), (ids) => select(ids));
let geoSeq = 0;
function geoLabels() {
  const ont = state.ontology;
  return new Set(Object.entries(ont.labels).filter(([, d]) => d.properties && "lat" in d.properties && "lon" in d.properties).map(([k]) => k));
}
export function dateLabels() {
  const ont = state.ontology;
  return new Set(Object.entries(ont.labels).filter(([, d]) => Object.values(d.properties || {}).includes("date")).map(([k]) => k));
}
export async function refreshGeo() {
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
