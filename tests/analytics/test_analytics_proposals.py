"""Analytics count facts only, on both stores: the entities a report proposes are not in the projection, the
centrality ranking or the graph's size until an investigator accepts them, and then they are."""

from __future__ import annotations

from pathlib import Path

from compoundgraph.analytics import service
from compoundgraph.ingest.base import Options
from compoundgraph.ingest.pipeline import ingest
from compoundgraph.ingest.resolve import DecisionLog
from compoundgraph.ingest.review import accept, candidates
from compoundgraph.store import GraphStore
from tests.support.world import INGEST


def test_proposals_are_not_counted_until_accepted(world: GraphStore, tmp_path: Path) -> None:
    before = service.centrality(world, measure="degree", top=10_000)
    ingest(world, [INGEST / "field-report-bavet-casino.txt"], Options(), screen=False)
    proposed = {c.id: c for c in candidates(world) if c.kind == "entity"}
    assert len(proposed) >= 3
    after = service.centrality(world, measure="degree", top=10_000)
    ranked = {r["id"] for r in after["results"]}
    assert not ranked & set(proposed)  # no isolated proposal in the ranking
    everything = list(world.iter_entities(proposals=True))
    assert after["graph"]["nodes"] == len(everything) - len(proposed) > before["graph"]["nodes"]  # places are facts
    columns = world.graph_columns()
    assert not set(columns.ids) & set(proposed)
    lucky = next(c for c in proposed.values() if c.name == "Lucky Crane Casino Compound")
    accept(world, DecisionLog(tmp_path / "review.jsonl"), lucky.id, editor="tester")
    accepted = service.centrality(world, measure="degree", top=10_000)
    assert lucky.id in {r["id"] for r in accepted["results"]}
    assert accepted["graph"]["nodes"] == after["graph"]["nodes"] + 1
