// Delete one type's claims made by $source; return the entities they touched.
MATCH (a)-[r:__REL_TYPE__]->(b) WHERE r.source = $source
WITH r, a.id AS a, b.id AS b
DELETE r
RETURN collect(a) + collect(b) AS touched, count(*) AS n
