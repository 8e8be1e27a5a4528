// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (n:Node) WHERE n.id IN $ids
RETURN collect(properties(n)) AS rows
