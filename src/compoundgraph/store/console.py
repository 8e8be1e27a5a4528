"""The read-only Cypher console's database side (``POST /cypher``): the one place it talks to Neo4j.

A query passes three gates before a row comes back:

1. a lexical allow-list (no database needed): the query starts with a reading clause (``MATCH``,
   ``OPTIONAL MATCH``, ``WITH``, ``UNWIND``, ``RETURN``, ``CALL``); every ``CALL`` of a procedure names one of
   :data:`PROCEDURES`; ``SHOW`` and ``TERMINATE`` commands, administration commands, ``LOAD CSV``, ``USE``,
   ``dbms.*`` and batched transactions are refused with the reason. Neo4j's ``EXPLAIN`` calls ``SHOW
   TRANSACTIONS`` and ``TERMINATE TRANSACTIONS`` reads, so the planner's word alone would let an analyst list
   other users' queries with their parameters and stop them;
2. ``EXPLAIN`` classifies it; only query type ``'r'`` (read-only) goes on - writes (``'w'``, ``'rw'``, which
   includes write procedures) and schema changes (``'s'``) are refused with the reason;
3. it runs in an explicit transaction opened in a READ access-mode session (the server itself refuses any
   write in it), with a server-side timeout, a row cap, and the transaction is rolled back, never committed.

Values come back JSON-ready: nodes, relationships and paths as dicts, temporal values as ISO strings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from neo4j import READ_ACCESS
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Path, Relationship

from ..errors import CompoundGraphError, Forbidden, InvalidInput, StoreUnavailable

__all__ = [
    "ConsoleResult",
    "run_read_only",
    "classify",
    "gate",
    "QueryTimeout",
    "NotSupported",
    "MAX_QUERY",
    "PROCEDURES",
    "FIRST_CLAUSES",
]

MAX_QUERY = 20_000  # characters


class QueryTimeout(CompoundGraphError):
    status = 504
    title = "Query timeout"


class NotSupported(CompoundGraphError):
    """The store (or build) in use cannot do this: 409, the request conflicts with how the server runs
    (a 5xx would say the server is broken, which it is not)."""

    status = 409
    title = "Not available"


@dataclass
class ConsoleResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    query_type: str
    elapsed_ms: float


# Strings and comments are blanked before keyword checks, so a keyword inside a literal does not count.
_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
_FORBIDDEN = [
    (re.compile(r"\bLOAD\s+CSV\b", re.I), "LOAD CSV reads files and URLs on the server; refused"),
    (re.compile(r"^\s*USE\b|\bUSE\s+[A-Za-z_`]", re.I), "USE would switch to another database; refused"),
    (re.compile(r"\bCALL\s+dbms\s*\.", re.I), "dbms.* procedures administer the server; refused"),
    (re.compile(r"\bPERIODIC\s+COMMIT\b|\bIN\s+TRANSACTIONS\b", re.I), "batched write transactions; refused"),
]
_WRITE_WORDS = re.compile(
    r"\b(DETACH\s+DELETE|CREATE\s+(?:OR\s+REPLACE\s+)?(?:INDEX|CONSTRAINT|DATABASE|USER|ROLE|ALIAS)|"
    r"DROP|ALTER|GRANT|DENY|REVOKE|CREATE|MERGE|DELETE|SET|REMOVE|FOREACH|CALL\s+[A-Za-z_][\w.]*)\b",
    re.I,
)
# The procedures the console may call, each with why it is harmless. Everything else is refused: Neo4j's
# built-in procedures include ones that read other users' query texts (db.stats.retrieve), clear or
# collect statistics, force replanning or resample indexes, which EXPLAIN still calls reads.
PROCEDURES: dict[str, str] = {
    "db.labels": "lists the node labels in use",
    "db.relationshiptypes": "lists the relationship types in use",
    "db.propertykeys": "lists the property keys in use",
    "db.schema.visualization": "draws the graph's schema (labels and the types between them)",
    "db.index.fulltext.querynodes": "searches a full-text index of nodes (the names search)",
    "db.index.fulltext.queryrelationships": "searches a full-text index of relationships",
}
FIRST_CLAUSES = ("MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL")
_STRINGS_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.S)
_WORD = r"(?<![\w.$`])"  # a keyword, not a property (n.show), a parameter ($call) or part of a name
_COMMANDS = [
    (
        re.compile(_WORD + r"SHOW\b", re.I),
        "SHOW commands list server state (other users' running queries with their parameters, settings, users, "
        "procedures); refused",
    ),
    (re.compile(_WORD + r"TERMINATE\b", re.I), "TERMINATE stops other users' transactions; refused"),
    (
        re.compile(
            _WORD
            + r"(?:GRANT|DENY|REVOKE|RENAME|ENABLE|DEALLOCATE|REALLOCATE|DRYRUN)\b|"
            + _WORD
            + r"(?:CREATE|DROP|ALTER|START|STOP)\s+(?:OR\s+REPLACE\s+)?"
            r"(?:COMPOSITE\s+)?(?:DATABASE|USER|ROLE|ALIAS|SERVER|PRIVILEGE)S?\b",
            re.I,
        ),
        "administration commands are refused",
    ),
]
_CALL = re.compile(_WORD + r"CALL\b", re.I)
_NAME_PART = re.compile(r"\s*(?:`((?:[^`]|``)*)`|([A-Za-z_][\w]*))\s*")
_TYPES = {"r": "read-only", "rw": "read and write", "w": "write-only", "s": "schema change"}


def _blank(text: str) -> str:
    return _LITERALS.sub(lambda m: " " * len(m.group(0)), text)


def _why(text: str, query_type: str) -> str:
    m = _WRITE_WORDS.search(_blank(text))
    clause = f" ({' '.join(m.group(1).upper().split())})" if m else ""
    kind = _TYPES.get(query_type, query_type or "unknown")
    return f"the console runs read-only queries; EXPLAIN classifies this one as {kind}{clause}, so it was not run"


def gate(text: str, query_type: str) -> None:
    """The EXPLAIN gate: only query type ``'r'`` runs."""
    if query_type != "r":
        raise Forbidden(_why(text, query_type), where="query")


def classify(text: str) -> None:
    """The lexical gate (no database needed): refuse with the reason, or return."""
    if not text.strip():
        raise InvalidInput("the query is empty", where="query")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"the query is {len(text):,} characters; the limit is {MAX_QUERY:,}", where="query")
    blank = _blank(text)
    for pattern, reason in (*_FORBIDDEN, *_COMMANDS):
        if pattern.search(blank):
            raise Forbidden(reason, where="query")
    first = blank.split(None, 1)[0].upper() if blank.strip() else ""
    if first not in FIRST_CLAUSES:
        write = _WRITE_WORDS.match(blank.lstrip())
        opening = " ".join(write.group(1).upper().split()) if write else first[:40]
        raise Forbidden(
            f"the console runs queries that start with {', '.join(FIRST_CLAUSES[:-1])} or "
            f"{FIRST_CLAUSES[-1]}; this one starts with {opening or 'a name in backticks'}",
            where="query",
        )
    for name in _procedures(text):
        if name.lower() not in PROCEDURES:
            raise Forbidden(
                f"CALL {name[:80]}: the console calls only these procedures: {', '.join(sorted(PROCEDURES))}",
                where="query",
            )


def _procedures(text: str) -> list[str]:
    """The name of every procedure the query calls (``CALL { … }`` and ``CALL (x) { … }`` are subqueries)."""
    code = _STRINGS_COMMENTS.sub(lambda m: " " * len(m.group(0)), text)
    names = []
    for m in _CALL.finditer(_blank(text)):  # backticked names are blank there: find the name in ``code``
        pos = m.end()
        while pos < len(code) and code[pos].isspace():
            pos += 1
        if code[pos : pos + 1] in ("{", "("):
            continue
        parts: list[str] = []
        while True:
            part = _NAME_PART.match(code, pos)
            if not part:
                break
            parts.append(part.group(1).replace("``", "`") if part.group(1) is not None else part.group(2))
            pos = part.end()
            if code[pos : pos + 1] != ".":
                break
            pos += 1
        if not parts:
            raise Forbidden("CALL must name a procedure or open a subquery", where="query")
        names.append(".".join(parts))
    return names


def run_read_only(
    store: Any,
    text: str,
    params: dict[str, Any] | None = None,
    *,
    timeout: float = 10.0,
    row_cap: int = 1_000,
) -> ConsoleResult:
    """Classify and run ``text`` on the Neo4j store ``store`` (a ``Neo4jStore``: ``.driver``, ``.database``)."""
    import time

    classify(text)
    params = params or {}
    check_params(params)
    started = time.perf_counter()
    try:
        with store.driver.session(database=store.database, default_access_mode=READ_ACCESS) as session:
            with session.begin_transaction(timeout=timeout) as tx:
                summary = tx.run("EXPLAIN " + text, params).consume()
                qtype = summary.query_type or ""
                gate(text, qtype)
                result = tx.run(text, params)
                columns = list(result.keys())
                rows: list[list[Any]] = []
                truncated = False
                for record in result:
                    if len(rows) >= row_cap:
                        truncated = True
                        break
                    rows.append([_json(v) for v in record.values()])
                tx.rollback()  # nothing to keep: a read never commits
    except Forbidden:
        raise
    except ClientError as exc:
        raise _client_error(exc) from exc
    except (ServiceUnavailable, OSError) as exc:
        raise StoreUnavailable(f"Neo4j does not answer: {exc}") from exc
    except Neo4jError as exc:
        raise _client_error(exc) from exc
    return ConsoleResult(columns, rows, truncated, qtype, round((time.perf_counter() - started) * 1000, 2))


_INT64 = (-(2**63), 2**63 - 1)


def check_params(value: Any, where: str = "params") -> None:
    """Refuse parameter values Bolt cannot carry (integers beyond 64 bits), naming the parameter."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise InvalidInput(f"{where} is an integer beyond 64 bits, which Neo4j cannot take", where=where)
    elif isinstance(value, dict):
        for k, v in value.items():
            check_params(v, f"{where}.{str(k)[:40]}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_params(v, f"{where}[{i}]")


def _client_error(exc: Neo4jError) -> CompoundGraphError:
    code = exc.code or ""
    message = (exc.message or str(exc)).strip().splitlines()[0][:500] if (exc.message or str(exc)) else code
    if "TransactionTimedOut" in code or "TransactionTimedOut" in message:
        return QueryTimeout("the console query ran past its timeout and was stopped by the server", where="query")
    if "AccessMode" in code or "Forbidden" in code or "read access mode" in message:
        return Forbidden(f"the server refused a write in a read-only transaction: {message}", where="query")
    if "administration command" in message.lower() or "system database" in message.lower():
        return Forbidden(f"administration commands are refused: {message}", where="query")
    if "ParameterMissing" in code:
        return InvalidInput(f"a query parameter is missing: {message}", where="params")
    return InvalidInput(f"Neo4j refused the query ({code.rsplit('.', 1)[-1]}): {message}", where="query")


def _json(value: Any) -> Any:
    """A driver value as JSON."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Node):
        return {
            "element": "node",
            "id": value.get("id"),
            "labels": sorted(value.labels),
            "properties": {k: _json(v) for k, v in value.items() if k not in ("search_text", "match_keys")},
        }
    if isinstance(value, Relationship):
        return {
            "element": "relationship",
            "type": value.type,
            "from": value.start_node.get("id") if value.start_node else None,
            "to": value.end_node.get("id") if value.end_node else None,
            "properties": {k: _json(v) for k, v in value.items()},
        }
    if isinstance(value, Path):
        return {
            "element": "path",
            "nodes": [_json(n) for n in value.nodes],
            "relationships": [_json(r) for r in value.relationships],
        }
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value)
