// Every node of the database, whatever its labels (a bulk load wants none): from the count store.
MATCH (n) RETURN count(n) AS n
