/* The recruitment funnel of a compound, a recruiter (person or organisation) or a case, as columns
   job ad → account → recruiter → transit → compound, each entity with how many cases went through it, and
   the recruiters' own network (who recruits for the compound, their accounts, ads, transit) marked "network"
   (GET /funnel, under the same filters as the chart). Click an entry to put it on the chart. */
import { $, esc } from "./util.js";
import { state } from "./state.js";
import { network } from "./chart.js";
import { api, guarded, status } from "./api.js";
import { expand } from "./expand.js";
import { minGrade } from "./filters.js";
import { select } from "./panel.js";
import { showTab } from "./timeline.js";

const COLUMNS = [["job_ads", "Job ad"], ["accounts", "Account"], ["recruiters", "Recruiter"], ["transit", "Transit"], ["compounds", "Compound"]];
const KIND = { Compound: "compound", Person: "recruiter", Organization: "recruiter", Case: "case" };

export async function openFunnel(id) {
  const n = id && state.raw.nodes.get(id);
  const kind = n && KIND[n.label];
  if (!kind) { status("select a compound, a recruiter (person or organisation) or a case for its funnel", true); return null; }
  const p = new URLSearchParams();
  p.set(kind, id);
  const g = minGrade();
  if (g) p.set("min_grade", g);
  if (state.filters.asOf) p.set("as_of", state.filters.asOf);
  const f = await api("funnel?" + p.toString());
  render(f, n);
  showTab("funnel-tab");
  status(`funnel of ${n.name}: ${f.cases} case(s)`);
  return f;
}

/** A stage's entities: those cases went through (with how many), then the recruiters' network beside them. */
function items(f, key) {
  const out = (f.funnel[key] || []).map((x) => ({ id: x.id, name: x.name, cases: x.cases }));
  const seen = new Set(out.map((x) => x.id));
  for (const x of (f.network || {})[key] || []) if (!seen.has(x.id)) { seen.add(x.id); out.push({ id: x.id, name: x.name, cases: null }); }
  return out;
}

function render(f, n) {
  const el = $("#funnel-tab");
  const extra = (f.funnel.platforms || []).length ? ` · platforms: ${f.funnel.platforms.map((x) => esc(x.name)).join(", ")}` : "";
  el.innerHTML = `<div class="funnel-head"><b>Recruitment funnel</b> of ${esc(n.name)} (${esc(n.label)}) ·
      ${f.cases} case(s)${extra}</div>
    <div class="funnel-cols">${COLUMNS.map(([key, title], i) => `
      <div class="funnel-col" data-stage="${key}"><h4>${i ? "→ " : ""}${title}</h4>
        ${items(f, key).map((x) => `<button class="funnel-item${x.cases == null ? " network" : ""}" data-id="${esc(x.id)}"
          title="${x.cases == null ? "the recruiters' network (no case known to pass here)" : "cases that went through it"}">
          ${esc(x.name)} <span class="badge">${x.cases == null ? "network" : x.cases}</span></button>`).join("") ||
          '<p class="hint">none known</p>'}
      </div>`).join("")}</div>`;
  el.querySelectorAll(".funnel-item").forEach((b) => b.addEventListener("click", () => guarded(async () => {
    if (!state.raw.nodes.has(b.dataset.id)) await expand(b.dataset.id, { confirmed: true, hops: 1 });
    select([b.dataset.id], true);
  })));
}

$("#funnel").addEventListener("click", () => guarded(() => openFunnel(network.getSelectedNodes()[0])));
