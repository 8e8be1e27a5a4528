// A new investigation: $row holds its id, metadata, version 1, and its chart as JSON text.
CREATE (i:Investigation)
SET i = $row
