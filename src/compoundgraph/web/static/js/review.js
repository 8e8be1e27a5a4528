/* The review panel: what reports proposed (new compounds, organisations, armed groups, persons and the
   relationships their sentences state), each with its sentence and report; accept, reject or correct it.
   Proposals are not facts: no other view shows them (not the chart, search, analytics or exports) until they
   are accepted; an accepted entity is then opened on the chart. `openReview(status, source)` with a source id
   lists only what that report proposed (as *Add report…* does after a load), until *all reports* is pressed.
   Talks to /review (investigators and above). */
import { $, esc } from "./util.js";
import { api, guarded, status } from "./api.js";
import { expand } from "./expand.js";

const TYPES = ["Compound", "Organization", "ArmedGroup", "Person", "Location", "Platform"];
let shown = "pending";
let report = null;  // a source id: only that report's proposals

export async function openReview(which, source) {
  shown = which || shown;
  if (source !== undefined) report = source || null;
  const data = await api("review?status=" + encodeURIComponent(shown) + (report ? "&source=" + encodeURIComponent(report) : ""));
  const panel = $("#panel");
  document.body.classList.remove("no-panel");
  const items = data.candidates || [];
  panel.innerHTML = `
    <h1>Review proposals</h1>
    <p class="hint">Names and relationships reports proposed. Not facts until accepted: the chart, search,
      analytics, exports and partners do not see them.</p>
    ${report ? `<p class="review-report">Only from <b>${esc(items.length ? items[0].source_title : report)}</b>
      <button class="small" data-all>all reports</button></p>` : ""}
    <div class="row review-tabs">${["pending", "accepted", "rejected"].map((s) =>
      `<button class="small${s === shown ? " on" : ""}" data-show="${s}">${s}</button>`).join("")}
      <span class="review-count">${items.length} ${esc(shown)}</span></div>
    <div class="review-list"></div>`;
  panel.querySelectorAll("[data-show]").forEach((b) => b.addEventListener("click", () => guarded(() => openReview(b.dataset.show))));
  const all = panel.querySelector("[data-all]");
  if (all) all.addEventListener("click", () => guarded(() => openReview(shown, null)));
  const list = panel.querySelector(".review-list");
  if (!items.length) list.innerHTML = `<p class="hint">No ${esc(shown)} proposal.</p>`;
  for (const c of items) list.appendChild(card(c));
}

function card(c) {
  const el = document.createElement("div");
  el.className = "review-item " + c.kind;
  el.dataset.candidate = c.id;
  el.innerHTML = `
    <div class="review-head"><span class="badge">${esc(c.kind === "entity" ? c.label : "relationship " + c.label)}</span>
      <b class="review-name">${esc(c.name)}</b> <span class="badge pending">${esc(c.status)}</span></div>
    <blockquote class="review-quote">${esc(c.quote)}</blockquote>
    <div class="source">From <b>${esc(c.source_title)}</b> · ${esc(c.rule)}</div>
    ${c.status === "pending" ? `<div class="actions">
      <button data-do="accept">Accept</button><button data-do="reject">Reject</button>
      ${c.kind === "entity" ? '<button data-do="edit">Edit</button>' : ""}</div>` : ""}
    <form class="review-edit" hidden>
      <label>name <input name="name" value="${esc(c.name)}" maxlength="1000"></label>
      <label>type <select name="type">${TYPES.map((t) => `<option${t === c.label ? " selected" : ""}>${t}</option>`).join("")}</select></label>
      <label>alias <input name="alias" placeholder="another name (optional)"></label>
      <menu><button type="submit">Save</button><button type="button" data-do="cancel">Cancel</button></menu>
    </form>`;
  el.querySelectorAll("[data-do]").forEach((b) => b.addEventListener("click", () => guarded(() => decide(c, b.dataset.do, el))));
  el.querySelector("form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const body = { name: f.get("name") || null, type: f.get("type") || null, aliases: f.get("alias") ? [f.get("alias")] : [] };
    guarded(async () => {
      const done = await api(`review/${encodeURIComponent(c.id)}/edit`, { method: "POST", body });
      status(`corrected: ${done.label} ${done.name} (still pending)`);
      await openReview();
    });
  });
  return el;
}

async function decide(c, what, el) {
  if (what === "edit") { el.querySelector("form").hidden = false; return; }
  if (what === "cancel") { el.querySelector("form").hidden = true; return; }
  const done = await api(`review/${encodeURIComponent(c.id)}/${what}`, { method: "POST" });
  status(`${what === "accept" ? "accepted" : "rejected"}: ${done.label} ${done.name}`);
  await openReview();
  if (what === "accept") {
    // the accepted entity (or the new claim's subject) now is a fact: show it on the chart
    const id = done.kind === "entity" ? done.id : done.name.split(" -> ")[0];
    await expand(id, { confirmed: true, focus: true, hops: 1 });
  }
}

$("#review").addEventListener("click", () => guarded(() => openReview("pending", null)));
