// Per relationship type (from the ontology allow-list): a claim id is unique (the writer creates new claims
// with CREATE, so the constraint is what stops a duplicate from a concurrent writer), and claims are found by
// source (retraction). An index of an earlier schema on the id gives way to the constraint.
DROP INDEX claim_id___REL_TYPE__ IF EXISTS;
CREATE CONSTRAINT claim_uid___REL_TYPE__ IF NOT EXISTS FOR ()-[r:__REL_TYPE__]-() REQUIRE r.id IS UNIQUE;
CREATE INDEX claim_source___REL_TYPE__ IF NOT EXISTS FOR ()-[r:__REL_TYPE__]-() ON (r.source);
