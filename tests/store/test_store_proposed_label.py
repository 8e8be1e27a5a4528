"""Neo4j: the nodes labelled ``Proposed`` are exactly the entities ``filters.is_proposal`` says are proposals,
whatever wrote them - the writer, the review's accept, reject and edit - and ``init`` repairs a database
written before the label existed. The reads test only the label, so a proposal without it would be seen.

Who owns what: each test gets a Neo4j store of its own (``make_neo4j_store`` on the session's driver, emptied
first); the review's decision log goes to ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compoundgraph.ingest.resolve import DecisionLog
from compoundgraph.ingest.review import accept, edit, reject
from compoundgraph.models import Entity, Source
from compoundgraph.store import ClaimFilter
from compoundgraph.store.cypher import statements
from compoundgraph.store.filters import PROPOSED_LABEL, is_proposal
from compoundgraph.store.neo4j import Neo4jStore
from tests.support.neo4j import make_neo4j_store
from tests.support.world import review_world

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo(neo4j_driver: object) -> Neo4jStore:
    store = make_neo4j_store(neo4j_driver, supernode_threshold=10)
    assert isinstance(store, Neo4jStore)
    return store


def _labelled(store: Neo4jStore) -> set[str]:
    return set(store._read(f"MATCH (n:{PROPOSED_LABEL}) RETURN collect(n.id) AS ids")[0]["ids"])


def _by_rule(store: Neo4jStore) -> set[str]:
    return {e.id for e in store.iter_entities(proposals=True) if is_proposal(e.properties)}


def _pending(name: str, report: Source) -> Entity:
    return Entity(
        label="Compound",
        name=name,
        properties={"status": "pending", "candidate_rule": "park", "proposed_in": report.id},
        sources=[report.id],
    )


def test_the_writer_and_the_review_keep_the_label_equal_to_the_rule(neo: Neo4jStore, tmp_path: Path) -> None:
    records = review_world(11, 0.0)
    report = [r for r in records if isinstance(r, Source)][-1]
    neo.upsert(records)
    first, second, third = (_pending(f"Label test {n} Park", report) for n in ("one", "two", "three"))
    neo.upsert([first, second, third])
    by_name = {e.name: e.id for e in neo.iter_entities(proposals=True)}
    proposals = {by_name[f"Proposed {s} Technology Park"] for s in ("pending", "rejected")}
    assert _labelled(neo) == _by_rule(neo) == proposals | {first.id, second.id, third.id}
    assert by_name["Proposed accepted Technology Park"] not in _labelled(neo)

    log = DecisionLog(tmp_path / "review.jsonl")
    accept(neo, log, first.id, editor="tester")  # a fact now: the label goes
    assert first.id not in _labelled(neo)
    reject(neo, log, second.id, editor="tester")  # rejected is still no fact: the label stays
    assert second.id in _labelled(neo)
    moved = edit(neo, log, third.id, name="Label test renamed Park", editor="tester")  # a new id, still pending
    assert moved.id != third.id and moved.id in _labelled(neo) and third.id not in _labelled(neo)
    assert _labelled(neo) == _by_rule(neo)
    # and what the label hides: only the accepted one is an entity for the default reads
    seen = {e.id for e in neo.iter_entities()}
    assert first.id in seen and not {second.id, moved.id} & seen


def test_init_labels_the_proposals_of_a_database_written_before_the_label(neo: Neo4jStore) -> None:
    neo.upsert(review_world(11, 0.0))
    proposals = _by_rule(neo)
    assert len(proposals) == 2
    fact = next(e.id for e in neo.iter_entities() if e.name == "Proposed accepted Technology Park")
    facts = {e.id for e in neo.iter_entities()}
    claims = {c.id for c in neo.iter_claims()}
    counts = neo.counts()
    # as a database written before this label: none on the proposals, and one left on an accepted entity
    neo._write(lambda tx: tx.run(f"MATCH (n:{PROPOSED_LABEL}) REMOVE n:{PROPOSED_LABEL}").consume())
    neo._write(lambda tx: tx.run(f"MATCH (n:Node {{id: $id}}) SET n:{PROPOSED_LABEL}", id=fact).consume())
    assert _labelled(neo) == {fact}
    assert proposals <= {e.id for e in neo.iter_entities()}  # the reads go by the label alone
    neo.init_schema()
    assert _labelled(neo) == proposals
    assert {e.id for e in neo.iter_entities()} == facts
    assert {c.id for c in neo.iter_claims()} == claims
    assert neo.counts() == counts
    assert not {h.id for h in neo.search("Proposed Technology Park", 10)} & proposals
    neo.init_schema()  # idempotent
    assert _labelled(neo) == proposals
    everything = {c.id for c in neo.iter_claims(ClaimFilter(proposals=True))}
    assert claims < everything


def test_the_repair_reads_only_proposed_entities(neo: Neo4jStore) -> None:
    """What keeps ``init`` cheap on a large graph: the first statement reads the candidate_rule index (only
    the entities a report proposed), the second the nodes already labelled - neither scans every entity."""
    neo.upsert(review_world(11, 0.0))
    label, unlabel = statements("schema/label_proposals")
    with neo.driver.session(database=neo.database) as session:
        for stmt, start in ((label, "NodeIndexScan"), (unlabel, "NodeByLabelScan")):
            plan = session.run("EXPLAIN " + stmt).consume().plan
            assert plan is not None
            ops = []
            todo = [plan]
            while todo:
                p = todo.pop()
                ops.append((p["operatorType"].split("@")[0], p.get("args", {}).get("Details", "")))
                todo += p.get("children", [])
            assert any(op == start for op, _ in ops), ops
            if start == "NodeIndexScan":
                assert not any(op in ("NodeByLabelScan", "AllNodesScan") for op, _ in ops), ops
            else:
                assert all(PROPOSED_LABEL in d for op, d in ops if op == "NodeByLabelScan"), ops
