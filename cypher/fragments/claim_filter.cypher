// The claim filter, included where a query reads `__CLAIM_FILTER__`: relationship `r` between nodes `a` and
// `b` passes when its type, grade, handling code and dates pass, it neither rests on nor points at a
// hidden source, and - unless $proposals - it is no proposal awaiting review (a candidate's own mention or
// proposed relationship not accepted) and touches no proposed entity that is pending or rejected: a node
// labelled :Proposed (every write keeps that label equal to filters.is_proposal, and `init` repairs a
// database written before it existed; a label test reads the node record already loaded, where testing
// `candidate_rule` and `status` walked each end's property chain for every relationship looked at). The same
// rule as ClaimFilter.base_passes (Python) and _FILTER (the embedded store's SQL); tests hold the three
// equal. The stance part is cypher/fragments/claim_stance.cypher. The neighbour-type check differs per
// query and stays in each file.
// A bound at its "any" value (ClaimFilter.params: 6, 6, 99, which every stored grade and code is within) is
// decided before the relationship is read, so an unfiltered traversal reads no claim's properties.
(size($rel_types) = 0 OR type(r) IN $rel_types)
  AND ($min_r >= 6 OR r.grade_r <= $min_r) AND ($min_c >= 6 OR r.grade_c <= $min_c)
  AND ($max_handling >= 99 OR r.handling_rank <= $max_handling)
  AND ($as_of IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
                          AND (r.valid_to IS NULL OR r.valid_to >= $as_of)))
  AND (size($hidden_sources) = 0
       OR NOT (r.source IN $hidden_sources OR a.id IN $hidden_sources OR b.id IN $hidden_sources))
  AND ($proposals
       OR (NOT (type(r) = 'MENTIONED_IN' AND coalesce(r.role, '') IN ['candidate', 'candidate-relation']
                AND coalesce(r.status, '') <> 'accepted')
           AND NOT a:Proposed AND NOT b:Proposed))
