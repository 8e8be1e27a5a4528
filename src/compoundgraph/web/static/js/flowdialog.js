/* The trace dialog: every option of POST /flows/trace (direction, method, hops, period, minimum amount,
   asset, stop tags including the investigator's own). Built with DOM methods; the last settings used are
   kept for the next trace in this page. */

const STOP_TAGS = [["exchange", "exchange"], ["otc", "OTC desk"], ["payment-provider", "payment provider"]];
export const DEFAULTS = Object.freeze({ direction: "forward", method: "haircut", max_hops: 6, since: "", until: "",
  min_amount: "", asset: "", stop_tags: ["exchange", "otc", "payment-provider"], draw_on_chart: true });
export const METHOD_TEXT = {
  haircut: "Haircut (proportional): each payment out of a wallet carries the same share of every payment in still in its balance.",
  fifo: "FIFO (first in, first out): each payment out spends the oldest payments in that are still unspent first.",
};
let last = { ...DEFAULTS, stop_tags: [...DEFAULTS.stop_tags] };

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const k of kids) e.append(k);
  return e;
}
function radio(name, value, text, note) {
  const label = h("label", { class: "td-choice" }, h("input", { type: "radio", name, value }), " " + text);
  if (note) label.append(h("span", { class: "hint td-note" }, note));
  return label;
}

let dialog = null;
function build() {
  const f = h("form", { method: "dialog" });
  f.append(
    h("h3", { id: "td-title" }, "Trace money flow"),
    h("p", { id: "td-start", class: "hint" }),
    h("fieldset", {}, h("legend", {}, "direction"),
      radio("td-direction", "forward", "forward", " where the funds leaving the wallet went"),
      radio("td-direction", "backward", "backward", " where the funds reaching the wallet came from")),
    h("fieldset", {}, h("legend", {}, "method"),
      radio("td-method", "haircut", "haircut", " " + METHOD_TEXT.haircut.replace(/^[^:]+: /, "")),
      radio("td-method", "fifo", "FIFO", " " + METHOD_TEXT.fifo.replace(/^[^:]+: /, ""))),
    h("div", { class: "td-grid" },
      h("label", {}, "max hops ", h("input", { id: "td-hops", type: "number", min: 1, max: 10, required: true })),
      h("label", {}, "minimum amount ", h("input", { id: "td-min", type: "text", inputmode: "decimal", pattern: "\\d{1,30}(\\.\\d{1,18})?",
        placeholder: "any", size: 10, title: "transfers smaller than this are left out altogether" })),
      h("label", {}, "since ", h("input", { id: "td-since", type: "date" })),
      h("label", {}, "until ", h("input", { id: "td-until", type: "date" })),
      h("label", {}, "asset ", h("input", { id: "td-asset", type: "text", maxlength: 40, size: 8, placeholder: "every asset",
        title: "only transfers of this asset (e.g. USDT); empty: each asset traced on its own" }))),
    h("fieldset", { id: "td-stops" }, h("legend", {}, "stop at wallets tagged"),
      ...STOP_TAGS.map(([v, t]) => h("label", { class: "td-inline" }, h("input", { type: "checkbox", name: "td-stop", value: v }), " " + t)),
      h("label", { class: "td-inline" }, "other tags ", h("input", { id: "td-stop-other", type: "text", size: 22,
        placeholder: "e.g. mixer, casino", title: "your own stop tags, separated by commas" }))),
    h("label", {}, h("input", { id: "td-chart", type: "checkbox" }), " also add the traced wallets to the chart"),
    h("p", { id: "td-error", class: "error", role: "alert" }),
    h("menu", {}, h("button", { id: "td-run", value: "run" }, "Trace"), h("button", { id: "td-cancel", value: "cancel", formnovalidate: true }, "Cancel")),
  );
  f.addEventListener("input", () => { f.querySelector("#td-error").textContent = ""; });
  dialog = h("dialog", { id: "trace-dialog", "aria-labelledby": "td-title" }, f);
  document.body.appendChild(dialog);
  return dialog;
}

function fill(o, startText) {
  const d = dialog || build();
  d.querySelector("#td-start").textContent = startText;
  d.querySelectorAll("input[name=td-direction]").forEach((i) => { i.checked = i.value === o.direction; });
  d.querySelectorAll("input[name=td-method]").forEach((i) => { i.checked = i.value === o.method; });
  d.querySelector("#td-hops").value = String(o.max_hops);
  d.querySelector("#td-min").value = o.min_amount || "";
  d.querySelector("#td-since").value = o.since || "";
  d.querySelector("#td-until").value = o.until || "";
  d.querySelector("#td-asset").value = o.asset || "";
  const known = new Set(STOP_TAGS.map((x) => x[0]));
  d.querySelectorAll("input[name=td-stop]").forEach((i) => { i.checked = o.stop_tags.includes(i.value); });
  d.querySelector("#td-stop-other").value = o.stop_tags.filter((t) => !known.has(t)).join(", ");
  d.querySelector("#td-chart").checked = !!o.draw_on_chart;
  d.querySelector("#td-error").textContent = "";
}

/** The options in the dialog, checked; throws an Error naming the field when one is wrong. */
function read() {
  const d = dialog;
  const v = (s) => d.querySelector(s).value.trim();
  const hops = Number(v("#td-hops"));
  if (!Number.isInteger(hops) || hops < 1 || hops > 10) throw new Error("max hops: a whole number from 1 to 10");
  const min = v("#td-min");
  if (min && !/^\d{1,30}(\.\d{1,18})?$/.test(min)) throw new Error("minimum amount: a plain number such as 100 or 0.5");
  const since = v("#td-since"), until = v("#td-until");
  if (since && until && since > until) throw new Error("since is after until");
  const other = v("#td-stop-other").split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (other.some((t) => t.length > 60)) throw new Error("stop tags: at most 60 characters each");
  const stops = [...d.querySelectorAll("input[name=td-stop]:checked")].map((i) => i.value).concat(other);
  if (stops.length > 20) throw new Error("stop tags: at most 20");
  return {
    direction: d.querySelector("input[name=td-direction]:checked").value,
    method: d.querySelector("input[name=td-method]:checked").value,
    max_hops: hops, since, until, min_amount: min, asset: v("#td-asset"),
    stop_tags: [...new Set(stops)], draw_on_chart: d.querySelector("#td-chart").checked,
  };
}

/** Ask for the trace options (starting from the last used); resolves to them, or null when cancelled. */
export function askTraceOptions(startText, initial) {
  fill(initial || last, startText);
  const d = dialog;
  return new Promise((resolve) => {
    const onClose = () => {
      d.removeEventListener("close", onClose);
      resolve(d.returnValue === "run" ? d._options : null);
    };
    d.returnValue = "";
    d._options = null;
    d.addEventListener("close", onClose);
    d.querySelector("#td-run").onclick = (ev) => {
      try {
        d._options = read();
      } catch (e) {
        ev.preventDefault();
        d.querySelector("#td-error").textContent = e.message;
        return;
      }
      last = { ...d._options, stop_tags: [...d._options.stop_tags] };
    };
    d.showModal();
  });
}
export function lastOptions() { return { ...last, stop_tags: [...last.stop_tags] }; }
export function rememberOptions(o) { last = { ...lastOptions(), ...o, stop_tags: [...(o.stop_tags || last.stop_tags)] }; }

/** The POST /flows/trace body for ``wallets`` under options ``o`` (empty fields left out). */
export function traceBody(wallets, o, asOf) {
  const body = { wallets, direction: o.direction, method: o.method, max_hops: o.max_hops, stop_tags: o.stop_tags };
  if (o.min_amount) body.min_amount = o.min_amount;
  if (o.since) body.since = o.since;
  if (o.until) body.until = o.until;
  if (o.asset) body.asset = o.asset;
  if (asOf) body.as_of = asOf;
  return body;
}
