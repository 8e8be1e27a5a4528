// Screening's blocking keys of existing entities (see store/match_keys.py).
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.match_keys = row.keys
