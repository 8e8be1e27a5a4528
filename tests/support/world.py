"""The fictional fixture world and what the tests build from it.

``WORLD`` is ``tests/fixtures/world.jsonl`` (made by ``tests/fixtures/make_world.py``); ``SCREENING`` is the
screening list loaded beside it, with one wallet known by its address (``ETH``) and id (``ETH_ID``);
``random_world`` gives the world random handling codes and source lists, for the partner-redaction tests.
"""

from __future__ import annotations

import random
from pathlib import Path

from compoundgraph.loader import read_jsonl
from compoundgraph.models import Claim, Entity, Source

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
INGEST = FIXTURES / "ingest"
WORLD = FIXTURES / "world.jsonl"
SAMPLE = ROOT / "src" / "compoundgraph" / "sample"

SCREENING = FIXTURES / "screening.jsonl"
ETH = "0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c"
ETH_ID = "wallet-db707b49a6c3c479"

HANDLING = ["H0", "H1", "H2", "H3"]


def random_world(seed: int, restricted: float) -> list[Source | Entity | Claim]:
    """The fixture world (every type, cases, a supernode, a contested claim) with eight sources of random
    handling codes, each entity attested by one or two of them, each claim resting on one with a random
    handling code of its own, and extra ``MENTIONED_IN`` claims."""
    rng = random.Random(seed)
    records = list(read_jsonl(WORLD))
    sources = [r for r in records if isinstance(r, Source)]
    sources += [
        Source(title=f"Random report {seed}-{i}", kind="report", reliability=rng.choice("ABCDEF")) for i in range(6)
    ]
    sources = [
        s.model_copy(
            update={"handling": rng.choice(HANDLING[2:]) if rng.random() < restricted else rng.choice(HANDLING[:2])}
        )
        for s in sources
    ]
    out: list[Source | Entity | Claim] = [*sources]
    for r in records:
        if isinstance(r, Entity):
            picked = sorted({rng.choice(sources).id for _ in range(rng.randint(1, 2))})
            out.append(r.model_copy(update={"sources": picked}))
        elif isinstance(r, Claim):
            code = rng.choice(HANDLING[2:]) if rng.random() < restricted / 2 else rng.choice(HANDLING[:2])
            data = r.model_dump()
            data.update(id="", source=rng.choice(sources).id, handling=code)
            out.append(Claim.model_validate(data))
    entities = [r for r in out if isinstance(r, Entity) and r.label != "Case"]
    for e in rng.sample(entities, min(8, len(entities))):
        target, by = rng.choice(sources), rng.choice(sources)
        out.append(
            Claim(
                type="MENTIONED_IN",
                subject=e.id,
                object=target.id,
                source=by.id,
                grade="C3",
                handling=rng.choice(HANDLING[:2]),
            )
        )
    return out


def review_world(seed: int, restricted: float) -> list[Source | Entity | Claim]:
    """``random_world`` with what the review and stance rules must tell apart: proposed entities (pending,
    accepted, rejected) with their mentions and a proposed relationship as the text loader writes them, a
    fact touching a pending proposal, and links that are denied, corroborated or asserted with different
    periods."""
    rng = random.Random(seed)
    out = random_world(seed, restricted)
    sources = [r for r in out if isinstance(r, Source)]
    report = sources[-1]
    known = [r for r in out if isinstance(r, Entity) and r.label in ("Person", "Organization")]
    places = [r for r in out if isinstance(r, Entity) and r.label == "Location"]
    made: dict[str, Entity] = {}
    for status in ("pending", "accepted", "rejected"):
        e = Entity(
            label="Compound",
            name=f"Proposed {status} Technology Park",
            properties={"status": status, "candidate_rule": "park", "proposed_in": report.id},
            sources=[report.id],
        )
        made[status] = e
        out.append(e)
        out.append(
            Claim(
                type="MENTIONED_IN",
                subject=e.id,
                object=report.id,
                source=report.id,
                grade="B2",
                handling="H3" if status != "accepted" else "H1",
                quote=f"The {status} park was named here.",
                properties={"role": "candidate", "status": status, "sentence": 1},
            )
        )
    for status in ("pending", "accepted"):
        out.append(
            Claim(
                type="MENTIONED_IN",
                subject=known[0].id,
                object=report.id,
                source=report.id,
                grade="B2",
                handling="H3",
                quote=f"{known[0].name} runs the park ({status}).",
                key=f"rel:OPERATES:{made['accepted'].id}:{status}",
                properties={
                    "role": "candidate-relation",
                    "status": status,
                    "proposed_type": "OPERATES",
                    "proposed_object": made["accepted"].id,
                },
            )
        )
    out.append(  # a fact about a proposal still pending (another loader named the same park)
        Claim(type="LOCATED_IN", subject=made["pending"].id, object=places[0].id, source=sources[0].id, grade="C3")
    )
    facts = [
        r
        for r in out
        if isinstance(r, Claim) and r.type in ("OPERATES", "PROTECTS", "MEMBER_OF", "EMPLOYED_BY", "USES", "HOLDS")
    ]
    for i, c in enumerate(rng.sample(facts, min(12, len(facts)))):
        other = rng.choice([s for s in sources if s.id != c.source])
        extra: dict[str, object] = {"id": "", "source": other.id}
        if i % 3 == 0:  # denied
            extra["properties"] = {**c.properties, "stance": "denies"}
        elif i % 3 == 1:  # the same said again: corroborated
            extra["properties"] = dict(c.properties)
        else:  # asserted for another period: contested
            extra.update(valid_from="2019-01-01", valid_to="2019-12-31")
            if not (c.valid_from or c.valid_to):
                third = rng.choice([s for s in sources if s.id not in (c.source, other.id)])
                out.append(
                    Claim.model_validate({**c.model_dump(), "id": "", "source": third.id, "valid_from": "2021-01-01"})
                )
        out.append(Claim.model_validate({**c.model_dump(), **extra}))
    return out


def proposal_records(source: str) -> list[dict[str, object]]:
    """JSON-lines records of proposed entities citing ``source``, as a backup of a store under review holds
    them: one stays pending, one is pending and then accepted by a later record, one pending and then
    rejected (what the bulk loader must label ``Proposed`` as the writer does, repeats folded)."""

    def park(name: str, status: str) -> dict[str, object]:
        e = Entity(
            label="Compound",
            name=name,
            properties={"status": status, "candidate_rule": "park", "proposed_in": source},
            sources=[source],
        )
        return {"record": "entity", **e.model_dump(mode="json")}

    return [
        park("Bulk pending Technology Park", "pending"),
        park("Bulk accepted Technology Park", "pending"),
        park("Bulk rejected Technology Park", "pending"),
        park("Bulk accepted Technology Park", "accepted"),
        park("Bulk rejected Technology Park", "rejected"),
    ]
