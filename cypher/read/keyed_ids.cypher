// Screening's blocking index: for each Lucene query of required keys (by position), the ids of the first
// $limit entities in id order holding every key. One round trip for the whole batch.
UNWIND range(0, size($queries) - 1) AS i
CALL (i) {
  CALL db.index.fulltext.queryNodes('entity_keys', $queries[i]) YIELD node
  WITH node.id AS id ORDER BY id LIMIT $limit
  RETURN collect(id) AS ids
}
RETURN collect({i: i, ids: ids}) AS rows
