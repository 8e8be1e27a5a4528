// Load FILE (a compoundgraph graph.cyjs) into a headless Cytoscape.js instance with cy.json(), the way a
// page that embeds Cytoscape.js would, and print what Cytoscape.js made of it as JSON on stdout.
// Usage: node check.mjs FILE
import { readFileSync } from "node:fs";
import cytoscape from "cytoscape";

const file = process.argv[2];
if (!file) {
  console.error("usage: node check.mjs FILE");
  process.exit(2);
}
const warnings = [];
for (const level of ["warn", "error"]) {
  // Cytoscape.js reports a bad element (an edge to a missing node, a duplicate id) on the console and goes on
  console[level] = (...args) => warnings.push(args.map(String).join(" "));
}
const doc = JSON.parse(readFileSync(file, "utf8"));
const cy = cytoscape({
  headless: true,
  styleEnabled: true,
  style: [
    { selector: "node", style: { "background-color": "data(colour)", label: "data(name)" } },
    { selector: "edge", style: { label: "data(type)" } },
  ],
});
cy.json(doc);
const nodes = {};
cy.nodes().forEach((n) => {
  nodes[n.id()] = { name: n.data("name"), label: n.data("label"), colour: n.style("background-color") };
});
const edges = {};
cy.edges().forEach((e) => {
  edges[e.id()] = { source: e.source().id(), target: e.target().id(), type: e.data("type"), grade: e.data("grade") };
});
const degree = {};
cy.nodes().forEach((n) => { degree[n.id()] = n.degree(false); });
const out = JSON.stringify({ version: cytoscape.version, data: cy.data(), nodes, edges, degree, warnings }) + "\n";
cy.destroy();
// write, then leave: Cytoscape.js keeps timers that would hold the process open
process.stdout.write(out, () => process.exit(0));
