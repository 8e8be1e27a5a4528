// Claims touching $ids that pass the filter; the neighbour's type is checked, the end in $ids is not.
// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (a:Node) WHERE a.id IN $ids
MATCH (a)-[r]-(b)
WHERE __CLAIM_FILTER__
  AND (size($entity_types) = 0 OR b.label IN $entity_types)
WITH DISTINCT r
RETURN collect({type: type(r), subject: startNode(r).id, object: endNode(r).id, props: properties(r)}) AS rows
