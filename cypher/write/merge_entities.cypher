// Rows are complete, already merged with what the store held (the writer reads, merges, writes).
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n = row.props, n:Entity:__LABEL__
