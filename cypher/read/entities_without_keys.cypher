// A page of entities whose screening keys are missing (a database written before they existed) or of an
// older version (they start with another version mark than $mark).
MATCH (n:Entity)
WHERE n.match_keys IS NULL OR NOT (n.match_keys = $mark OR n.match_keys STARTS WITH $mark + ' ')
WITH n LIMIT $page
RETURN collect(properties(n)) AS rows
