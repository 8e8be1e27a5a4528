// Candidates from the full-text index plus an exact id; the store contract ranks them. Proposed entities
// pending review or rejected are not found (the review lists them).
CALL db.index.fulltext.queryNodes('entity_search', $lucene, {limit: $limit}) YIELD node
WHERE NOT node:Proposed
RETURN node.id AS id, node.label AS label, node.name AS name, node.aliases AS aliases,
       node.identifiers AS identifiers
UNION
MATCH (node:Entity {id: $id})
WHERE NOT node:Proposed
RETURN node.id AS id, node.label AS label, node.name AS name, node.aliases AS aliases,
       node.identifiers AS identifiers
