// Rows are complete, already merged with what the store held (the writer reads, merges, writes).
// row.proposed (filters.is_proposal of the row) puts the label :Proposed on, or takes it off, which every
// read tests instead of the properties (cypher/fragments/claim_filter.cypher).
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n = row.props, n:Entity:__LABEL__
FOREACH (_ IN CASE WHEN row.proposed THEN [1] ELSE [] END | SET n:Proposed)
FOREACH (_ IN CASE WHEN row.proposed THEN [] ELSE [1] END | REMOVE n:Proposed)
