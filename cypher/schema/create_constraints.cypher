// Idempotent schema step: uniqueness of ids, lookups by label, the full-text search index, and screening's
// blocking index (match_keys: whitespace-separated keys, one Lucene term each). The index on candidate_rule
// holds only the entities a report proposed (a range index leaves out nodes without the property): it is
// what keeps schema/label_proposals cheap.
CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE INDEX entity_label IF NOT EXISTS FOR (n:Entity) ON (n.label);
CREATE INDEX entity_candidate_rule IF NOT EXISTS FOR (n:Entity) ON (n.candidate_rule);
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.search_text]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
CREATE FULLTEXT INDEX entity_keys IF NOT EXISTS FOR (n:Entity) ON EACH [n.match_keys]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}};
