// The other ends of claims touching $ids that pass the filter (a traversal step: ids only).
// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (a:Node) WHERE a.id IN $ids
MATCH (a)-[r]-(b)
WHERE (size($rel_types) = 0 OR type(r) IN $rel_types)
  AND (size($entity_types) = 0 OR b.label IN $entity_types)
  AND r.grade_r <= $min_r AND r.grade_c <= $min_c AND r.handling_rank <= $max_handling
  AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
                          AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
RETURN collect(DISTINCT b.id) AS rows
