/* Traces kept in investigations: save the trace on screen (its parameters and reproducibility stamp) into an
   investigation the user may edit, or a new one; list the traces saved in an investigation and check each
   against the graph now (POST /investigations/{id}/traces/check: the stamp of a fresh run differs when the
   graph under the trace changed). Talks to the investigations API only; the chart's own Save/Open is
   elsewhere. */
import { api } from "./api.js";

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null && v !== false) e.setAttribute(k, v === true ? "" : String(v));
  for (const k of kids) e.append(k);
  return e;
}
const when = (ts) => String(ts || "").replace("T", " ").slice(0, 16);

/** Investigations the caller may add a trace to (owner or edit access), most recent first. */
export async function editableInvestigations() {
  const list = (await api("investigations")).investigations || [];
  return list.filter((i) => i.access === "owner" || i.access === "edit");
}
export async function readableInvestigations() {
  return (await api("investigations")).investigations || [];
}

/** The trace to keep: what /traces/check re-runs (a /flows/trace body) and the stamp of this run. */
export function savedTrace(title, body, stamp) {
  const params = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== "" && v != null));
  return { title: String(title).slice(0, 200), params, stamp };
}

/** Add ``trace`` to investigation ``id`` (optimistic version: a 409 says who saved it in between). */
export async function addTrace(id, trace) {
  const inv = await api("investigations/" + encodeURIComponent(id));
  const chart = Object.assign({}, inv.chart, { traces: (inv.chart.traces || []).concat([trace]) });
  return api("investigations/" + encodeURIComponent(id), { method: "PUT", body: { version: inv.version, chart } });
}
export async function createWithTrace(title, trace) {
  return api("investigations", { method: "POST", body: { title: String(title).slice(0, 200), chart: { traces: [trace] } } });
}

let saveDialog = null;
/** Ask where to save: resolves to {id} of an existing investigation, {title} of a new one, and the trace's
    own title; null when cancelled. */
export async function askWhereToSave(defaultTitle) {
  const list = await editableInvestigations();
  if (!saveDialog) {
    saveDialog = h("dialog", { id: "flow-save", "aria-labelledby": "fs-head" },
      h("form", { method: "dialog" },
        h("h3", { id: "fs-head" }, "Save the trace into an investigation"),
        h("label", {}, "investigation ", h("select", { id: "fs-inv" })),
        h("label", { id: "fs-new-row" }, "title of the new investigation ", h("input", { id: "fs-new", type: "text", maxlength: 200, size: 36 })),
        h("label", {}, "name of the trace ", h("input", { id: "fs-title", type: "text", maxlength: 200, size: 44 })),
        h("p", { id: "fs-error", class: "error", role: "alert" }),
        h("menu", {}, h("button", { id: "fs-save", value: "save" }, "Save"), h("button", { value: "cancel", formnovalidate: true }, "Cancel"))));
    document.body.appendChild(saveDialog);
    saveDialog.querySelector("#fs-inv").addEventListener("change", () => {
      saveDialog.querySelector("#fs-new-row").hidden = saveDialog.querySelector("#fs-inv").value !== "";
    });
  }
  const d = saveDialog;
  const sel = d.querySelector("#fs-inv");
  sel.replaceChildren(h("option", { value: "" }, "a new investigation…"),
    ...list.map((i) => h("option", { value: i.id }, `${i.title} (${i.owner_name || i.owner}, ${when(i.modified)})`)));
  if (list.length) sel.value = list[0].id;
  d.querySelector("#fs-new-row").hidden = sel.value !== "";
  d.querySelector("#fs-new").value = "";
  d.querySelector("#fs-title").value = defaultTitle;
  d.querySelector("#fs-error").textContent = "";
  return new Promise((resolve) => {
    let answer = null;
    d.querySelector("#fs-save").onclick = (ev) => {
      const id = sel.value, title = d.querySelector("#fs-title").value.trim() || defaultTitle;
      const fresh = d.querySelector("#fs-new").value.trim();
      if (!id && !fresh) { ev.preventDefault(); d.querySelector("#fs-error").textContent = "give the new investigation a title"; return; }
      answer = id ? { id, traceTitle: title } : { title: fresh, traceTitle: title };
    };
    d.addEventListener("close", () => resolve(d.returnValue === "save" ? answer : null), { once: true });
    d.returnValue = "";
    d.showModal();
  });
}

let openDialog = null;
/** The saved traces: pick an investigation, see its traces checked against the graph now, open one.
    ``onOpen(trace, check, investigation)`` is called with the chosen trace and its check. */
export async function showSavedTraces(onOpen) {
  const list = await readableInvestigations();
  if (!openDialog) {
    openDialog = h("dialog", { id: "flow-open", "aria-labelledby": "fo-head" },
      h("form", { method: "dialog" },
        h("h3", { id: "fo-head" }, "Traces saved in investigations"),
        h("label", {}, "investigation ", h("select", { id: "fo-inv" })),
        h("div", { id: "fo-traces", class: "fo-traces" }),
        h("menu", {}, h("button", { value: "close" }, "Close"))));
    document.body.appendChild(openDialog);
  }
  const d = openDialog;
  const sel = d.querySelector("#fo-inv");
  const box = d.querySelector("#fo-traces");
  sel.replaceChildren(...list.map((i) => h("option", { value: i.id }, `${i.title} (${i.owner_name || i.owner}, ${when(i.modified)})`)));
  const load = async () => {
    box.replaceChildren(h("p", { class: "hint" }, list.length ? "checking the saved traces against the graph now…" : "no investigation yet: save a trace first"));
    if (!sel.value) return;
    const id = sel.value;
    const inv = await api("investigations/" + encodeURIComponent(id));
    const traces = (inv.chart && inv.chart.traces) || [];
    if (!traces.length) { box.replaceChildren(h("p", { class: "hint" }, "no trace saved in this investigation")); return; }
    const checks = (await api(`investigations/${encodeURIComponent(id)}/traces/check`, { method: "POST", body: {} })).traces || [];
    if (sel.value !== id) return;
    const table = h("table", { class: "fo-table" }, h("tr", {}, h("th", {}, "trace"), h("th", {}, "since it was saved"), h("th", {}, "")));
    checks.forEach((c) => {
      const state = c.error ? "cannot run again: " + c.error : c.changed ? "the graph under it CHANGED" : "unchanged";
      const btn = h("button", { type: "button", class: "small", "data-index": c.index }, "Open");
      btn.addEventListener("click", () => { d.close("open"); onOpen(traces[c.index], c, inv); });
      table.append(h("tr", { class: c.changed ? "changed" : c.error ? "error" : "same", "data-index": c.index },
        h("td", {}, c.title || `trace ${c.index + 1}`), h("td", { class: "fo-state" }, state), h("td", {}, btn)));
    });
    box.replaceChildren(table);
  };
  sel.onchange = () => load().catch((e) => box.replaceChildren(h("p", { class: "error" }, e.message)));
  d.showModal();
  await load().catch((e) => box.replaceChildren(h("p", { class: "error" }, e.message)));
}
