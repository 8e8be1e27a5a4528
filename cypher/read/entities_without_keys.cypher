// A page of entities whose screening keys are missing (a database written before they existed).
MATCH (n:Entity)
WHERE n.match_keys IS NULL
WITH n LIMIT $page
RETURN collect(properties(n)) AS rows
