MATCH (n:Entity) RETURN properties(n) AS props ORDER BY n.id
