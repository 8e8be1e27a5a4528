// The source node itself and anything still pointing at it (MENTIONED_IN from other sources).
MATCH (s:Source {id: $source})
OPTIONAL MATCH (x)-[r]->(s)
WITH s, collect(x.id) AS touched, count(r) AS n
DETACH DELETE s
RETURN touched, n
