// Empty compoundgraph's part of the database in batches (tests and `init --reset`).
MATCH (n:Node) WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS n
