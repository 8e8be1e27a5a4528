// New claims (the writer read their ids first, in the same transaction). Rows whose endpoints are missing
// or not a pair the ontology allows ($pairs) are not matched; the writer compares the count and refuses.
UNWIND $rows AS row
MATCH (a:Node {id: row.subject})
MATCH (b:Node {id: row.object})
WHERE [a.label, b.label] IN $pairs
CREATE (a)-[r:__REL_TYPE__]->(b)
SET r = row.props
RETURN count(r) AS n
