// Sources are nodes (:Node:Source); MENTIONED_IN claims point at them.
UNWIND $rows AS row
MERGE (s:Node {id: row.id})
SET s = row.props, s:Source
