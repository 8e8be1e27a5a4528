/* Both attribution methods side by side (POST /flows/compare): one row per end point with its haircut and
   FIFO amounts, sortable by every column, with the totals of each method against the traced amount, and the
   same table as CSV from the server (spreadsheet-safe cells, as every CSV export of the app). */
import { fmtAmount, shortLabel } from "./util.js";
import { stopKeys, stopColour, stopText } from "./flowview.js";

const num = (x) => (x == null || x === "" ? -Infinity : Number(x));
/** The columns: heading, how a row sorts, how a cell shows. */
export const COLUMNS = [
  { key: "wallet", head: "end point", sort: (r) => (r.name || r.wallet).toLowerCase() },
  { key: "holders", head: "held by", sort: (r) => (r.holders || []).map((h) => h.name).join(", ").toLowerCase() },
  { key: "asset", head: "asset", sort: (r) => r.asset || "" },
  { key: "haircut", head: "haircut", sort: (r) => num(r.amounts.haircut), numeric: true },
  { key: "fifo", head: "FIFO", sort: (r) => num(r.amounts.fifo), numeric: true },
  { key: "difference", head: "FIFO − haircut", sort: (r) => num(r.difference), numeric: true },
  { key: "why_haircut", head: "why it stops (haircut)", sort: (r) => r.reasons.haircut.join(", ") },
  { key: "why_fifo", head: "why it stops (FIFO)", sort: (r) => r.reasons.fifo.join(", ") },
  { key: "hops_haircut", head: "hops (haircut)", sort: (r) => num(r.hops.haircut), numeric: true },
  { key: "hops_fifo", head: "hops (FIFO)", sort: (r) => num(r.hops.fifo), numeric: true },
  { key: "tags", head: "tags", sort: (r) => (r.tags || []).join(", ") },
];

function td(text, cls) {
  const c = document.createElement("td");
  if (cls) c.className = cls;
  c.textContent = text;
  return c;
}
function why(reasons) {
  const c = document.createElement("td");
  for (const k of stopKeys(reasons)) {
    const s = document.createElement("span");
    s.className = "why";
    const dot = document.createElement("i");
    dot.style.background = stopColour(k);
    s.append(dot, document.createTextNode(stopText(k)));
    c.appendChild(s);
  }
  c.title = reasons.join(", ");
  return c;
}

/** Render the comparison ``cmp`` into ``host``; ``sort`` is {key, dir} and clicking a heading re-sorts.
    ``onSelect(wallet)`` on a click on a wallet. */
export function drawCompare(host, cmp, sort, onSelect) {
  host.replaceChildren();
  const rows = (cmp.endpoints || []).slice();
  const col = COLUMNS.find((c) => c.key === sort.key) || COLUMNS[3];
  const dir = sort.dir === "asc" ? 1 : -1;
  rows.sort((a, b) => {
    const x = col.sort(a), y = col.sort(b);
    return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.wallet < b.wallet ? -1 : 1);
  });
  const table = document.createElement("table");
  table.className = "flow-compare";
  const thead = table.createTHead().insertRow();
  for (const c of COLUMNS) {
    const th = document.createElement("th");
    th.dataset.key = c.key;
    th.tabIndex = 0;
    th.setAttribute("aria-sort", c.key === col.key ? (dir > 0 ? "ascending" : "descending") : "none");
    th.textContent = c.head + (c.key === col.key ? (dir > 0 ? " ▲" : " ▼") : "");
    if (c.numeric) th.className = "num";
    const go = () => {
      const next = c.key === col.key ? { key: c.key, dir: dir > 0 ? "desc" : "asc" } : { key: c.key, dir: c.numeric ? "desc" : "asc" };
      Object.assign(sort, next);
      drawCompare(host, cmp, sort, onSelect);
    };
    th.addEventListener("click", go);
    th.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
    thead.appendChild(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.wallet = r.wallet;
    const w = td(shortLabel(r.name || r.wallet), "wallet");
    w.title = r.name && r.name !== r.wallet ? `${r.name} (${r.wallet})` : r.wallet;
    w.addEventListener("click", () => onSelect && onSelect(r.wallet));
    tr.append(w, td((r.holders || []).map((h) => h.name).join(", ")), td(r.asset || ""),
      td(fmtAmount(r.amounts.haircut), "num"), td(fmtAmount(r.amounts.fifo), "num"),
      td(fmtAmount(r.difference), "num" + (Number(r.difference) ? " differs" : "")),
      why(r.reasons.haircut), why(r.reasons.fifo),
      td(r.hops.haircut == null ? "" : String(r.hops.haircut), "num"), td(r.hops.fifo == null ? "" : String(r.hops.fifo), "num"),
      td((r.tags || []).join(", ")));
  }
  // totals per asset: each method's end points add up to the traced amount
  const foot = table.createTFoot();
  const assets = Object.keys((cmp.traced || {}).haircut || {}).sort();
  for (const a of assets) {
    const tr = foot.insertRow();
    tr.dataset.asset = a;
    const t = (cmp.totals || {});
    tr.append(td("total", "wallet"), td(""), td(a), td(fmtAmount((t.haircut || {})[a] || "0"), "num total-haircut"),
      td(fmtAmount((t.fifo || {})[a] || "0"), "num total-fifo"), td(""),
      td(`traced ${fmtAmount(cmp.traced.haircut[a])} ${a}`, "traced"), td(cmp.balanced ? "both add up" : "DO NOT ADD UP"), td(""), td(""), td(""));
  }
  host.appendChild(table);
  return rows.length;
}
