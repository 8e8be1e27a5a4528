/* Shared helpers and constants: the DOM query, HTML escaping, amounts and short chart labels. */

export const $ = (s) => document.querySelector(s);
export const SERVER_LAYOUT = 1000;   // above this many nodes nodes are drawn as dots and edges straight
export const OPEN_LIMIT = 500;       // a new chart (search, ?open=) brings at most this many nodes
export const GUARD_DEFAULT = 40;     // an expansion adding more new nodes than this asks first (settable, remembered)
export const HISTORY = 50;
export const LABEL_MAX = 28;
export function fmtAmount(a) {
  const x = Number(a);
  return Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: 2 }) : String(a);
}
/** A label short enough to read on the chart: a long token (a wallet address, a hash) keeps its first five and
    last four characters (TLGa5…CQSq); long titles are cut at a word with an ellipsis. The full value is in
    the tooltip and the entity panel. */
export function shortLabel(text) {
  const t = String(text == null ? "" : text);
  if (t.length <= LABEL_MAX) return t;
  if (!/\s/.test(t)) return t.slice(0, 5) + "…" + t.slice(-4);
  const cut = t.slice(0, LABEL_MAX);
  const sp = cut.lastIndexOf(" ");
  return (sp > LABEL_MAX / 2 ? cut.slice(0, sp) : cut).replace(/[\s,;:.-]+$/, "") + "…";
}
export function esc(s) {
  return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
