"""The grading translation table: round trips, never-better, STIX confidence and handling."""

from __future__ import annotations

import pytest

from compoundgraph.errors import InvalidInput
from compoundgraph.exports.grading import (
    admiralty_to_europol,
    admiralty_to_uk,
    confidence_to_credibility,
    europol_to_admiralty,
    grading_table,
    stix_confidence,
    tlp_name,
    uk_handling,
    uk_to_admiralty,
)
from compoundgraph.grades import CREDIBILITY, RELIABILITY, Grade

ALL = [Grade(r, c) for r in RELIABILITY for c in CREDIBILITY]


@pytest.mark.parametrize("code", ["1A", "1B", "1C", "2D", "3E", "2B", "3C"])
def test_uk_codes_come_back(code: str) -> None:
    g = uk_to_admiralty(code)
    back = str(admiralty_to_uk(g))[:2]
    # 'A' (known directly) has no exact Admiralty value: it comes back one step down, never up
    assert back == (code[0] + "B" if code[1] == "A" else code)


@pytest.mark.parametrize("code", [f"{s}{i}" for s in "ABCX" for i in "1234"])
def test_europol_codes_come_back(code: str) -> None:
    assert str(admiralty_to_europol(europol_to_admiralty(code))) == code


def test_translations_are_monotone_and_stable() -> None:
    uk_rank = {"1": 1, "2": 2, "3": 3}
    intel_rank = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
    eu_rank = {"A": 1, "B": 2, "C": 3, "X": 4}
    for a in ALL:
        for b in ALL:
            if a.at_least(b) and "F" not in (a.reliability, b.reliability):
                # a worse Admiralty grade never becomes a better grade elsewhere
                assert uk_rank[admiralty_to_uk(a).source] <= uk_rank[admiralty_to_uk(b).source] or b.r <= 2
                assert eu_rank[admiralty_to_europol(a).source] <= eu_rank[admiralty_to_europol(b).source]
            if a.c <= b.c and 6 not in (a.c, b.c):
                assert intel_rank[admiralty_to_uk(a).intelligence] <= intel_rank[admiralty_to_uk(b).intelligence]
                assert admiralty_to_europol(a).information <= admiralty_to_europol(b).information
        # translating, reading back and translating again changes nothing
        assert admiralty_to_uk(uk_to_admiralty(str(admiralty_to_uk(a)))) == admiralty_to_uk(a)
        assert admiralty_to_europol(europol_to_admiralty(str(admiralty_to_europol(a)))) == admiralty_to_europol(a)


def test_stix_confidence_follows_the_appendix_scale() -> None:
    assert [stix_confidence(f"B{c}") for c in range(1, 7)] == [90, 70, 50, 30, 10, None]
    for g in ALL:
        assert confidence_to_credibility(stix_confidence(g)) == g.credibility
    with pytest.raises(InvalidInput):
        confidence_to_credibility(101)


def test_handling_maps_to_tlp_and_uk() -> None:
    assert [tlp_name(h) for h in ("H0", "H1", "H2", "H3")] == ["white", "green", "amber", "red"]
    assert [uk_handling(h) for h in ("H0", "H1", "H2", "H3")] == ["P", "P", "C", "C"]
    with pytest.raises(InvalidInput):
        tlp_name("H9")


def test_bad_codes_are_refused_with_a_reason() -> None:
    with pytest.raises(InvalidInput, match="UK 3x5x2"):
        uk_to_admiralty("4Z")
    with pytest.raises(InvalidInput, match="Europol"):
        europol_to_admiralty("D1")


def test_table_is_complete() -> None:
    t = grading_table()
    assert set(t["reliability"]) == set(RELIABILITY)
    assert set(t["credibility"]) == {str(c) for c in CREDIBILITY}
    assert t["handling"]["H2"]["tlp"] == "amber"
