/* Selection and the entity panel: properties, claims with their grades and sources, copy buttons. */
import { $, LABEL_MAX, esc, fmtAmount } from "./util.js";
import { state } from "./state.js";
import { network, nodes } from "./chart.js";
import { api, guarded } from "./api.js";
import { act } from "./actions.js";
import { expand } from "./expand.js";
import { grade, inForce, labelDisplay, passesGrade } from "./filters.js";
import { map } from "./mapview.js";
import { markTimeline } from "./timeline.js";
import { linkStances, stanceBadges } from "./stance.js";

export function select(ids, center) {
  const visible = ids.filter((id) => nodes.get(id));
  network.selectNodes(visible);
  if (center && visible.length) network.focus(visible[0], { scale: Math.max(network.getScale(), 0.8), animation: false });
  map.select(ids);
  markTimeline(ids);
  if (ids.length === 1) guarded(() => showEntity(ids[0]));
}
export async function entityDetail(id) {
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
export async function showEntity(id, focusClaim) {
  const d = await entityDetail(id);
  const e = d.entity || d;
  const disp = labelDisplay(e.label);
  const claims = claimList(d);
  const stances = linkStances(claims);
  const contested = stances.contested;
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
        ${stanceBadges(c, stances)}
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
