// Screening candidates for a batch of queries: for each query (by its position), the ids the full-text index
// finds for its Lucene text, best first. One round trip for the whole batch; the caller scores them.
UNWIND range(0, size($queries) - 1) AS i
CALL (i) {
  CALL db.index.fulltext.queryNodes('entity_search', $queries[i], {limit: $limit}) YIELD node
  RETURN collect(node.id) AS ids
}
RETURN collect({i: i, ids: ids}) AS rows
