"""The Neo4j store's writer: ``UNWIND $rows`` batches in managed write transactions, sent on a background
thread while the caller assembles the next batch (one in flight, in order)."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from ..errors import InvalidInput
from ..models import Claim, Entity, Source, check_claim_pair, claim_fingerprint
from ..ontology import SOURCE_LABEL
from .cypher import cypher
from .filters import is_proposal
from .neo4j import Neo4jStore, _pairs, _rows, claim_props, entity_from, entity_props, source_from, source_props
from .writer import Writer, merge_entity

__all__ = ["Neo4jWriter"]


def _explain_refusal(tx: ManagedTransaction, claims: list[Claim]) -> None:
    """The server wrote fewer claims than it was sent: find which and why, and refuse the batch."""
    ends = sorted({i for c in claims for i in (c.subject, c.object)})
    labels = {r["id"]: r["label"] for r in _rows(tx.run(cypher("read/node_labels"), ids=ends))}
    for c in claims:
        for field, ref in (("subject", c.subject), ("object", c.object)):
            if ref not in labels:
                raise InvalidInput(f"claim {c.type} refers to {field} {ref[:80]!r}, which is not in the store")
        check_claim_pair(c, labels[c.subject], labels[c.object])
    raise InvalidInput("the store refused part of a batch of claims (written concurrently?); nothing was written")


@dataclass(frozen=True)
class _ClaimRow:
    """A claim ready for the server: its fingerprint and its ``UNWIND`` row, made outside the transaction."""

    claim: Claim
    fp: str
    row: dict[str, Any]


def _prepare(claims: list[Claim]) -> dict[str, list[_ClaimRow]]:
    """Claims grouped by relationship type with their rows (the client's share of a batch)."""
    by_type: dict[str, list[_ClaimRow]] = defaultdict(list)
    for c in claims:
        fp = claim_fingerprint(c)
        by_type[c.type].append(
            _ClaimRow(c, fp, {"id": c.id, "subject": c.subject, "object": c.object, "props": claim_props(c, fp)})
        )
    return by_type


class Neo4jWriter(Writer):
    """Writes each full batch in its own transaction on a background thread while the caller assembles (and
    this thread prepares) the next one, so the client's work overlaps the server's.

    At most one batch is in flight, and the next is sent only after it committed: batches still land in
    order (claims find the entities of earlier batches). An explicit :meth:`flush` and leaving the block
    return only once everything is written; a batch that fails raises at the next ``add`` / ``flush`` /
    close, and nothing after it is sent.
    """

    def __init__(self, store: Neo4jStore, batch_size: int) -> None:
        super().__init__(batch_size)
        self.store = store
        self._pool: ThreadPoolExecutor | None = None
        self._in_flight: Future[tuple[int, int, int]] | None = None
        self._background = False

    def _flush_full(self) -> None:
        self._background = True
        try:
            self.flush()
        finally:
            self._background = False

    def flush(self) -> None:
        super().flush()
        if not self._background:
            self._wait()

    def _write(self, sources: list[Source], entities: list[Entity], claims: list[Claim]) -> None:
        prepared = _prepare(claims)
        self._wait()
        if not self._background:
            self.count(*self.store._write(self._work, sources, entities, prepared))
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compoundgraph-neo4j-writer")
        self._in_flight = self._pool.submit(self.store._write, self._work, sources, entities, prepared)

    def _wait(self) -> None:
        """Let the batch in flight finish; its counts, or its error."""
        if self._in_flight is not None:
            done, self._in_flight = self._in_flight, None
            self.count(*done.result())

    def close(self) -> None:
        try:
            self._wait()
        finally:
            self._shutdown()

    def discard(self) -> None:
        super().discard()
        try:
            self._wait()  # the caller's own error is the one that propagates
        except Exception:  # that batch failed too; nothing more is sent either way
            pass
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    @staticmethod
    def _work(
        tx: ManagedTransaction, sources: list[Source], entities: list[Entity], prepared: dict[str, list[_ClaimRow]]
    ) -> tuple[int, int, int]:
        created = updated = unchanged = 0
        # sources
        old_src = {
            props["id"]: source_from(props)
            for props in _rows(tx.run(cypher("read/get_nodes"), ids=[s.id for s in sources]))
            if props.get("label") == SOURCE_LABEL
        }
        new_src = [s for s in sources if old_src.get(s.id) != s]
        created += sum(s.id not in old_src for s in sources)
        updated += sum(s.id in old_src for s in new_src)
        unchanged += len(sources) - len(new_src)
        if new_src:
            rows = [{"id": s.id, "props": source_props(s)} for s in new_src]
            tx.run(cypher("write/merge_sources"), rows=rows).consume()
        # entities: read, merge, write whole
        cited = sorted({s for e in entities for s in e.sources})
        if cited:
            found = {
                r["id"] for r in _rows(tx.run(cypher("read/node_labels"), ids=cited)) if r["label"] == SOURCE_LABEL
            }
            missing = set(cited) - found
            if missing:
                raise InvalidInput(f"entities cite sources not in the store: {', '.join(sorted(missing)[:5])}")
        found_nodes = _rows(tx.run(cypher("read/get_nodes"), ids=[e.id for e in entities]))
        old = {e.id: e for e in (entity_from(props) for props in found_nodes if props.get("label") != SOURCE_LABEL)}
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in entities:
            merged = merge_entity(old[e.id], e) if e.id in old else e
            if e.id in old and merged == old[e.id]:
                unchanged += 1
                continue
            created += e.id not in old
            updated += e.id in old
            by_label[merged.label].append(
                {"id": merged.id, "props": entity_props(merged), "proposed": is_proposal(merged.properties)}
            )
        for label, rows in by_label.items():
            tx.run(cypher("write/merge_entities", label=label), rows=rows).consume()
        if not prepared:
            return created, updated, unchanged
        # claims: sources are checked here (few per batch); endpoints and label pairs on the server, and only
        # when the server matched fewer rows than it was sent does the precise check say which claim is wrong
        cited_sources = sorted({p.claim.source for group in prepared.values() for p in group})
        src_labels = {r["id"]: r["label"] for r in _rows(tx.run(cypher("read/node_labels"), ids=cited_sources))}
        for sid in cited_sources:
            if sid not in src_labels:
                raise InvalidInput(f"claims refer to source {sid[:80]!r}, which is not in the store")
            if src_labels[sid] != SOURCE_LABEL:
                raise InvalidInput(f"claim.source {sid!r} is not a source")
        for rel, group in prepared.items():
            fps = {
                r["id"]: r["fp"]
                for r in tx.run(cypher("read/claim_fingerprints", rel_type=rel), ids=[p.claim.id for p in group]).data()
            }
            new_rows: list[dict[str, Any]] = []
            changed_rows: list[dict[str, Any]] = []
            for p in group:
                old_fp = fps.get(p.claim.id)
                if old_fp == p.fp:
                    unchanged += 1
                elif old_fp is None:
                    new_rows.append(p.row)
                else:
                    changed_rows.append(p.row)
            created += len(new_rows)
            updated += len(changed_rows)
            if new_rows:
                n = tx.run(cypher("write/create_claims", rel_type=rel), rows=new_rows, pairs=_pairs(rel)).single()
                if not n or n["n"] != len(new_rows):
                    _explain_refusal(tx, [p.claim for p in group if p.claim.id not in fps])
            if changed_rows:
                n = tx.run(cypher("write/update_claims", rel_type=rel), rows=changed_rows).single()
                if not n or n["n"] != len(changed_rows):
                    _explain_refusal(tx, [p.claim for p in group if p.claim.id in fps])
        return created, updated, unchanged
