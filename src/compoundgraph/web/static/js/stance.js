/* Stance of claims, the server's rule (compoundgraph.store.filters.link_is): the claims joining the same two
   entities with the same type are one link; it is contested when a source denies it or its asserting sources
   give different periods, corroborated when two or more sources assert it and none denies it (both can hold).
   Works on the chart's edges (from/to) and on the panel's claims (subject/object). */

export function stanceOf(c) {
  return (c.stance || (c.properties || {}).stance) === "denies" ? "denies" : "asserts";
}

/** {contested: Set of claim ids, corroborated: Set of claim ids} over `claims`. */
export function linkStances(claims) {
  const groups = new Map();
  for (const c of claims) {
    const k = `${c.subject || c.from}|${c.type}|${c.object || c.to}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(c);
  }
  const contested = new Set();
  const corroborated = new Set();
  for (const g of groups.values()) {
    const asserting = g.filter((c) => stanceOf(c) === "asserts");
    const periods = new Set(asserting.filter((c) => c.valid_from || c.valid_to).map((c) => `${c.valid_from || ""}|${c.valid_to || ""}`));
    if (asserting.length < g.length || periods.size > 1) g.forEach((c) => contested.add(c.id));
    if (asserting.length === g.length && new Set(g.map((c) => c.source)).size > 1) g.forEach((c) => corroborated.add(c.id));
  }
  return { contested, corroborated };
}

/** The badges of one claim, as HTML. */
export function stanceBadges(c, sets) {
  return (sets.contested.has(c.id) ? '<span class="badge contested" title="a source denies this link, or the sources give different periods">contested</span>' : "") +
    (sets.corroborated.has(c.id) ? '<span class="badge corroborated" title="two or more sources assert this link and none denies it">corroborated</span>' : "") +
    (stanceOf(c) === "denies" ? '<span class="badge denies" title="this source denies the link">denies</span>' : "");
}
