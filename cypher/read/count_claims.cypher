MATCH ()-[r:__REL_TYPE__]->() RETURN count(r) AS n
