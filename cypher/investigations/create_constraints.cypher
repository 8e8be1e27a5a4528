// Saved investigations are nodes of their own label: never Node or Entity, so no graph query sees them.
CREATE CONSTRAINT investigation_id IF NOT EXISTS FOR (i:Investigation) REQUIRE i.id IS UNIQUE;
