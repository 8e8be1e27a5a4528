MATCH (n:Source) RETURN properties(n) AS props ORDER BY n.id
