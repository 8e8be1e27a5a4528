MATCH ()-[r:__REL_TYPE__]->() WHERE r.id IN $ids
RETURN r.id AS id, r.fp AS fp
