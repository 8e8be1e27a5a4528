// Apply a checked change (a null value removes the property: restore clears `deleted`).
MATCH (i:Investigation {id: $id})
SET i += $changes
RETURN properties(i) AS row
