"""The Neo4j store: the shared server. Every Cypher call of the project is in this module.

Writes are ``UNWIND $rows`` batches in managed write transactions (retried on transient errors); reads
run in read transactions. The driver is passed in and owned by the caller.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from operator import attrgetter
from typing import Any

import numpy as np
from neo4j import READ_ACCESS, Driver, ManagedTransaction, Query, Result
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from ..errors import InvalidInput, NotFound, StoreUnavailable
from ..grades import Grade
from ..ids import normalize
from ..models import RESERVED, Claim, Entity, Source, claim_fingerprint, trusted
from ..ontology import SOURCE_LABEL, ontology
from .base import (
    ClaimFilter,
    EgoNetwork,
    GraphColumns,
    GraphStore,
    Node,
    Writer,
    check_ego_bounds,
    claim_order,
    search_text,
)
from .cypher import cypher, statements
from .match_keys import KEYS_VERSION, entity_keys

__all__ = ["Neo4jStore"]

_ENTITY_FIELDS = ("id", "label", "name", "aliases", "identifiers", "sources", "first_seen", "last_seen", "referents")
_CLAIM_FIELDS = (
    "id",
    "source",
    "grade",
    "valid_from",
    "valid_to",
    "first_seen",
    "last_seen",
    "handling",
    "quote",
    "key",
)
_PAGE = 5_000  # rows per page when iterating everything
_PROJECTION_PAGE = 50_000  # rows per page of graph_columns (two integers and a fingerprint a row)
# up to this many claims of a type, an unfiltered projection reads them in one result (a plain scan, about
# twice as fast as pages; ~150 bytes of server heap each, so ~300 MB at most)
_PROJECTION_WHOLE = 2_000_000
KEYS_MARK = f"keys_v{KEYS_VERSION}"
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def entity_props(e: Entity) -> dict[str, Any]:
    props: dict[str, Any] = {k: v for k, v in e.properties.items()}
    for f in _ENTITY_FIELDS:
        value = getattr(e, f)
        if value is not None:
            props[f] = value
    props["search_text"] = search_text(e)
    props["match_keys"] = match_keys_text(e)
    return props


def match_keys_text(e: Entity) -> str:
    """Screening's keys as one property: blank-separated terms for the whitespace analyser, after a mark of
    the keys' version (a term no lookup asks for), so that keys of an older version are rebuilt."""
    return " ".join([KEYS_MARK, *sorted(entity_keys(e))])


def entity_from(props: dict[str, Any]) -> Entity:
    fields = {f: props[f] for f in _ENTITY_FIELDS if f in props}
    extra = {k: v for k, v in props.items() if k not in RESERVED}
    return trusted(Entity, {**fields, "properties": extra})  # validated on the way in


def source_props(s: Source) -> dict[str, Any]:
    props = {k: v for k, v in s.model_dump().items() if v is not None}
    props["label"] = SOURCE_LABEL
    return props


def source_from(props: dict[str, Any]) -> Source:
    return trusted(Source, {k: v for k, v in props.items() if k != "label"})


def claim_props(c: Claim, fp: str | None = None) -> dict[str, Any]:
    g = Grade.parse(c.grade)
    props: dict[str, Any] = {k: v for k, v in c.properties.items()}
    for f in _CLAIM_FIELDS:
        value = getattr(c, f)
        if value is not None:
            props[f] = value
    props.update(
        grade_r=g.r, grade_c=g.c, handling_rank=ontology().handling_rank(c.handling), fp=fp or claim_fingerprint(c)
    )
    return props


def claim_from(rel_type: str, subject: str, obj: str, props: dict[str, Any]) -> Claim:
    fields = {f: props[f] for f in _CLAIM_FIELDS if f in props}
    extra = {k: v for k, v in props.items() if k not in RESERVED}
    return trusted(Claim, {**fields, "type": rel_type, "subject": subject, "object": obj, "properties": extra})


def lucene_query(q: str) -> str:
    """A full-text query for candidates: the phrase, and each word as a prefix and as a fuzzy term."""
    words = [_LUCENE_SPECIAL.sub(r"\\\1", w) for w in q.split()][:16]
    phrase = '"' + _LUCENE_SPECIAL.sub(r"\\\1", q) + '"'
    parts = [phrase] + [f"{w}*" for w in words] + [f"{w}~" for w in words if len(w) >= 3]
    return " OR ".join(parts)


class Neo4jStore(GraphStore):
    kind = "neo4j"

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        batch_size: int = 5_000,
        supernode_threshold: int = 100,
        uri: str = "",
    ) -> None:
        super().__init__(batch_size, supernode_threshold)
        self.driver = driver
        self.database = database
        self._local = threading.local()  # the read transaction of the traversal running on this thread
        self.uri = uri
        try:
            self.server_agent = driver.get_server_info().agent
        except (ServiceUnavailable, OSError) as exc:
            raise StoreUnavailable(f"Neo4j at {uri or 'the configured URI'} does not answer: {exc}") from exc
        if not re.search(r"Neo4j/5\.|Neo4j/20\d\d\.", self.server_agent):
            raise StoreUnavailable(f"Neo4j 5.x or later is needed; the server says {self.server_agent}")

    # -- plumbing ---------------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[None]:
        if getattr(self._local, "tx", None) is not None:  # already inside one
            yield
            return
        with self.driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
            with session.begin_transaction() as tx:
                self._local.tx = tx
                try:
                    yield
                finally:
                    self._local.tx = None

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            return tx.run(query, params).data()  # type: ignore[no-any-return]
        records, _, _ = self.driver.execute_query(Query(query), params, database_=self.database, routing_="r")
        return [r.data() for r in records]

    def _read_first(self, query: str, **params: Any) -> dict[str, Any] | None:
        """The first record of a query whose values are plain lists and maps, as they arrive: ``Record.data()``
        would walk every nested value again to convert graph types (for a 500-node ego, more client CPU than
        decoding it)."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            records = list(tx.run(query, params))
        else:
            records, _, _ = self.driver.execute_query(Query(query), params, database_=self.database, routing_="r")
        return dict(zip(records[0].keys(), records[0].values(), strict=True)) if records else None

    def _read_rows(self, query: str, **params: Any) -> list[Any]:
        """The ``rows`` list of a query that returns one record (``RETURN collect(...) AS rows``)."""
        row = self._read_first(query, **params)
        return row["rows"] if row else []

    def _write(self, fn: Any, *args: Any) -> Any:
        with self.driver.session(database=self.database) as session:
            return session.execute_write(fn, *args)

    def init_schema(self) -> None:
        with self.driver.session(database=self.database) as session:
            for stmt in statements("schema/create_constraints"):
                session.run(Query(stmt)).consume()
            for rel in ontology().relationships:
                for stmt in statements("schema/create_claim_indexes", rel_type=rel):
                    session.run(Query(stmt)).consume()
            session.run(Query("CALL db.awaitIndexes(300)")).consume()
            for stmt in statements("schema/label_proposals"):  # auto-commit: it batches IN TRANSACTIONS
                session.run(Query(stmt)).consume()
        self._fill_match_keys()

    def _fill_match_keys(self) -> None:
        """Screening's blocking keys for entities written before they existed (a page at a time)."""
        while True:
            records, _, _ = self.driver.execute_query(
                Query(cypher("read/entities_without_keys")), {"page": _PAGE, "mark": KEYS_MARK}, database_=self.database
            )
            page = records[0]["rows"] if records else []
            if not page:
                return
            rows = [{"id": e.id, "keys": match_keys_text(e)} for e in map(entity_from, page)]
            self.driver.execute_query(Query(cypher("write/set_match_keys")), {"rows": rows}, database_=self.database)

    def close(self) -> None:
        """The driver belongs to whoever opened it; see :func:`compoundgraph.store.open_store`."""

    def info(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "location": f"{self.uri} (database {self.database})",
            "server_version": self.server_agent,
            "reachable": True,
        }

    # -- writes ------------------------------------------------------------------------------------
    def writer(self, batch_size: int | None = None) -> Writer:
        from .neo4j_writer import Neo4jWriter  # the writer module builds on this one's row helpers

        return Neo4jWriter(self, batch_size or self.batch_size)

    def retract_source(self, source_id: str) -> dict[str, int]:
        def work(tx: ManagedTransaction) -> dict[str, int]:
            exists = _rows(tx.run(cypher("read/node_labels"), ids=[source_id]))
            if not exists or exists[0]["label"] != SOURCE_LABEL:
                raise NotFound(f"no source with id {source_id[:80]!r}")
            touched: set[str] = set()
            n = 0
            for rel in ontology().relationships:
                row = tx.run(cypher("admin/retract_claims", rel_type=rel), source=source_id).single()
                if row and row["n"]:
                    touched.update(row["touched"])
                    n += row["n"]
            row = tx.run(cypher("admin/retract_source_node"), source=source_id).single()
            if row:
                touched.update(t for t in row["touched"] if t)
                n += row["n"]
            removed = tx.run(cypher("admin/prune_entities"), source=source_id, touched=sorted(touched)).single()
            return {"claims": n, "entities": removed["removed"] if removed else 0, "sources": 1}

        return dict(self._write(work))

    def delete_all(self, confirm: bool = False) -> None:
        if not confirm:
            raise InvalidInput("delete_all needs confirm=True")
        while True:
            records, _, _ = self.driver.execute_query(
                Query(cypher("admin/delete_batch")), {"batch": 10_000}, database_=self.database
            )
            if not records or records[0]["n"] == 0:
                break

    # -- primitive reads ---------------------------------------------------------------------------
    def get_entities(self, ids: Sequence[str]) -> dict[str, Entity]:
        rows = self._read_rows(cypher("read/get_nodes"), ids=list(ids))
        entities = (entity_from(props) for props in rows if props.get("label") != SOURCE_LABEL)
        return {e.id: e for e in entities}

    def get_sources(self, ids: Sequence[str]) -> dict[str, Source]:
        rows = self._read_rows(cypher("read/get_nodes"), ids=list(ids))
        return {s.id: s for s in (source_from(props) for props in rows if props.get("label") == SOURCE_LABEL)}

    def node_labels(self, ids: Sequence[str]) -> dict[str, Node]:
        rows = self._read_rows(cypher("read/node_labels"), ids=list(ids))
        return {r["id"]: Node(r["id"], r["label"], r["name"]) for r in rows}

    def claims_of(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        rows = self._read_rows(cypher("read/claims_of", stance=flt.uses_stance), ids=list(ids), **flt.params())
        out = {r["props"]["id"]: r for r in rows}
        return [claim_from(r["type"], r["subject"], r["object"], r["props"]) for r in out.values()]

    def neighbours(self, ids: Sequence[str], flt: ClaimFilter) -> set[str]:
        rows = self._read_rows(cypher("read/neighbours", stance=flt.uses_stance), ids=list(ids), **flt.params())
        return set(rows) - set(ids)

    def degrees(self, ids: Sequence[str], flt: ClaimFilter, above: int = 0) -> dict[str, int]:
        rows = self._read_rows(
            cypher("read/degrees", stance=flt.uses_stance), ids=list(ids), above=above, **flt.params()
        )
        return {r["id"]: r["degree"] for r in rows if r["degree"] > above}

    def claims_between(self, ids: Sequence[str], flt: ClaimFilter) -> list[Claim]:
        rows = self._read_rows(cypher("read/claims_between", stance=flt.uses_stance), ids=list(ids), **flt.params())
        return [claim_from(r["type"], r["subject"], r["object"], r["props"]) for r in rows]

    def ego(
        self,
        center: str,
        hops: int = 1,
        flt: ClaimFilter | None = None,
        limit: int = 500,
        exclude: Iterable[str] = (),
        avoid: Iterable[str] = (),
        order: str | None = None,
        new_types: Iterable[str] = (),
        new_rel_types: Iterable[str] = (),
    ) -> EgoNetwork:
        """:meth:`GraphStore.ego` in one query for the plain walk (``read/ego_walk``: the same answer, with
        only the frontier's ordinary nodes expanded and each claim read from its sparser end); a selective
        expansion (``order``, ``new_types``, ``new_rel_types``) takes the shared path."""
        if order is not None or new_types or new_rel_types:
            return super().ego(center, hops, flt, limit, exclude, avoid, order, new_types, new_rel_types)
        check_ego_bounds(hops, limit)
        flt = flt or ClaimFilter()
        skip = sorted(set(exclude) - {center})
        row = self._read_first(
            cypher("read/ego_walk", stance=flt.uses_stance),
            center=center,
            hops=hops,
            limit=limit,
            threshold=self.supernode_threshold,
            skip=skip,
            avoid=sorted(set(avoid) - {center}),
            **flt.params(),
        )
        if row is None:
            raise NotFound(f"no entity with id {center[:80]!r}")
        skipped = set(skip)
        nodes = {n["id"]: n for n in row["nodes"]}
        keep = {k for k in nodes if k not in skipped}
        truncated = bool(row["truncated"])
        supernodes = {k: d for k, d in row["supernodes"]}
        degree = row["center_degree"]
        if (hops == 1 or truncated) and degree > len(keep) - 1 and (degree > self.supernode_threshold or truncated):
            supernodes[center] = degree
        claims = sorted(
            (claim_from(r["type"], r["subject"], r["object"], r["props"]) for r in row["claims"]), key=claim_order
        )
        ends = {e for c in claims for e in (c.subject, c.object)} - keep
        ids = sorted(keep)
        return EgoNetwork(
            center=center,
            nodes={k: Node(k, nodes[k]["label"], nodes[k]["name"]) for k in ids},
            claims=claims,
            hops={k: nodes[k]["hop"] for k in ids},
            supernodes=supernodes,
            truncated=truncated,
            context={k: Node(k, nodes[k]["label"], nodes[k]["name"]) for k in sorted(ends)},
        )

    def search_candidates(self, query: str, limit: int) -> list[tuple[str, str, str, list[str], list[str]]]:
        q = normalize(query)
        try:
            rows = self._read(cypher("read/search_entities"), lucene=lucene_query(q), limit=limit, id=query.strip())
        except Neo4jError as exc:  # a query Lucene cannot parse: fall back to the phrase alone
            if "ParseException" not in str(exc) and "parse" not in str(exc).lower():
                raise
            rows = self._read(
                cypher("read/search_entities"),
                lucene='"' + _LUCENE_SPECIAL.sub(r"\\\1", q) + '"',
                limit=limit,
                id=query.strip(),
            )
        return [(r["id"], r["label"], r["name"], list(r["aliases"] or []), list(r["identifiers"] or [])) for r in rows]

    def keyed_ids(self, key_sets: Sequence[Sequence[str]], limit: int) -> list[list[str]]:
        """Each set as a Lucene query of required terms on the ``entity_keys`` index: one round trip."""
        out: list[list[str]] = [[] for _ in key_sets]
        where = [i for i, ks in enumerate(key_sets) if ks]
        if not where:
            return out
        texts = [" ".join('+"' + k + '"' for k in sorted(set(key_sets[i]))) for i in where]
        for r in self._read_rows(cypher("read/keyed_ids"), queries=texts, limit=limit):
            out[where[r["i"]]] = list(r["ids"])
        return out

    def counts(self) -> dict[str, dict[str, int]]:
        ont = ontology()
        labels = {}
        for label in ont.labels:
            n = self._read(cypher("read/count_label", label=label))[0]["n"]
            if n:
                labels[label] = n
        rels = {}
        for rel in ont.relationships:
            n = self._read(cypher("read/count_claims", rel_type=rel))[0]["n"]
            if n:
                rels[rel] = n
        sources = self._read(cypher("read/count_label", label=SOURCE_LABEL))[0]["n"]
        # facts only: proposals awaiting review (and what touches a proposed entity) are not counted
        for r in self._read(cypher("read/count_proposed_entities")):
            labels[r["label"]] -= r["n"]
        for r in self._read(cypher("read/count_proposal_claims")):
            rels[r["type"]] -= r["n"]
        labels = {k: v for k, v in labels.items() if v}
        rels = {k: v for k, v in rels.items() if v}
        return {"labels": labels, "relationships": rels, "sources": {SOURCE_LABEL: sources}}

    def _pages(self, query: str, **params: Any) -> Iterator[list[Any]]:
        """The rows of a keyset-paged query, page by page, each page in its own read transaction: each page
        is one record, which the driver decodes far faster than a record per row, and the server never
        sorts everything at once."""

        def run(paging: dict[str, Any]) -> Any:
            records, _, _ = self.driver.execute_query(
                Query(query), {**params, **paging}, database_=self.database, routing_="r"
            )
            return records[0]

        for page in _keyset(run, _PAGE):
            if page["rows"]:
                yield page["rows"]

    def iter_sources(self) -> Iterator[Source]:
        for rows in self._pages(cypher("read/iter_sources_page")):
            yield from map(source_from, rows)

    def iter_entities(self, proposals: bool = False) -> Iterator[Entity]:
        for rows in self._pages(cypher("read/iter_entities_page"), proposals=proposals):
            yield from map(entity_from, rows)

    def iter_claims(self, flt: ClaimFilter | None = None) -> Iterator[Claim]:
        """Every claim passing ``flt``, in id order: one id-ordered stream per relationship type, merged."""
        flt = flt or ClaimFilter()
        params = flt.params()

        def of_type(rel: str) -> Iterator[Claim]:
            for rows in self._pages(cypher("read/iter_claims_page", rel_type=rel, stance=flt.uses_stance), **params):
                for r in rows:
                    yield claim_from(rel, r["subject"], r["object"], r["props"])

        types = sorted(flt.rel_types) if flt.rel_types else sorted(ontology().relationships)
        yield from heapq.merge(*(of_type(rel) for rel in types), key=attrgetter("id"))

    def graph_columns(self, flt: ClaimFilter | None = None) -> GraphColumns:
        """Narrow pages in one read transaction: entities with their internal ids, then each claim's two
        internal ids and fingerprint as parallel lists (no properties, no id strings per claim)."""
        flt = flt or ClaimFilter()
        params = flt.params()
        keys: list[int] = []
        ids: list[str] = []
        labels: list[str] = []
        names: list[str] = []
        src: list[int] = []
        dst: list[int] = []
        fps: list[str] = []
        with self.reading():  # internal ids are only stable within one transaction
            for page in self._tx_pages(
                cypher("read/project_entities_page"), entity_types=params["entity_types"], proposals=flt.proposals
            ):
                keys += page["keys"]
                ids += page["ids"]
                labels += page["labels"]
                names += page["names"]
            types = sorted(flt.rel_types) if flt.rel_types else sorted(ontology().relationships)
            # nothing to test per claim: a proposal's claims end on a source, and a claim touching a proposed
            # entity ends on one the entity pages left out, so both come back with a -1 end
            plain = flt == ClaimFilter(rel_types=flt.rel_types)
            tx = self._local.tx
            for rel in types:
                if plain and tx.run(cypher("read/count_claims", rel_type=rel)).single(strict=True)["n"] <= (
                    _PROJECTION_WHOLE
                ):
                    pages: Iterator[Any] = iter([tx.run(cypher("read/project_claims_all", rel_type=rel)).single()])
                else:
                    pages = self._tx_pages(
                        cypher("read/project_claims_page", rel_type=rel, stance=flt.uses_stance), **params
                    )
                for page in pages:
                    src += page["src"]
                    dst += page["dst"]
                    fps += page["fps"]
        return GraphColumns.from_keys(
            np.asarray(keys, dtype=np.int64),
            ids,
            labels,
            names,
            np.asarray(src, dtype=np.int64),
            np.asarray(dst, dtype=np.int64),
            "".join(fps),
        )

    def _tx_pages(self, query: str, **params: Any) -> Iterator[Any]:
        """The pages of a keyset-paged projection query, in the current read transaction."""
        tx = self._local.tx
        return _keyset(lambda paging: tx.run(query, {**params, **paging}).single(strict=True), _PROJECTION_PAGE)


def _keyset(run: Callable[[dict[str, Any]], Any], size: int) -> Iterator[Any]:
    """Run a keyset-paged query (``$after`` / ``$page`` in; ``last`` / ``scanned`` out) page after page
    until a page comes back short."""
    after = ""
    while True:
        page = run({"after": after, "page": size})
        yield page
        if page["scanned"] < size:
            return
        after = page["last"]


def _rows(result: Result) -> list[Any]:
    """The ``rows`` list of a query written as ``RETURN collect(...) AS rows`` (one record)."""
    record = result.single(strict=True)
    return record["rows"]  # type: ignore[no-any-return]


@cache
def _pairs(rel: str) -> list[list[str]]:
    """The (subject label, object label) pairs a relationship type may join, "*" spelled out."""
    ont = ontology()
    every = [*ont.labels, SOURCE_LABEL]
    out = set()
    for s, o in ont.relationships[rel].pairs:
        for a in every if s == "*" else [s]:
            for b in every if o == "*" else [o]:
                out.add((a, b))
    return sorted([a, b] for a, b in out)
