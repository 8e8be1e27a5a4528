// One page of the entities for an analytics projection (optionally only of $entity_types): internal id,
// id, label and name as parallel lists, keyset-paged on the id constraint like iter_entities_page. Proposed
// entities pending review or rejected are left out unless $proposals.
MATCH (n:Entity)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
WITH collect(n) AS scanned
WITH scanned,
     [n IN scanned WHERE (size($entity_types) = 0 OR n.label IN $entity_types)
        AND ($proposals OR NOT n:Proposed)]
       AS kept
RETURN CASE WHEN size(scanned) = 0 THEN null ELSE scanned[-1].id END AS last, size(scanned) AS scanned,
       [n IN kept | id(n)] AS keys, [n IN kept | n.id] AS ids, [n IN kept | n.label] AS labels,
       [n IN kept | n.name] AS names
