// One record holding every row: the driver handles a record at a time, far slower than one big value.
MATCH (n:Node) WHERE n.id IN $ids
RETURN collect({id: n.id, label: n.label, name: coalesce(n.name, n.title)}) AS rows
