// GraphStore.ego's plain walk (expansion.walk: breadth first, new nodes taken in id order up to $limit,
// supernodes reached but not expanded) and its answer, in one query; tests/store/test_store_ego.py holds
// it equal to the Python walk. Only the frontier's ordinary nodes are expanded; a supernode's relationships
// are read only to count its neighbours; the answer's claims are read from their end with fewer
// relationships, so a hub's thousands of claims are not read for the few that join it to the answer.
// Parameters: $center, $hops (1-3), $limit, $threshold (supernode), $skip (ids the caller has: traversed,
// not counted, returned only as claim ends), $avoid (not entered), and the claim filter's.
MATCH (c:Node {id: $center})
// a proposed centre awaiting review is no entity unless $proposals (the claim filter's rule for an end)
WHERE $proposals OR NOT c:Proposed
WITH c, 1 AS hop, [c] AS frontier, [c] AS seen, 1 AS returned, false AS truncated, [] AS supers,
     [[c, 0]] AS depth, 0 AS center_degree
__EGO_RING__
__EGO_RING__
__EGO_RING__
WITH truncated, supers, depth, center_degree, [x IN depth | x[0]] AS members
WITH truncated, supers, depth, center_degree, members,
     [x IN members WHERE COUNT { (x)--() } > $threshold] AS large
// a claim between two ordinary nodes is read from its subject, one touching a large node from the other end
CALL (members, large) {
  UNWIND members AS a
  WITH a, members, large WHERE NOT a IN large
  MATCH (a)-[r]-(b)
  WHERE b IN members AND (startNode(r) = a OR b IN large) AND __CLAIM_FILTER__
  RETURN collect(DISTINCT r) AS ordinary
}
// between two large nodes: each pair checked from its sparser end (Expand(Into))
CALL (large) {
  UNWIND large AS a
  UNWIND large AS b
  MATCH (a)-[r]->(b)
  WHERE __CLAIM_FILTER__
  RETURN collect(r) AS between_large
}
WITH truncated, supers, depth, center_degree,
     [r IN ordinary + between_large WHERE NOT (startNode(r).id IN $skip AND endNode(r).id IN $skip)] AS claims
RETURN [x IN depth | {id: x[0].id, label: x[0].label, name: coalesce(x[0].name, x[0].title), hop: x[1]}] AS nodes,
       [r IN claims | {type: type(r), subject: startNode(r).id, object: endNode(r).id, props: properties(r)}]
         AS claims,
       supers AS supernodes, truncated, center_degree
