/* How entities and claims are drawn: icons, labels, tooltips, grade widths and dashes, contested and
   highlighted claims, curves for parallel claims. */
import { SERVER_LAYOUT, fmtAmount, shortLabel } from "./util.js";
import { state } from "./state.js";
import { edgeVisible, grade, nodeVisible } from "./filters.js";

export function nodeStyle(n) {
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
  else if (e.corroborated) label += " ✓";
  const colour = hl ? "#ff9800" : e.contested ? "#c62828" : e.corroborated ? "#2e7d32" : "#78909c";
  return {
    id: e.id, from: e.from, to: e.to, label, cgLabel: label,
    title: `${e.type} · grade ${e.grade}` + (e.contested ? " · contested" : "") + (e.corroborated ? " · corroborated" : "") +
      (e.stance === "denies" ? " · this source denies it" : "") +
      (e.valid_from || e.valid_to ? `\n${e.valid_from || "…"} – ${e.valid_to || "…"}` : "") +
      `\nsource: ${e.source}` + (e.quote ? `\n“${e.quote}”` : ""),
    dashes: g.c >= 4,
    width: (hl ? 2 : 0) + [3.5, 3, 2.5, 2, 1.5, 1][g.r - 1],
    color: { color: colour, highlight: hl ? "#ff9800" : "#263238", hover: colour },
    smooth: parallel ? { enabled: true, type: parallel % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil(parallel / 2) } : undefined,
    hidden: !edgeVisible(e),
    cgType: e.type, cgGrade: e.grade, cgContested: !!e.contested, cgCorroborated: !!e.corroborated,
  };
}
export function styledEdges() {
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
