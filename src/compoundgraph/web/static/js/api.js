/* The API client: relative URLs only (the app that served the page), the API key from this browser, errors
   shown in the status line. A failed request throws an Error carrying the HTTP status and the problem+json
   body (`e.status`, `e.problem`: its `detail` and `where`), for dialogs that show them. */
import { $ } from "./util.js";
import { setState } from "./chart.js";

function headers(extra) {
  const h = Object.assign({ Accept: "application/json" }, extra || {});
  const key = localStorage.getItem("cg-api-key");
  if (key) { h.Authorization = "Bearer " + key; h["X-API-Key"] = key; }
  return h;
}
export async function api(path, opts) {
  opts = opts || {};
  const init = { method: opts.method || "GET", headers: headers(opts.body ? { "Content-Type": "application/json" } : null) };
  if (opts.body) init.body = JSON.stringify(opts.body);
  if (opts.form) init.body = opts.form;  // multipart (FormData): the browser sets the Content-Type and boundary
  const r = await fetch(path, init);
  if (!r.ok) {
    let detail = r.statusText, problem = null;
    try { problem = await r.json(); detail = problem.detail || problem.title || JSON.stringify(problem); } catch (e) { /* not JSON */ }
    const err = new Error(`${r.status} ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
    err.status = r.status; err.problem = problem;
    throw err;
  }
  return opts.raw ? r : r.json();
}
export function status(text, isError) {
  const el = $("#status");
  el.textContent = text || "";
  el.classList.toggle("error", !!isError);
}
export async function guarded(fn) {
  try { return await fn(); } catch (e) { status(e.message, true); console.error(e); setState("settled"); return null; }
}
