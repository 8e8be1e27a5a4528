// Take the node's write lock before reading its version (compare-and-swap of an update).
MATCH (i:Investigation {id: $id})
SET i._locked = true
REMOVE i._locked
RETURN properties(i) AS row
