// Every claim of one type for an analytics projection without a filter, in one result: the internal ids
// of its two nodes and its fingerprint as three parallel lists. A plain type scan, no ordering and no label
// checks (the caller keeps only ends that are entities), about twice as fast as keyset pages; the caller
// uses it only up to a bounded number of claims per type.
MATCH (a)-[r:__REL_TYPE__]->(b)
RETURN collect(id(a)) AS src, collect(id(b)) AS dst, collect(r.fp) AS fps
