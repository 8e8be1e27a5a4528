MATCH (n:Node) WHERE n.id IN $ids
RETURN n.id AS id, n.label AS label, coalesce(n.name, n.title) AS name
