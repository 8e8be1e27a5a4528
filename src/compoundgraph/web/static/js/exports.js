/* Exports of what is on screen: PNG, standalone HTML and the export formats. */
import { $ } from "./util.js";
import { state } from "./state.js";
import { container, network } from "./chart.js";
import { api, guarded } from "./api.js";
import { edgeVisible, nodeVisible } from "./filters.js";

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
