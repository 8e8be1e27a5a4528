// Remove every saved investigation for good (tests only; the API soft-deletes).
MATCH (i:Investigation)
DETACH DELETE i
