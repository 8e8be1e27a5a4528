MATCH (n:Node) WHERE n.id IN $ids
RETURN properties(n) AS props
