// The other ends of claims touching $ids that pass the filter (a traversal step: ids only).
// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (a:Node) WHERE a.id IN $ids
MATCH (a)-[r]-(b)
WHERE __CLAIM_FILTER__
  AND (size($entity_types) = 0 OR b.label IN $entity_types)
RETURN collect(DISTINCT b.id) AS rows
