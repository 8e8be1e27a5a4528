// Once per `init`, after the indexes: the label :Proposed made equal to filters.is_proposal (candidate_rule
// and a status pending or rejected), for a database written before the label existed (or by hand). The
// writers keep it equal from then on; the reads test only the label.
// No marker saying "done": both statements are cheap when nothing needs doing, and they also repair what a
// marker would miss (a database restored or imported from older files, an older writer). The first reads
// only the entities a report proposed (an index scan of entity_candidate_rule: nodes without the property
// are not in it; the hint because the planner otherwise scans every entity not yet labelled), the second
// only the nodes already labelled - never the whole graph.
MATCH (n:Entity)
USING INDEX n:Entity(candidate_rule)
WHERE n.candidate_rule IS NOT NULL AND n.status IN ['pending', 'rejected'] AND NOT n:Proposed
CALL (n) { SET n:Proposed } IN TRANSACTIONS OF 10000 ROWS;
MATCH (n:Proposed)
WHERE NOT (n.candidate_rule IS NOT NULL AND coalesce(n.status, '') IN ['pending', 'rejected'])
CALL (n) { REMOVE n:Proposed } IN TRANSACTIONS OF 10000 ROWS;
