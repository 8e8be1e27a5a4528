// One page of the entities for an analytics projection: [id, label, name] of each, keyset-paged on the
// id constraint like iter_entities_page, optionally only of $entity_types.
MATCH (n:Entity)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
WITH collect(n.id) AS scanned,
     collect(CASE WHEN size($entity_types) = 0 OR n.label IN $entity_types THEN [n.id, n.label, n.name] END) AS rows
RETURN CASE WHEN size(scanned) = 0 THEN null ELSE scanned[-1] END AS last, size(scanned) AS scanned, rows
