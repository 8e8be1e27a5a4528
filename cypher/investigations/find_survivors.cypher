// Entities that absorbed any of $ids in an accepted merge (the merged ids are kept as referents).
MATCH (n:Entity)
WHERE any(r IN coalesce(n.referents, []) WHERE r IN $ids)
RETURN collect({id: n.id, gone: [r IN n.referents WHERE r IN $ids]}) AS rows
