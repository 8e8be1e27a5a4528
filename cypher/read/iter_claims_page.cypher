// One page of the claims of one type in id order, after $after (keyset paging on the type's id index:
// no server-side sort of everything, and one record per page instead of one per claim). `last` is the
// last id scanned, so the next page starts there even when the filter kept none of this page.
MATCH (a:Node)-[r:__REL_TYPE__]->(b:Node)
WHERE r.id > $after
WITH a, r, b ORDER BY r.id LIMIT $page
WITH collect(r.id) AS scanned,
     collect(CASE
       WHEN (size($entity_types) = 0 OR (a.label IN $entity_types AND b.label IN $entity_types))
        AND __CLAIM_FILTER__
       THEN {subject: a.id, object: b.id, props: properties(r)}
     END) AS rows
RETURN CASE WHEN size(scanned) = 0 THEN null ELSE scanned[-1] END AS last, size(scanned) AS scanned, rows
