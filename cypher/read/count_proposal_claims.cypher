// The claims the default claim filter drops as proposals, per type: those touching a proposed entity that is
// pending or rejected, and proposals' own claims not accepted (cypher/fragments/claim_filter.cypher).
CALL () {
  MATCH (n:Entity:Proposed)-[r]-()
  RETURN r
  UNION
  MATCH ()-[r:MENTIONED_IN]->()
  WHERE r.role IN ['candidate', 'candidate-relation'] AND coalesce(r.status, '') <> 'accepted'
  RETURN r
}
RETURN type(r) AS type, count(r) AS n
