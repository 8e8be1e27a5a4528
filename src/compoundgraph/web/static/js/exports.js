/* Exports of what is on screen: PNG and SVG pictures, standalone HTML and the export formats. */
import { $ } from "./util.js";
import { state } from "./state.js";
import { network } from "./chart.js";
import { api, guarded } from "./api.js";
import { edgeVisible, nodeVisible } from "./filters.js";
import { chartPNG, chartSVG, pictureName } from "./picture.js";

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
// PNG and SVG of the chart alone, with the title, date, as-of date and legend burnt in (picture.js)
$("#export-png").addEventListener("click", () => guarded(async () => {
  const png = await chartPNG(2);
  download(png.url, pictureName("png"));
}));
function exportSVG() {
  const blob = new Blob([chartSVG().svg], { type: "image/svg+xml" });
  download(URL.createObjectURL(blob), pictureName("svg"));
}
$("#export-html").addEventListener("click", () => guarded(async () => {
  const r = await api("ui/standalone", { method: "POST", body: visibleSubgraph(), raw: true });
  download(URL.createObjectURL(await r.blob()), "compoundgraph-chart.html");
}));
$("#export-fmt").addEventListener("change", () => guarded(async () => {
  const fmt = $("#export-fmt").value;
  $("#export-fmt").value = "";
  if (!fmt) return;
  if (fmt === "svg-picture") { exportSVG(); return; }
  const p = new URLSearchParams();
  visibleSubgraph().nodes.forEach((n) => p.append("ids", n.id));
  const r = await api(`exports/${encodeURIComponent(fmt)}?` + p.toString(), { raw: true });
  const cd = r.headers.get("Content-Disposition") || "";
  const m = /filename="?([^";]+)"?/.exec(cd);
  download(URL.createObjectURL(await r.blob()), m ? m[1] : `compoundgraph.${fmt}`);
}));
