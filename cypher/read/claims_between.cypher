// Claims passing the filter with both ends in $ids (the edges of an ego network).
// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (a:Node) WHERE a.id IN $ids
MATCH (a)-[r]->(b)
WHERE b.id IN $ids
  AND __CLAIM_FILTER__
RETURN collect({type: type(r), subject: a.id, object: b.id, props: properties(r)}) AS rows
