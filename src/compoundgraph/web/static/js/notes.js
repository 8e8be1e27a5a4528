/* Notes of the chart on screen - on the investigation, on entities and on claims - their editors in the side
   panel (added to whatever panel.js shows, so panel.js knows nothing of them) and their badges on the chart.
   investigation.js saves and restores them and says, through `noteHooks`, whether they may be edited and what to
   do when one changes. */
import { $ } from "./util.js";
import { state } from "./state.js";
import { edges, network, nodes } from "./chart.js";

/** On the investigation, per entity id and per claim id. */
export const notes = { investigation: "", entities: new Map(), claims: new Map() };
/** Set by investigation.js: read-only investigations show notes without editing them. */
export const noteHooks = { readOnly: () => false, changed: () => {} };

function noteArea(value, placeholder, readonly) {
  const t = document.createElement("textarea");
  t.value = value || ""; t.placeholder = placeholder; t.rows = 2; t.readOnly = readonly;
  return t;
}
function setNote(map, key, value) {
  const v = value.trim() ? value : "";
  v ? map.set(key, v) : map.delete(key);
  network.redraw();
  noteHooks.changed();
}
/** Note editors in the panel: the investigation's (always), the shown entity's and one per claim. */
export function renderPanelNotes() {
  const panel = $("#panel");
  if (!panel) return;
  const ro = noteHooks.readOnly();
  let top = panel.querySelector(".inv-notes");
  if (!top) {
    top = document.createElement("details");
    top.className = "inv-notes";
    top.open = !panel.querySelector(".eid");
    top.innerHTML = `<summary>Investigation note</summary>`;
    const t = noteArea("", "A note on the whole investigation (what it is for, open questions…)", ro);
    t.id = "inv-note";
    t.addEventListener("input", () => { notes.investigation = t.value.trim() ? t.value : ""; noteHooks.changed(); });
    top.appendChild(t);
    panel.prepend(top);
  }
  const it = top.querySelector("textarea");
  if (document.activeElement !== it) it.value = notes.investigation;
  it.readOnly = ro;
  const eid = panel.querySelector("code.eid");
  const id = eid && eid.textContent;
  if (id && state.raw.nodes.has(id) && !panel.querySelector(".entity-note")) {
    const box = document.createElement("label");
    box.className = "entity-note";
    box.textContent = "Note on this entity";
    const t = noteArea(notes.entities.get(id), "Shown as a badge on the chart", ro);
    t.dataset.entity = id;
    t.addEventListener("input", () => setNote(notes.entities, id, t.value));
    box.appendChild(t);
    (panel.querySelector(".actions") || top).after(box);
  }
  panel.querySelectorAll("details.claim").forEach((d) => {
    const cid = d.dataset.claim;
    const summary = d.querySelector("summary");
    if (summary && !summary.querySelector(".note-mark") && notes.claims.get(cid)) {
      const m = document.createElement("span");
      m.className = "badge note-mark"; m.textContent = "note"; m.title = notes.claims.get(cid);
      summary.appendChild(m);
    }
    if (d.querySelector(".claim-note") || !state.raw.edges.has(cid)) return;
    const box = document.createElement("label");
    box.className = "claim-note";
    box.textContent = "Note on this claim";
    const t = noteArea(notes.claims.get(cid), "Shown as a badge on the line", ro);
    t.dataset.claim = cid;
    t.addEventListener("input", () => setNote(notes.claims, cid, t.value));
    box.appendChild(t);
    d.appendChild(box);
  });
}
new MutationObserver(() => renderPanelNotes()).observe($("#panel"), { childList: true, subtree: true });
renderPanelNotes();

const BADGE = 7;
/** Where the note badges were last drawn (canvas coordinates), for the tests. */
export const badges = [];
function drawBadge(ctx, x, y, square) {
  ctx.beginPath();
  if (square) ctx.rect(x - BADGE, y - BADGE, 2 * BADGE, 2 * BADGE);
  else ctx.arc(x, y, BADGE, 0, 2 * Math.PI);
  ctx.fillStyle = "#ffb300"; ctx.fill();
  ctx.lineWidth = 1.5; ctx.strokeStyle = "#5d4037"; ctx.stroke();
  ctx.fillStyle = "#3e2723"; ctx.font = "bold 10px arial"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
  ctx.fillText("✎", x, y + 0.5);
}
/** The badge position of an entity note and of a claim note (canvas coordinates). */
export function badgeAt(kind, id, pos) {
  if (kind === "entity") { const p = pos[id]; return p ? { x: p.x + 14, y: p.y - 14 } : null; }
  const e = state.raw.edges.get(id);
  const a = e && pos[e.from], b = e && pos[e.to];
  return a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 10 } : null;
}
network.on("afterDrawing", (ctx) => {
  badges.length = 0;
  if (!notes.entities.size && !notes.claims.size) return;
  const pos = network.getPositions();
  for (const id of notes.entities.keys()) {
    const n = nodes.get(id);
    const at = n && !n.hidden && badgeAt("entity", id, pos);
    if (at) { drawBadge(ctx, at.x, at.y, false); badges.push({ kind: "entity", id, x: at.x, y: at.y }); }
  }
  for (const id of notes.claims.keys()) {
    const e = edges.get(id);
    const at = e && !e.hidden && badgeAt("claim", id, pos);
    if (at) { drawBadge(ctx, at.x, at.y, true); badges.push({ kind: "claim", id, x: at.x, y: at.y }); }
  }
});
