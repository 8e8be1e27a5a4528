/* Add report…: an editor uploads a report (text, Markdown, HTML, PDF; with its metadata sidecar if it has
   one) or a file in another ingest format to POST /ingest, checks it first (a dry run: nothing written) and
   loads it. The dialog shows what the file yielded from the ingest summary: counts, the places and countries
   found, the proposals awaiting review (and opens the review panel on this report's), the known entities it
   names, screening hits against listed actors and the rejected rows with where and why. A refused file (413,
   422) is shown in the dialog with the server's where and why; nothing is written and the chart stays as it
   was. After a load, *Show on chart* opens the report's source with what it mentions. Built with DOM
   methods: names from the file stay text. The toolbar button follows the key's role (GET /me): editors and
   above; others see it disabled, with why. */
import { $ } from "./util.js";
import { api, guarded, status } from "./api.js";
import { state } from "./state.js";
import { expand } from "./expand.js";
import { countLine } from "./filters.js";
import { openReview } from "./review.js";

const ROLE = "editor";
const FORMATS = ".txt,.md,.markdown,.html,.htm,.pdf,.csv,.tsv,.xlsx,.json,.jsonl,.ndjson,.ftm,.yaml,.yml,.zip";
const ROLE_TEXT = {
  origin: "victims' origin", compound_location: "compounds located", perpetrator_nationality: "perpetrators' nationality",
  nationality: "nationality", mentioned: "mentioned",
};

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

let dialog = null;
let last = null;  // the last summary shown: {summary, loaded}

function build() {
  const handling = Object.keys((state.ontology && state.ontology.handling) || { H0: 1, H1: 1, H2: 1, H3: 1 });
  const f = h("form", { method: "dialog" },
    h("h2", { id: "up-title" }, "Add a report"),
    h("p", { class: "hint" }, "A report (text, Markdown, HTML, PDF) or another ingest format (CSV, XLSX, JSON lines, "
      + "FollowTheMoney, YAML, a partner package). Check reads it and writes nothing; Load adds it to the graph. "
      + "New names and relationships are proposed for review, not added as facts."),
    h("label", { class: "up-file" }, "file ", h("input", { id: "up-file", type: "file", accept: FORMATS })),
    h("label", { class: "up-file", title: "a report's metadata sidecar (<report>.meta.yaml: title, publisher, published, url, kind, grade, handling); its grade wins over the one below" },
      "metadata (optional) ", h("input", { id: "up-meta", type: "file", accept: ".yaml,.yml" })),
    h("div", { class: "row up-opts" },
      h("label", { title: "Admiralty grade of the file as a source (reliability A–F, credibility 1–6), when the file says none" },
        "source grade ", h("input", { id: "up-grade", size: 3, maxlength: 2, placeholder: "F6", autocomplete: "off" })),
      h("label", { title: "who may see what this file brings" }, "handling ",
        h("select", { id: "up-handling" }, h("option", { value: "" }, "default (H1)"),
          ...handling.map((c) => h("option", { value: c, title: state.ontology ? state.ontology.handling[c] : "" }, c))))),
    h("p", { id: "up-error", class: "error", role: "alert" }),
    h("div", { id: "up-result", hidden: true, "aria-live": "polite" }),
    h("menu", {},
      h("button", { type: "button", id: "up-check", title: "read and count the file; write nothing" }, "Check"),
      h("button", { type: "button", id: "up-load", title: "load the file into the graph" }, "Load"),
      h("button", { type: "button", id: "up-show", hidden: true, title: "the report's source and what it mentions" }, "Show on chart"),
      h("button", { value: "close", id: "up-close", formnovalidate: true }, "Close")));
  dialog = h("dialog", { id: "upload-dlg", class: "upload-dialog", "aria-labelledby": "up-title" }, f);
  document.body.appendChild(dialog);
  const clear = () => { $("#up-error").textContent = ""; };
  $("#up-file").addEventListener("change", () => { clear(); showResult(null); });
  $("#up-meta").addEventListener("change", () => { clear(); showResult(null); });
  $("#up-grade").addEventListener("input", clear);
  $("#up-check").addEventListener("click", () => send(true));
  $("#up-load").addEventListener("click", () => send(false));
  $("#up-show").addEventListener("click", () => guarded(showOnChart));
  return dialog;
}

/** Open the dialog; the last result stays shown (until another file is chosen), so closing it to look at the
    chart loses nothing. */
export function openUpload() {
  const d = dialog || build();
  $("#up-error").textContent = "";
  d.showModal();
}

/** The form's fields, checked; throws an Error naming the field when one is wrong. */
function form(dryRun) {
  const file = $("#up-file").files[0];
  if (!file) throw new Error("file: choose a file first");
  const grade = $("#up-grade").value.trim().toUpperCase();
  if (grade && !/^[A-F][1-6]$/.test(grade)) throw new Error("source grade: a letter A–F and a digit 1–6, such as C3");
  const fd = new FormData();
  fd.append("file", file, file.name);
  const meta = $("#up-meta").files[0];
  if (meta) fd.append("meta", meta, meta.name);
  if (grade) fd.append("source_grade", grade);
  if ($("#up-handling").value) fd.append("handling", $("#up-handling").value);
  fd.append("dry_run", dryRun ? "true" : "false");
  return fd;
}

async function send(dryRun) {
  const err = $("#up-error");
  err.textContent = "";
  let fd;
  try { fd = form(dryRun); } catch (e) { err.textContent = e.message; return; }
  const buttons = ["#up-check", "#up-load"].map((s) => $(s));
  buttons.forEach((b) => { b.disabled = true; });
  dialog.dataset.state = "busy";
  status(dryRun ? "checking the file…" : "loading the file…");
  try {
    const summary = await api("ingest", { method: "POST", form: fd });
    showResult(summary, !dryRun);
    status(dryRun ? "checked: nothing written" : `loaded ${summary.filename}`);
  } catch (e) {
    showResult(null);
    const p = e.problem || {};
    const where = p.where ? `${p.where}: ` : "";
    err.textContent = `${p.title || "Refused"} (${e.status || "network"}): ${where}${p.detail || e.message}. Nothing was written.`;
    status("the file was refused: nothing written", true);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    dialog.dataset.state = "done";
  }
}

function section(title, count, ...body) {
  return h("section", { class: "up-section" }, h("h3", {}, title, count == null ? "" : h("span", { class: "up-n" }, ` ${count}`)), ...body);
}
function chips(items, text) {
  return h("ul", { class: "up-chips" }, ...items.map((x) => h("li", { title: x.id }, text(x))));
}
function more(total, shown) {
  return total > shown ? h("p", { class: "hint" }, `and ${total - shown} more`) : null;
}

function showResult(summary, loaded) {
  const box = $("#up-result");
  box.textContent = "";
  last = summary ? { summary, loaded } : null;
  box.hidden = !summary;
  $("#up-show").hidden = !(summary && loaded && (summary.found || {}).reports && summary.found.reports.length);
  if (!summary) return;
  const s = summary, found = s.found || {}, totals = found.totals || {};
  const head = loaded
    ? `Loaded ${s.filename}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected.`
    : `Checked ${s.filename} (${s.formats ? Object.values(s.formats)[0] : "?"}): nothing written. It would write `
      + `${s.sources} sources, ${s.entities} entities and ${s.claims} claims; ${s.rejected} rows rejected.`;
  box.append(h("p", { class: "up-head" + (loaded ? " loaded" : "") }, head));
  const counts = h("dl", { class: "up-counts" });
  const add = (k, v) => counts.append(h("dt", {}, k), h("dd", { "data-count": k }, String(v)));
  add("sources", s.sources); add("entities", s.entities); add("claims", s.claims);
  if (loaded) { add("created", s.created); add("updated", s.updated); }
  add("places", totals.places || 0); add("countries", totals.countries || 0);
  add("proposals", (totals.proposals || 0) + (totals.proposed_relations || 0)); add("rejected", s.rejected);
  box.append(counts);
  for (const r of found.reports || []) box.append(h("p", { class: "up-report" }, "Report: ", h("b", {}, r.title), ` (${r.id})`));
  const byLabel = Object.entries(found.by_label || {});
  if (byLabel.length) box.append(h("p", { class: "hint up-types" }, "Entities by type: " + byLabel.map(([k, v]) => `${k} ${v}`).join(" · ")));
  if ((found.places || []).length) {
    box.append(section("Places", totals.places, chips(found.places, (p) => `${p.name}${p.country ? " (" + p.country + (p.kind ? ", " + p.kind : "") + ")" : ""}`),
      more(totals.places, found.places.length)));
  }
  if ((found.countries || []).length) {
    box.append(section("Countries", totals.countries, chips(found.countries, (c) =>
      `${c.name}${(c.roles || []).length ? " — " + c.roles.map((r) => ROLE_TEXT[r] || r).join(", ") : ""}`),
    more(totals.countries, found.countries.length)));
  }
  const nProp = (totals.proposals || 0) + (totals.proposed_relations || 0);
  if (nProp) {
    const review = loaded
      ? h("button", { type: "button", id: "up-review", class: "small" }, "Review these proposals")
      : h("span", { class: "hint" }, " (proposed when the file is loaded)");
    box.append(section("Proposals awaiting review", nProp,
      h("p", { class: "hint" }, `${totals.proposals || 0} names and ${totals.proposed_relations || 0} relationships; not facts until accepted. `, review),
      chips(found.proposals || [], (p) => `${p.name} (${p.label})`), more(totals.proposals || 0, (found.proposals || []).length)));
    if (loaded) review.addEventListener("click", () => guarded(openReviewOfReport));
  }
  if ((found.mentioned || []).length) {
    box.append(section("Already in the graph", totals.mentioned, chips(found.mentioned, (m) => `${m.name}${m.label ? " (" + m.label + ")" : ""}`),
      more(totals.mentioned, found.mentioned.length)));
  }
  const scr = s.screening || {};
  if (loaded && (scr.screened || scr.skipped)) {
    const listed = scr.listed || [];
    box.append(section("Screening against listed actors", listed.length,
      scr.skipped ? h("p", { class: "hint" }, scr.skipped)
        : listed.length ? h("ul", { class: "up-listed" }, ...listed.map((x) => h("li", {}, h("b", {}, x.name || x.record),
          ` (${x.label}) ${x.how}` + (x.hit && x.hit !== x.record ? `: ${x.hit}` : ""))))
          : h("p", { class: "hint" }, `${scr.screened} records screened: none is listed or matches a listed actor.`),
      more(listed.length + (scr.more || 0), listed.length)));
  }
  if ((s.rejects || []).length) {
    const rows = s.rejects.map((r) => h("tr", {}, h("td", {}, r.where), h("td", {}, r.field), h("td", {}, r.reason), h("td", { class: "up-value" }, r.value || "")));
    box.append(section("Rejected rows", s.rejected,
      h("div", { class: "up-rejects" }, h("table", {}, h("thead", {}, h("tr", {}, ...["where", "field", "why", "value"].map((t) => h("th", {}, t)))), h("tbody", {}, ...rows))),
      more(s.rejected, s.rejects.length)));
  }
}

async function openReviewOfReport() {
  const reports = ((last && last.summary.found) || {}).reports || [];
  dialog.close("review");
  await openReview("pending", reports.length === 1 ? reports[0].id : null);
}

async function showOnChart() {
  const reports = ((last && last.summary.found) || {}).reports || [];
  dialog.close("chart");
  // not focused: the entity panel reads entities, and a report is a source (its claims are on the chart)
  let added = 0;
  for (const r of reports) added += ((await expand(r.id, { confirmed: true, hops: 1 })) || []).length;
  status(`report on the chart with ${Math.max(0, added - reports.length)} new entities it names · ${countLine()}`);
}

/** Ask the server who this key is and enable *Add report…* for editors and above (disabled, saying why, for others). */
export async function refreshRole() {
  const btn = $("#add-report");
  let me = null;
  try { me = await api("me"); } catch (e) { me = null; }
  state.me = me;
  const ok = !!me && me.roles.indexOf(me.role) >= me.roles.indexOf(ROLE);
  btn.disabled = !ok;
  btn.dataset.role = me ? me.role : "";
  btn.title = ok ? "Add a report (or another ingest file): check it, load it, see what it yielded"
    : me ? `Adding reports needs the ${ROLE} role; this key has ${me.role}`
      : `Adding reports needs an API key with the ${ROLE} role`;
}

$("#add-report").addEventListener("click", () => { if (!$("#add-report").disabled) openUpload(); });
