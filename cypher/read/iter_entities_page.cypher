// One page of the entities in id order, after $after (keyset paging on the id constraint; one record
// per page instead of one per entity, and no server-side sort of everything). Proposed entities pending
// review or rejected are left out unless $proposals.
MATCH (n:Entity)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
WITH collect(n.id) AS scanned,
     collect(CASE
       WHEN $proposals OR NOT n:Proposed
       THEN properties(n)
     END) AS rows
RETURN CASE WHEN size(scanned) = 0 THEN null ELSE scanned[-1] END AS last, size(scanned) AS scanned, rows
