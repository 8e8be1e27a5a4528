"""Relationships proposed from a report's sentences: the constructions report writers use (active, passive,
appositive, nominal, with clauses in between, "the compound" for the one in view), each proposed with its
sentence as quote, and sentences that must propose nothing (negated, a victim's pseudonym). The reports are
written here, fictional and new to the rules' development texts."""

from __future__ import annotations

from pathlib import Path

from compoundgraph.ingest import Options, ingest
from compoundgraph.ingest.resolve import DecisionLog
from compoundgraph.ingest.review import Candidate, accept, candidates
from compoundgraph.ingest.text import sentences
from compoundgraph.store import ClaimFilter, EmbeddedStore, GraphStore
from tests.support.world import INGEST

REPORT = """# Monitoring note (fictional): the Orchid Bay Park

The Orchid Bay Park, operated by Silver Lake Holdings Ltd., is guarded by soldiers of the DKBA.

Silver Lake Holdings Ltd., the company behind the Orchid Bay Park, is a subsidiary of Far East Star Group.

Militiamen from the BGF stood at the Orchid Bay Park gate.

Boss Tan's compound has its own clinic and a punishment room.

The park is under the protection of Colonel Aung of the BGF.

Mr. Somchai Boonmee, a recruiter for the Orchid Bay Park, crossed at Mae Sot with each group.

Lucky Seven Investment Group financed the park, and Golden Kyat Money Exchange laundered money for the park.

The Orchid Bay Park is not owned by Far East Star Group, according to the land office.

The KNU no longer guards the park.

One victim, Ms. Ploy (a pseudonym), said the recruiter had promised her a job in a hotel.
"""


def _load(store: GraphStore, tmp_path: Path, text: str = REPORT) -> dict[tuple[str, str], Candidate]:
    path = tmp_path / "monitoring-note.md"
    path.write_text(text, encoding="utf-8")
    ingest(store, [path], Options())
    return {(c.label, c.name): c for c in candidates(store, "all")}


def _sentence(start: str, text: str = REPORT) -> str:
    return next(s for s in sentences(text) if s.startswith(start))


def test_constructions_are_proposed_with_their_sentence(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store.sqlite")
    got = _load(store, tmp_path)
    relations = {(c.label, c.name, c.quote) for c in candidates(store, "all") if c.kind == "relation"}
    expected = [
        # passive in an appositive, and a passive verb past it: the DKBA guards the park, not its operator
        ("OPERATES", "Silver Lake Holdings Ltd. -> Orchid Bay Park", "The Orchid Bay Park, operated"),
        ("PROTECTS", "DKBA -> Orchid Bay Park", "The Orchid Bay Park, operated"),
        # "the company behind", "a subsidiary of"
        ("OPERATES", "Silver Lake Holdings Ltd. -> Orchid Bay Park", "Silver Lake Holdings Ltd., the company"),
        ("PART_OF", "Silver Lake Holdings Ltd. -> Far East Star Group", "Silver Lake Holdings Ltd., the company"),
        # guards of an armed group at the compound
        ("PROTECTS", "BGF -> Orchid Bay Park", "Militiamen from the BGF"),
        # "X's compound": the compound in view
        ("OPERATES", "Boss Tan -> Orchid Bay Park", "Boss Tan's compound"),
        # "under the protection of", and the officer, not his unit, is the protector
        ("PROTECTS", "Colonel Aung -> Orchid Bay Park", "The park is under the protection"),
        ("MEMBER_OF", "Colonel Aung -> BGF", "The park is under the protection"),
        # "a recruiter for", and the recruiter's own crossing
        ("RECRUITS_FOR", "Somchai Boonmee -> Orchid Bay Park", "Mr. Somchai Boonmee, a recruiter"),
        ("TRANSITED", "Somchai Boonmee -> Mae Sot", "Mr. Somchai Boonmee, a recruiter"),
        # a financier (OWNS, the ontology's nearest type) and a launderer, both of "the park"
        ("OWNS", "Lucky Seven Investment Group -> Orchid Bay Park", "Lucky Seven Investment Group financed"),
        ("COLLUDES_WITH", "Golden Kyat Money Exchange -> Orchid Bay Park", "Lucky Seven Investment Group financed"),
    ]
    want = {(rel, name, _sentence(start)) for rel, name, start in expected}
    # each proposed with its sentence, and nothing else: no PROTECTS of the operator, no OWNS from the
    # negated sentence, nothing of the KNU that "no longer guards the park"
    assert relations == want, (want - relations, relations - want)
    # the entities the constructions name, with the honorific or a single name's title kept
    for key in [("Person", "Boss Tan"), ("Person", "Colonel Aung"), ("Organization", "Far East Star Group")]:
        assert got[key].kind == "entity"
    # a victim's pseudonym is never a person
    assert not [c for c in got.values() if c.kind == "entity" and "Ploy" in c.name]
    store.close()


MORE = """# Monitoring note 2 (fictional): the Jade Gate Park

The Jade Gate Park lies south of Myawaddy.

Colonel Aung's men guard the gate. The park's owner, Boss Chen, lives in Bangkok.

Most workers were recruited by Madam Zhou for the Jade Gate Park through Facebook.

Mr. Lin Feng worked as a driver for Golden Leaf Trading Co. before he joined the militia.

The KNU, whose soldiers guard the Jade Gate Park, is allied with the DKBA.

Capt. Win Naing is on the payroll of the Jade Gate Park. Sun Rise Exchange handled payments for the Jade Gate Park.

Boss Chen is reportedly behind the Lotus Moon Casino. Workers were employed by Golden Leaf Trading Co. at the casino.

Mr. Prasit Wong, 52, allegedly sent more than 40 people to the Lotus Moon Casino. Tiger Capital Holdings sold
the Lotus Moon Casino to Neptune Leisure Group in 2023.
"""


def test_possessive_coordinated_and_payroll_constructions(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store.sqlite")
    _load(store, tmp_path, MORE)
    relations = {(c.label, c.name, c.quote) for c in candidates(store, "all") if c.kind == "relation"}
    expected = [
        ("PROTECTS", "Colonel Aung -> Jade Gate Park", "Colonel Aung's men"),
        ("OWNS", "Boss Chen -> Jade Gate Park", "The park's owner"),
        ("RECRUITS_FOR", "Madam Zhou -> Jade Gate Park", "Most workers were recruited by"),
        ("EMPLOYED_BY", "Lin Feng -> Golden Leaf Trading Co.", "Mr. Lin Feng worked"),
        ("PROTECTS", "KNU -> Jade Gate Park", "The KNU, whose soldiers"),
        ("ALLIED_WITH", "KNU -> DKBA", "The KNU, whose soldiers"),
        ("COLLUDES_WITH", "Win Naing -> Jade Gate Park", "Capt. Win Naing"),
        ("COLLUDES_WITH", "Sun Rise Exchange -> Jade Gate Park", "Sun Rise Exchange"),
        ("OPERATES", "Boss Chen -> Lotus Moon Casino", "Boss Chen is reportedly"),
        ("RECRUITS_FOR", "Prasit Wong -> Lotus Moon Casino", "Mr. Prasit Wong, 52"),
    ]
    # workers employed by a company are victims, not persons: no EMPLOYED_BY; a company selling a casino to
    # another recruits for neither
    assert relations == {(rel, name, _sentence(start, MORE)) for rel, name, start in expected}
    store.close()


def test_negated_and_victim_sentences_propose_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store.sqlite")
    text = (
        "The Orchid Bay Park is run by Silver Lake Holdings Ltd.\n\n"
        "The Orchid Bay Park is not owned by Far East Star Group, according to the land office.\n\n"
        "The KNU no longer guards the park.\n\n"
        "She said the park's guards, who carried rifles, belonged to the DKBA.\n\n"
        "Far East Star Group denied that it financed the Orchid Bay Park.\n\n"
        'A returnee known to staff as "Dewi" (not her real name) said the recruiter took her passport.\n'
    )
    got = _load(store, tmp_path, text)
    assert {key for key, c in got.items() if c.kind == "relation"} == {
        ("OPERATES", "Silver Lake Holdings Ltd. -> Orchid Bay Park")
    }
    assert ("ArmedGroup", "KNU") in got and ("Organization", "Far East Star Group") in got
    assert not [c for c in got.values() if c.kind == "entity" and c.label == "Person"]
    store.close()


def test_a_company_name_can_end_a_sentence() -> None:
    text = "The money went through Golden Sand Trading Co. Golden Sand Trading Co. laundered it. Ask Co. Ltd staff."
    assert list(sentences(text)) == [
        "The money went through Golden Sand Trading Co.",
        "Golden Sand Trading Co. laundered it.",
        "Ask Co. Ltd staff.",
    ]


def test_development_report_short_forms_and_places(tmp_path: Path) -> None:
    """The police case summary: "Mr. Somchai" is the suspect named in full before, "the suspect" stands for
    him, and "Riverside" or "Kayin" inside a compound's or an armed group's name are no places."""
    store = EmbeddedStore(tmp_path / "store.sqlite")
    ingest(store, [INGEST / "police-case-summary-44.txt", INGEST / "reporting-notes-myawaddy.txt"], Options())
    got = {(c.label, c.name): c for c in candidates(store, "all")}
    persons = {name for (label, name), c in got.items() if c.kind == "entity" and label == "Person"}
    assert persons == {"Somchai Boonmee", "Li Qiang", "Uncle Chen", "Colonel Aung", "Ko Htet"}
    assert ("RECRUITS_FOR", "Somchai Boonmee -> Blue Horizon Compound") in got  # "the suspect recruited ..."
    assert ("TRANSITED", "Somchai Boonmee -> Myawaddy") in got
    assert ("PROTECTS", "DKBA -> Blue Horizon Investment Group Ltd.") not in got
    ents = {e.id: e for e in store.iter_entities()}
    places = {
        ents[c.subject].name
        for c in store.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"]))
        if c.properties.get("role") == "place"
    }
    assert not {"Riverside", "Kayin State"} & places and {"Mae Sot", "Shwe Kokko"} <= places
    store.close()


def test_a_newly_proposed_type_is_accepted_as_a_typed_claim(store: GraphStore, tmp_path: Path) -> None:
    """On both stores: accepting a proposed PART_OF writes the typed claim with the sentence as quote."""
    got = _load(store, tmp_path)
    log = DecisionLog(tmp_path / "review.jsonl")
    part = got[("PART_OF", "Silver Lake Holdings Ltd. -> Far East Star Group")]
    for end in ("Silver Lake Holdings Ltd.", "Far East Star Group"):
        accept(store, log, got[("Organization", end)].id)
    fact = accept(store, log, part.id, editor="analyst")
    sub = got[("Organization", "Silver Lake Holdings Ltd.")].id
    claims = store.claims_of([sub], ClaimFilter.make(rel_types=["PART_OF"]))
    assert [(c.id, c.object, c.quote, c.properties.get("cue")) for c in claims] == [
        (fact.id, got[("Organization", "Far East Star Group")].id, part.quote, "a subsidiary of")
    ]
