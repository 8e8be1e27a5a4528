"""A link's claims: a denial or different periods make it contested; two sources asserting it alike make it
corroborated, not contested."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from compoundgraph.errors import InvalidInput
from compoundgraph.ingest import Options, ingest
from compoundgraph.models import Claim
from compoundgraph.store import ClaimFilter, GraphStore
from compoundgraph.store.filters import link_is
from compoundgraph.views import contested_ids, corroborated_ids, link_badges


def _claim(source: str, **extra: object) -> Claim:
    return Claim.model_validate(
        {
            "type": "OPERATES",
            "subject": "organization-a",
            "object": "compound-b",
            "source": source,
            "grade": "B2",
            **extra,
        }
    )


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


def test_badges_follow_the_filter_rule_link_by_link() -> None:
    """The chart's badges (one pass, a lone claim decided without grouping) are the claim filter's link rule
    applied to each link: a lone denial is contested, a lone assertion neither."""
    rng = random.Random(7)
    claims = []
    for i in range(300):
        subject = f"organization-{rng.randint(1, 40)}"
        extra: dict[str, object] = {"subject": subject}
        if rng.random() < 0.2:
            extra["properties"] = {"stance": "denies"}
        if rng.random() < 0.3:
            extra["valid_from"] = rng.choice(["2020-01-01", "2022-06-01"])
        claims.append(_claim(f"src-{i % 7}-{i}", **extra))
    contested, corroborated = link_badges(claims)
    for subject in {c.subject for c in claims}:
        link = [c for c in claims if c.subject == subject]
        ids = {c.id for c in link}
        assert ids <= contested or not ids & contested  # a link's claims are badged together
        assert (ids <= contested) == link_is(link, "contested")
        assert (ids <= corroborated) == link_is(link, "corroborated")
    lone = _claim("src-x", subject="organization-lone", properties={"stance": "denies"})
    assert link_badges([lone]) == ({lone.id}, set())
    assert link_badges([_claim("src-y", subject="organization-alone")]) == (set(), set())


def test_stance_is_asserts_or_denies() -> None:
    with pytest.raises(InvalidInput, match="stance"):
        _claim("src-one", properties={"stance": "maybe"})


def test_a_claims_sheet_carries_stance(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "ents.csv").write_text(
        "type,name,country,source_title,source_url\n"
        "ArmedGroup,Example Hills Militia,MM,Report A,https://example.org/a\n"
        "Compound,Example Lotus Park,MM,Report A,https://example.org/a\n",
        encoding="utf-8",
    )
    (tmp_path / "claims.csv").write_text(
        "subject,subject_type,relation,object,object_type,grade,quote,stance,source_title,source_url\n"
        "Example Hills Militia,ArmedGroup,PROTECTS,Example Lotus Park,Compound,B2,seen at the gate,,Report A,"
        "https://example.org/a\n"
        "Example Hills Militia,ArmedGroup,PROTECTS,Example Lotus Park,Compound,C3,we never guarded it,denies,"
        "Report B,https://example.org/b\n"
        "Example Hills Militia,ArmedGroup,PROTECTS,Example Lotus Park,Compound,C3,perhaps,maybe,Report C,"
        "https://example.org/c\n",
        encoding="utf-8",
    )
    summary = ingest(store, [tmp_path / "ents.csv", tmp_path / "claims.csv"], Options())
    assert [(r.where, "stance" in r.reason) for r in summary.rejects] == [("line 4", True)]
    link = list(store.iter_claims(ClaimFilter.make(rel_types=["PROTECTS"])))
    assert sorted(str(c.properties.get("stance")) for c in link) == ["None", "denies"]
    assert contested_ids(link) == {c.id for c in link}
