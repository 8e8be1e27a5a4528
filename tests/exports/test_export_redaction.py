"""Redaction: under ``partner`` no victim-case field and no H2 claim leaves, in any format; only counts do."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compoundgraph.exports import FORMATS, build_view, create_package, export_bytes, render
from compoundgraph.exports.package import read_package
from compoundgraph.exports.redaction import get_profile, redact
from compoundgraph.exports.selection import select_all
from compoundgraph.models import Claim, Entity
from compoundgraph.settings import get_settings
from compoundgraph.store import GraphStore

# Every value only a victim-case record (or a claim about one) carries in the fixture world.
CASE_MARKERS = [
    "case-0001",
    "case-0002",
    "Case 0001",
    "Case 0002",
    "25-34",
    "18-24",
    "passport confiscated",
    # (case 2's recruited_on, 2024-02-03, is also a transfer's date, so it is not a marker)
    "2024-01-12",
    "2024-01-15",
    "2024-02-10",
    "rescued",
    "repatriated",
    "age_band",
    "gender",
    "indicators",
    "recruited_on",
    "RECRUITED_VIA",
    "HELD_AT",
    "SOLD_TO",
    "recruited-via",
    "held-at",
    "sold-to",
    "recruited via",
    "held at",
    "sold to",
]
# What only the H2 tip-line source says.
H2_MARKERS = [
    "src-tipline-0042",
    "Anonymous tip-line",
    "Lotus has nothing to do with Silver Dragon",
    "Colonel Aung Zaw",
    "COLLUDES_WITH",
    "colludes",
]


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
    view = redact(select_all(world), get_profile("partner", min_cell=1))  # every cell shown, to check them
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


def _more_cases(world: GraphStore, n: int = 6) -> None:
    """``n`` Myanmar cases held at Golden Lotus in 2024-Q2: one cell large enough to show."""
    world.upsert(
        [
            Entity(
                id=f"case-9{i:03d}",
                label="Case",
                name=f"Case 9{i:03d}",
                sources=["src-mekong-watch-2024"],
                properties={"nationality": "MM", "period": "2024-Q2"},
            )
            for i in range(n)
        ]
    )
    world.upsert(
        [
            Claim(
                type="HELD_AT",
                subject=f"case-9{i:03d}",
                object="compound-golden-lotus",
                grade="B2",
                source="src-mekong-watch-2024",
                handling="H2",
            )
            for i in range(n)
        ]
    )


def _counts_in(files: dict[str, bytes]) -> list[int | str]:
    """Every victim count a set of partner files carries: victim_cases.csv cells, the manifest's drops."""
    out: list[int | str] = []
    for name, data in files.items():
        if name.endswith("victim_cases.csv"):
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            assert rows, name
            out += [int(r["cases"]) if r["cases"].isdigit() else r["cases"] for r in rows]
        if name.endswith("manifest.json"):
            dropped = json.loads(data)["redaction"]["dropped"]
            out += [v for k, v in dropped.items() if "victim" in k]
    return out


def _safe(counts: list[int | str], threshold: int) -> bool:
    return all((isinstance(c, int) and c >= threshold) or c == f"<{threshold}" for c in counts)


def test_no_partner_output_carries_a_count_below_the_threshold(world: GraphStore, tmp_path: Path) -> None:
    _more_cases(world)
    view = build_view(world, "partner")  # default threshold: 5
    cells = {(a.compound_id, a.nationality, a.period): a.cases for a in view.aggregates}
    assert cells == {("compound-golden-lotus", "MM", "2024-Q2"): 6, ("", "", ""): "<5"}
    assert view.dropped["entities_victim_case"] == 8 and view.dropped["claims_victim_case"] == 11
    outputs: dict[str, bytes] = {}
    for fmt in sorted(FORMATS):  # what the CLI and the API write (multi-file formats zipped by the API)
        data, _, name = export_bytes(world, fmt, profile="partner")
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                outputs.update({f"{fmt}/{n}": z.read(n) for n in z.namelist()})
        else:
            outputs[f"{fmt}/{name}"] = data
    key = Ed25519PrivateKey.generate()
    create_package(view, tmp_path / "pkg", ["csv", "i2"], key)
    outputs.update({f"pkg/{n}": d for n, d in read_package(tmp_path / "pkg").items()})
    counts = _counts_in(outputs)
    assert 6 in counts and "<5" in counts and 8 in counts  # the checks below see real numbers
    assert _safe(counts, 5), counts
    assert "victim_cases.csv" in " ".join(outputs) and "pkg/manifest.json" in outputs


def test_the_threshold_is_a_setting(world: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    _more_cases(world)
    monkeypatch.setenv("COMPOUNDGRAPH_PARTNER_MIN_CELL", "7")
    get_settings.cache_clear()
    try:
        view = build_view(world, "partner")
    finally:
        monkeypatch.delenv("COMPOUNDGRAPH_PARTNER_MIN_CELL")
        get_settings.cache_clear()
    assert [(a.compound_id, a.cases) for a in view.aggregates] == [("", 9)]  # 6 + 3 suppressed, 9 >= 7
    assert view.dropped["entities_victim_case"] == 8 and view.dropped["claims_victim_case"] == 11
    counts = _counts_in({"victim_cases.csv": render(view, "csv")["victim_cases.csv"]})
    assert _safe(counts, 7)
    small = build_view(world, "partner", ids=["compound-golden-lotus", "person-tan-weiming"])
    assert all(v == "<5" or v >= 5 for k, v in small.dropped.items() if "victim" in k)  # type: ignore[operator]


def test_internal_keeps_cases_but_never_h3(world: GraphStore) -> None:
    from compoundgraph.models import Claim

    world.upsert(
        [
            Claim(
                type="USES",
                subject="person-kyaw-lin",
                object="account-phone-nok",
                grade="C3",
                source="src-mekong-watch-2024",
                handling="H3",
            )
        ]
    )
    view = build_view(world, "internal")
    assert {"case-0001", "case-0002"} <= set(view.entities)
    assert not any(c.handling == "H3" for c in view.claims)
    assert view.dropped == {"claims_handling": 1}
    assert json.dumps([c.model_dump() for c in view.claims]).count("H2") >= 5
