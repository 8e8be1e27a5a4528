"""Redaction: under ``partner`` no victim-case field and no H2 claim leaves, in any format; only counts do."""

from __future__ import annotations

import json

import pytest

from compoundgraph.exports import FORMATS, build_view, render
from compoundgraph.exports.redaction import get_profile, redact
from compoundgraph.exports.selection import select_all
from compoundgraph.store import GraphStore

# Every value only a victim-case record (or a claim about one) carries in the fixture world.
CASE_MARKERS = [
    "case-0001", "case-0002", "Case 0001", "Case 0002", "25-34", "18-24", "passport confiscated",
    # (case 2's recruited_on, 2024-02-03, is also a transfer's date, so it is not a marker)
    "2024-01-12", "2024-01-15", "2024-02-10", "rescued", "repatriated", "age_band", "gender",
    "indicators", "recruited_on", "RECRUITED_VIA", "HELD_AT", "SOLD_TO", "recruited-via", "held-at", "sold-to",
    "recruited via", "held at", "sold to",
]
# What only the H2 tip-line source says.
H2_MARKERS = ["src-tipline-0042", "Anonymous tip-line", "Lotus has nothing to do with Silver Dragon",
              "Colonel Aung Zaw", "COLLUDES_WITH", "colludes"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_partner_exports_carry_no_victim_case_field(world: GraphStore, fmt: str) -> None:
    view = build_view(world, "partner")
    blob = b"\n".join(render(view, fmt).values()).decode("utf-8")
    for marker in CASE_MARKERS + H2_MARKERS:
        assert marker not in blob, f"{fmt} leaks {marker!r}"
    # the internal profile does carry them: the markers are real
    internal = b"\n".join(render(build_view(world, "internal"), fmt).values()).decode("utf-8")
    assert "case-0001" in internal and "Lotus has nothing to do" in internal


def test_partner_keeps_aggregates_only(world: GraphStore) -> None:
    view = build_view(world, "partner")
    assert all(e.label != "Case" for e in view.entities.values())
    cells = {(a.compound_id, a.nationality, a.period): a.cases for a in view.aggregates}
    assert cells == {
        ("compound-golden-lotus", "ID", "2024-Q1"): 1,  # case 1 was sold on to Golden Lotus
        ("compound-golden-lotus", "VN", "2024-Q1"): 1,
        ("compound-jade-river", "ID", "2024-Q1"): 1,
    }
    assert view.dropped["entities_victim_case"] == 2 and view.dropped["claims_victim_case"] == 5
    # handling: the H2 source and everything only it attests is gone, the contested H1 claim stays
    assert "src-tipline-0042" not in view.sources and "person-aung-zaw" not in view.entities
    assert all(c.handling in ("H0", "H1") for c in view.claims)
    operates = [c for c in view.claims if c.type == "OPERATES" and c.object == "compound-silver-dragon"]
    assert [c.grade for c in operates] == ["B2"]


def test_small_cells_can_be_suppressed(world: GraphStore) -> None:
    view = redact(select_all(world), get_profile("partner", min_cell=2))
    assert [(a.compound_id, a.cases) for a in view.aggregates] == [("", 3)]
    assert "suppressed" in view.aggregates[0].compound_name


def test_internal_keeps_cases_but_never_h3(world: GraphStore) -> None:
    from compoundgraph.models import Claim

    world.upsert([Claim(type="USES", subject="person-kyaw-lin", object="account-phone-nok", grade="C3",
                        source="src-mekong-watch-2024", handling="H3")])
    view = build_view(world, "internal")
    assert {"case-0001", "case-0002"} <= set(view.entities)
    assert not any(c.handling == "H3" for c in view.claims)
    assert view.dropped == {"claims_handling": 1}
    assert json.dumps([c.model_dump() for c in view.claims]).count("H2") >= 5
