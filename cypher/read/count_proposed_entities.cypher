// Proposed entities awaiting review or rejected (filters.is_proposal), per label: /stats counts facts only.
MATCH (n:Entity:Proposed)
RETURN n.label AS label, count(n) AS n
