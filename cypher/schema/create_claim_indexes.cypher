// Per relationship type (from the ontology allow-list): claims are found by id (upsert) and by source
// (retraction).
CREATE INDEX claim_id___REL_TYPE__ IF NOT EXISTS FOR ()-[r:__REL_TYPE__]-() ON (r.id);
CREATE INDEX claim_source___REL_TYPE__ IF NOT EXISTS FOR ()-[r:__REL_TYPE__]-() ON (r.source);
