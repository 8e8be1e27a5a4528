// One page of the claims of one type for an analytics projection: the internal ids of each passing
// claim's two nodes and its fingerprint, as three parallel lists (integers decode far faster than ids).
// Keyset-paged on the type's id index like iter_claims_page, whose filter this repeats; internal ids are
// only stable within a transaction, so the caller reads every page and the entities in one.
MATCH (a:Node)-[r:__REL_TYPE__]->(b:Node)
WHERE r.id > $after
WITH a, r, b ORDER BY r.id LIMIT $page
WITH collect(r.id) AS scanned,
     collect(CASE
       WHEN (size($entity_types) = 0 OR (a.label IN $entity_types AND b.label IN $entity_types))
        AND __CLAIM_FILTER__
       THEN [id(a), id(b), r.fp]
     END) AS kept
RETURN CASE WHEN size(scanned) = 0 THEN null ELSE scanned[-1] END AS last, size(scanned) AS scanned,
       [x IN kept | x[0]] AS src, [x IN kept | x[1]] AS dst, [x IN kept | x[2]] AS fps
