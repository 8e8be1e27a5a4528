// Distinct neighbours of each id through claims that pass the filter. Nodes with no more than $above
// relationships in all are skipped first: that count comes from the degree store, without reading them.
// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (a:Node) WHERE a.id IN $ids
WITH a WHERE COUNT { (a)--() } > $above
MATCH (a)-[r]-(b)
WHERE a <> b
  AND __CLAIM_FILTER__
  AND (size($entity_types) = 0 OR b.label IN $entity_types)
WITH a.id AS id, count(DISTINCT b) AS degree
RETURN collect({id: id, degree: degree}) AS rows
