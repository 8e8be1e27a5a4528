// One relationship per claim id; endpoints were checked to exist in the same transaction.
UNWIND $rows AS row
MATCH (a:Node {id: row.subject})
MATCH (b:Node {id: row.object})
MERGE (a)-[r:__REL_TYPE__ {id: row.id}]->(b)
SET r = row.props
