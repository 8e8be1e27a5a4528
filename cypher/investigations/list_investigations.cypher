// Every investigation without its chart (the caller filters by access), as one record.
MATCH (i:Investigation)
WHERE $include_deleted OR i.deleted IS NULL
RETURN collect(i {.id, .title, .owner, .created, .modified, .modified_by, .version, .entities, .size, .shares,
                  .deleted, .deleted_by}) AS rows
