// Drop $source from entities; delete those left with no source and no claim.
MATCH (n:Entity) WHERE n.id IN $touched OR $source IN n.sources
SET n.sources = [s IN n.sources WHERE s <> $source]
WITH n
WHERE size(n.sources) = 0 AND NOT (n)--()
WITH n, n.id AS id
DELETE n
RETURN count(id) AS removed
