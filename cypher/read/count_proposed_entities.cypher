// Proposed entities awaiting review or rejected (filters.is_proposal), per label: /stats counts facts only.
MATCH (n:Entity)
WHERE n.candidate_rule IS NOT NULL AND n.status IN ['pending', 'rejected']
RETURN n.label AS label, count(n) AS n
