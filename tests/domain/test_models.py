"""Models: deterministic ids, the source requirement, ontology checks, hostile strings refused clearly."""

from __future__ import annotations

import pytest

from compoundgraph.errors import InvalidInput
from compoundgraph.ids import entity_id, normalize
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.ontology import ontology


def test_ontology_is_data() -> None:
    ont = ontology()
    assert {"Compound", "ArmedGroup", "Case", "Wallet"} <= set(ont.labels)
    assert ont.relationships["PROTECTS"].allows("ArmedGroup", "Compound")
    assert not ont.relationships["TRANSFERRED"].allows("Person", "Wallet")
    assert ont.labels["Compound"].colour.startswith("#")
    with pytest.raises(InvalidInput):
        ont.label("Compound) DETACH DELETE (n")
    with pytest.raises(InvalidInput):
        ont.rel("KNOWS]->() DELETE n //")


def test_deterministic_ids() -> None:
    a = Entity(label="Compound", name="Shwe  Kokko", properties={"country": "MM"}, sources=["src-x"])
    b = Entity(label="Compound", name="shwe kokko", properties={"country": "MM"}, sources=["src-y"])
    c = Entity(label="Compound", name="Shwe Kokko", properties={"country": "TH"}, sources=["src-x"])
    assert a.id == b.id != c.id
    assert a.id == entity_id("Compound", "SHWE KOKKO", ["MM"])
    w1 = Entity(label="Wallet", name="w", properties={"chain": "tron", "address": "TXyz"}, sources=["s"])
    w2 = Entity(label="Wallet", name="other", properties={"chain": "tron", "address": "TXyz"}, sources=["s"])
    assert w1.id == w2.id  # a wallet is its chain + address, whatever it is called
    a1 = Entity(
        label="Account", name="Lotus Jobs", properties={"platform": "Telegram", "handle": "lotusjobs"}, sources=["s"]
    )
    a2 = Entity(
        label="Account", name="@lotusjobs", properties={"platform": "telegram", "handle": "LotusJobs"}, sources=["t"]
    )
    assert a1.id == a2.id
    s1 = Source(title="Report", sha256="ab" * 32)
    s2 = Source(title="Other title, same bytes", sha256="ab" * 32)
    assert s1.id == s2.id
    c1 = Claim(type="PROTECTS", subject="armed-x", object="compound-y", source=s1.id, grade="B2")
    c2 = Claim(type="PROTECTS", subject="armed-x", object="compound-y", source=s1.id, grade="C3")
    assert c1.id == c2.id  # one edge per subject-type-object-source


def test_claim_without_source_is_refused() -> None:
    with pytest.raises(InvalidInput, match="source"):
        Claim(type="PROTECTS", subject="armed-x", object="compound-y", source="", grade="B2")
    with pytest.raises(InvalidInput, match="grade"):
        Claim(type="PROTECTS", subject="armed-x", object="compound-y", source="src-a", grade="")
    with pytest.raises(InvalidInput, match="no source"):
        Entity(label="Person", name="Someone", sources=[])


def test_dates_and_validity() -> None:
    c = Claim(
        type="PROTECTS",
        subject="a-1",
        object="b-1",
        source="src-a",
        grade="B2",
        valid_from="2021-01-01",
        valid_to="2024-03-01",
    )
    assert c.in_force("2022-06-01") and not c.in_force("2020-12-31") and not c.in_force("2024-03-02")
    with pytest.raises(InvalidInput, match="valid_to"):
        Claim(
            type="PROTECTS",
            subject="a-1",
            object="b-1",
            source="src-a",
            grade="B2",
            valid_from="2024-01-01",
            valid_to="2023-01-01",
        )
    with pytest.raises(InvalidInput):
        Claim(type="PROTECTS", subject="a-1", object="b-1", source="src-a", grade="B2", valid_from="2024-02-30")


@pytest.mark.parametrize(
    "name, fragment",
    [("bad\x00name", "control"), ("x" * 10_000_000, "limit"), ("\ud800", "surrogate")],
)
def test_hostile_names_refused_clearly(name: str, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        Entity(label="Person", name=name, sources=["src-a"])


def test_normalize_keeps_every_script() -> None:
    assert normalize("ကျော်လင်း") == "ကျော်လင်း"
    assert normalize("นก ศรีสุข") == "นก ศรีสุข"
    assert normalize("  Saw-Chit  Thu ") == "saw chit thu"
    assert normalize("陈伟明") == "陈伟明"


def test_reserved_and_odd_properties_refused() -> None:
    with pytest.raises(InvalidInput, match="reserved"):
        Entity(label="Person", name="A", sources=["s"], properties={"sources": "x"})
    with pytest.raises(InvalidInput, match="identifier"):
        Entity(label="Person", name="A", sources=["s"], properties={"a b`) DELETE": 1})
    with pytest.raises(InvalidInput, match="one type"):
        Entity(label="Person", name="A", sources=["s"], properties={"roles": ["x", 1]})
