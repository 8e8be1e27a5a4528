"""Admiralty grades: parsing, the 'at least as good as' order, weakest-link combination."""

from __future__ import annotations

import pytest

from compoundgraph.errors import InvalidInput
from compoundgraph.grades import Grade, weakest


@pytest.mark.parametrize("text, r, c", [("B2", "B", 2), (" a1 ", "A", 1), ("F6", "F", 6)])
def test_parse(text: str, r: str, c: int) -> None:
    g = Grade.parse(text)
    assert (g.reliability, g.credibility) == (r, c)
    assert str(g) == f"{r}{c}"


@pytest.mark.parametrize("bad", ["", "G1", "A0", "A7", "B22", "2B", "B 2 x", "MATCH (n) DELETE n"])
def test_parse_refuses(bad: str) -> None:
    with pytest.raises(InvalidInput):
        Grade.parse(bad)


def test_at_least_is_componentwise() -> None:
    assert Grade.parse("A1").at_least("B2")
    assert Grade.parse("B2").at_least("B2")
    assert not Grade.parse("A3").at_least("B2")  # credibility worse
    assert not Grade.parse("C1").at_least("B2")  # reliability worse
    assert Grade.parse("F6").at_least(None)


def test_weakest_link() -> None:
    assert str(weakest(["A3", "C1"])) == "C3"
    assert str(weakest(["B2"])) == "B2"
    assert str(Grade.parse("A1").weakest(Grade.parse("F6"))) == "F6"
    with pytest.raises(InvalidInput):
        weakest([])
