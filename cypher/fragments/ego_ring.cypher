// One ring of the ego walk, included three times by read/ego_walk (hops 1-3). In: c, hop, frontier (nodes
// at distance hop - 1), seen (every node reached), returned (nodes counted against $limit), truncated,
// supers ([id, degree] of supernodes left unexpanded), depth ([node, distance]), center_degree. A ring
// past $hops or after a cut reads nothing and changes nothing.
CALL (hop, frontier, seen, returned, truncated) {
  WITH hop, frontier, seen, returned WHERE hop <= $hops AND NOT truncated
  UNWIND frontier AS a
  // beyond the centre, a node with more neighbours than the threshold is counted, not expanded; a node
  // with no more relationships in all (the degree store, nothing read) cannot be one
  WITH hop, a, seen, returned,
       CASE WHEN hop > 1 AND COUNT { (a)--() } > $threshold THEN COUNT {
         MATCH (a)-[r]-(b)
         WHERE a <> b AND __CLAIM_FILTER__
           AND (size($entity_types) = 0 OR b.label IN $entity_types)
         RETURN DISTINCT b
       } ELSE 0 END AS degree
  CALL (a, seen, degree) {
    WITH a, seen WHERE degree <= $threshold
    MATCH (a)-[r]-(b)
    WHERE NOT b IN seen AND __CLAIM_FILTER__
      AND (size($entity_types) = 0 OR b.label IN $entity_types)
    RETURN collect(DISTINCT b) AS near
  }
  WITH collect(CASE WHEN degree > $threshold THEN [a.id, degree] END) AS big, collect(near) AS nears,
       head(collect(returned)) AS counted
  // the new nodes in id order; a cut keeps the first ones (and every charted one, which is not counted)
  WITH big, counted, COLLECT {
    UNWIND nears AS near
    UNWIND near AS b
    WITH DISTINCT b
    RETURN b ORDER BY b.id
  } AS reached
  WITH big, counted, reached, [b IN reached WHERE NOT b.id IN $avoid] AS ordered
  WITH big, counted, reached, ordered, [b IN ordered WHERE NOT b.id IN $skip] AS fresh
  WITH big, reached, ordered, fresh, coalesce(counted + size(fresh) > $limit, false) AS cut,
       $limit - counted AS room
  RETURN big, size(reached) AS n_reached, cut,
         CASE WHEN cut THEN [b IN ordered WHERE b.id IN $skip OR (room > 0 AND b.id <= fresh[room - 1].id)]
              ELSE ordered END AS ring
}
WITH c, hop + 1 AS hop, ring AS frontier, seen + ring AS seen,
     returned + size([b IN ring WHERE NOT b.id IN $skip]) AS returned, truncated OR cut AS truncated,
     supers + big AS supers, depth + [b IN ring | [b, hop]] AS depth,
     CASE WHEN hop = 1 THEN n_reached ELSE center_degree END AS center_degree
