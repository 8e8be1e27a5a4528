"""A link's claims: a denial or different periods make it contested; two sources asserting it alike make it
corroborated, not contested."""

from __future__ import annotations

import pytest

from compoundgraph.errors import InvalidInput
from compoundgraph.models import Claim
from compoundgraph.views import contested_ids, corroborated_ids


def _claim(source: str, **extra: object) -> Claim:
    return Claim.model_validate({"type": "OPERATES", "subject": "organization-a", "object": "compound-b",
                                 "source": source, "grade": "B2", **extra})


def test_two_sources_asserting_alike_corroborate() -> None:
    a, b = _claim("src-one"), _claim("src-two")
    assert contested_ids([a, b]) == set() and corroborated_ids([a, b]) == {a.id, b.id}
    assert corroborated_ids([a]) == set()  # one source is one source


def test_a_denial_or_different_periods_contest() -> None:
    a, d = _claim("src-one"), _claim("src-two", properties={"stance": "denies"})
    assert contested_ids([a, d]) == {a.id, d.id} and corroborated_ids([a, d]) == set()
    early = _claim("src-one", valid_from="2020-01-01", valid_to="2021-01-01")
    late = _claim("src-two", valid_from="2023-01-01")
    assert contested_ids([early, late]) == {early.id, late.id}
    same = _claim("src-three", valid_from="2020-01-01", valid_to="2021-01-01")
    assert contested_ids([early, same]) == set()


def test_stance_is_asserts_or_denies() -> None:
    with pytest.raises(InvalidInput, match="stance"):
        _claim("src-one", properties={"stance": "maybe"})
