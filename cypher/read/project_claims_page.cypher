// One page of the claims of one type for an analytics projection: [subject id, object id, fingerprint]
// of each claim passing the filter, keyset-paged on the type's id index like iter_claims_page (whose
// filter this repeats), but without the claims' properties.
MATCH (a:Node)-[r:__REL_TYPE__]->(b:Node)
WHERE r.id > $after
WITH a, r, b ORDER BY r.id LIMIT $page
WITH collect(r.id) AS scanned,
     collect(CASE
       WHEN (size($entity_types) = 0 OR (a.label IN $entity_types AND b.label IN $entity_types))
        AND r.grade_r <= $min_r AND r.grade_c <= $min_c AND r.handling_rank <= $max_handling
        AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
                                AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
       THEN [a.id, b.id, r.fp]
     END) AS rows
RETURN CASE WHEN size(scanned) = 0 THEN null ELSE scanned[-1] END AS last, size(scanned) AS scanned, rows
