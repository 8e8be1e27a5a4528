MATCH (a:Node)-[r]->(b:Node)
WHERE (size($rel_types) = 0 OR type(r) IN $rel_types)
  AND (size($entity_types) = 0 OR (a.label IN $entity_types AND b.label IN $entity_types))
  AND r.grade_r <= $min_r AND r.grade_c <= $min_c AND r.handling_rank <= $max_handling
  AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
                          AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
RETURN type(r) AS type, a.id AS subject, b.id AS object, properties(r) AS props
ORDER BY r.id
