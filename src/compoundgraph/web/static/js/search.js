/* The search box and opening a chart from a hit. */
import { $ } from "./util.js";
import { state } from "./state.js";
import { api, guarded } from "./api.js";
import { expand } from "./expand.js";
import { labelDisplay } from "./filters.js";
import { select } from "./panel.js";

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
export async function openChart(id) {
  await guarded(async () => {
    if (!state.raw.nodes.has(id)) await expand(id, { confirmed: true, focus: true });
    select([id], true);
  });
}
