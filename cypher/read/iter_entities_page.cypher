// One page of the entities in id order, after $after (keyset paging on the id constraint; one record
// per page instead of one per entity, and no server-side sort of everything).
MATCH (n:Entity)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
WITH collect(n.id) AS scanned, collect(properties(n)) AS rows
RETURN CASE WHEN size(scanned) = 0 THEN null ELSE scanned[-1] END AS last, size(scanned) AS scanned, rows
