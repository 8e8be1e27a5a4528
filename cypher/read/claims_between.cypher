// Claims passing the filter with both ends in $ids (the edges of an ego network).
// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (a:Node) WHERE a.id IN $ids
MATCH (a)-[r]->(b)
WHERE b.id IN $ids
  AND (size($rel_types) = 0 OR type(r) IN $rel_types)
  AND r.grade_r <= $min_r AND r.grade_c <= $min_c AND r.handling_rank <= $max_handling
  AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
                          AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
RETURN collect({type: type(r), subject: a.id, object: b.id, props: properties(r)}) AS rows
