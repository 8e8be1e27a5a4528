// The stance part of the claim filter (joined to claim_filter.cypher by the loader): the claim's own stance
// ($stances, empty: any), and whether its link - the claims joining the same two nodes with the same type
// that pass the rest of the filter (`__SIBLING_FILTER__`: claim_filter.cypher for r2) - is contested (a
// source denies it, or its asserting sources give different periods) or corroborated (two or more sources
// assert it, none denies it). The same rule as ClaimFilter.select (Python) and _STANCE (SQL).
(size($stances) = 0 OR coalesce(r.stance, 'asserts') IN $stances)
  AND ($link IS NULL
       OR ($link = 'contested'
           AND (COUNT { MATCH (a)-[r2]-(b)
                        WHERE type(r2) = type(r) AND startNode(r2) = startNode(r) AND r2.stance = 'denies'
                          AND __SIBLING_FILTER__ } > 0
                OR size(COLLECT { MATCH (a)-[r2]-(b)
                                  WHERE type(r2) = type(r) AND startNode(r2) = startNode(r)
                                    AND coalesce(r2.stance, 'asserts') = 'asserts'
                                    AND (r2.valid_from IS NOT NULL OR r2.valid_to IS NOT NULL)
                                    AND __SIBLING_FILTER__
                                  RETURN DISTINCT coalesce(r2.valid_from, '') + '|' + coalesce(r2.valid_to, '') }) > 1))
       OR ($link = 'corroborated'
           AND COUNT { MATCH (a)-[r2]-(b)
                       WHERE type(r2) = type(r) AND startNode(r2) = startNode(r) AND r2.stance = 'denies'
                         AND __SIBLING_FILTER__ } = 0
           AND size(COLLECT { MATCH (a)-[r2]-(b)
                              WHERE type(r2) = type(r) AND startNode(r2) = startNode(r) AND __SIBLING_FILTER__
                              RETURN DISTINCT r2.source }) > 1))
