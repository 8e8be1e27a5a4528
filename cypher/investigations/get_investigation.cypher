MATCH (i:Investigation {id: $id})
RETURN properties(i) AS row
