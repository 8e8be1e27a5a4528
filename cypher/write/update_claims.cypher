// Claims whose content changed (same id, same endpoints: the id is a hash of them).
UNWIND $rows AS row
MATCH ()-[r:__REL_TYPE__ {id: row.id}]->()
SET r = row.props
RETURN count(r) AS n
