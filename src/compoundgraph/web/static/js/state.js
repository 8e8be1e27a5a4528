/* What is on the chart: the API's subgraph JSON (src/compoundgraph/views.py) in `state.raw`, plus
   hidden, pinned, supernodes, highlights, the entity details cache, the undo history and the filters. The vis
   DataSets are derived from it with the current styling and filters, so filters and undo never lose data. */

export const state = {
  ontology: null,
  raw: { nodes: new Map(), edges: new Map() },
  hidden: new Set(),
  pinned: new Set(),
  supernodes: new Map(),
  highlight: new Set(),
  details: new Map(),
  history: [],
  filters: { types: new Set(), rels: new Set(), minR: "", minC: "", asOf: null, keepOrphans: false, link: "" },
  pathFrom: null,
  lastResults: null,
};
