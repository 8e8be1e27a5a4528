"""Field notes as caseworkers and journalists write them: a town GeoNames also files under a bigger town's
name, rivers, a question's or a line's first word, compounds called "... Garden" or "... Plaza", nickname-titles
("Coach Marcus"), a company name ending a sentence, and the relationships such notes state in passing ("travelled
... through X and on to Y", "the buildings themselves are owned by", "that place", "his title as director of",
"Security at X is provided by", "an officer of", "the man who runs X is known as", a compound "in" a place).
The notes are written here, fictional and new to the rules' development texts."""

from __future__ import annotations

from pathlib import Path

from compoundgraph.ingest import Options, ingest
from compoundgraph.ingest.candidates import find_names
from compoundgraph.ingest.places import find_places
from compoundgraph.ingest.review import candidates
from compoundgraph.store import ClaimFilter, EmbeddedStore
from tests.support.world import INGEST

NOTES = """# Working notes (fictional): the Willow Creek Garden

Willow Creek Garden is a walled block of dormitories inside the Golden Triangle Special Economic Zone.

The recruiter, a man who went by Coach Marcus, recruited for Willow Creek Garden from the start.

Sapphire Gate Recruitment Agency, the name on the job site, appears to be nothing more than his trading name.

A contract described the agency as supplying staff to Orchid Star Trading Co., Ltd.

The garden is run by Orchid Star Trading Co., Ltd, whose logo is on the badges.

A team leader said the buildings themselves are owned by Palm Grove Holdings.

Boss Ren signed the wage slips. One worker saw his title as director of Orchid Star Trading Co., Ltd.

Brother Tony travelled with the first group himself, through Chiang Rai and on to Chiang Saen, where they \
crossed the Mekong.

Workers from Willow Creek Garden later flew to Bangkok.

Two workers were moved to a second site, Silver Moon Plaza. It is smaller than Willow Creek Garden. "The UWSA \
men protect that place," one said.

The man who runs Silver Moon Plaza day to day is known to the workers as Uncle Bo.

Their commander is Captain Sai Hom, an officer of the UWSA.

Security at Willow Creek Garden is provided by the DKBA.

Ko Min worked out of Willow Creek Garden. Ko Min is also a driver for Starlight Logistics Co., Ltd, a two-room \
office in Mae Sot.

Starlight Logistics also recruits for Silver Moon Plaza.

Is Palm Grove Holdings the real owner? Phone call with the landlord pending.
"""


def test_a_towns_own_name_rivers_and_first_words() -> None:
    hits = list(find_places("They waited in Chiang Saen, then crossed the Mekong and the Ruak River to Mae Chan."))
    by_name = {h.place.name: h.place for h in hits}
    assert [h.place.name for h in hits] == ["Chiang Saen", "Mekong", "Ruak River", "Mae Chan"]
    # the town itself, not the larger Mae Chan that GeoNames also files under "Chiang Saen"
    assert by_name["Chiang Saen"].geonameid == 1611187
    mekong = by_name["Mekong"]
    assert mekong.origin == "curated" and mekong.kind == "river" and mekong.source.startswith("https://")
    assert mekong.country == ""  # a river on several borders has no one country
    assert not list(find_places("A report by Mekong Watch on the Mekong Star Plaza."))
    # "Phone" is another name of a Lao village; as a line's first word it is an ordinary word
    assert not list(find_places("Phone call with the landlord pending."))
    assert not list(find_places("Notes.\nPhone call with the landlord pending."))


def test_garden_plaza_nickname_titles_and_questions() -> None:
    def names(sentence: str) -> set[tuple[str, str]]:
        return {(p.label, p.name) for p in find_names(sentence)}

    assert names("They knew it as Willow Creek Garden, next to Silver Moon Plaza and the Lotus Gardens.") == {
        ("Compound", "Willow Creek Garden"),
        ("Compound", "Silver Moon Plaza"),
        ("Compound", "Lotus Gardens"),
    }
    assert names("The recruiter was a man who went by Coach Marcus.") == {("Person", "Coach Marcus")}
    assert names("Is Palm Grove Holdings the real owner?") == {("Organization", "Palm Grove Holdings")}
    assert names("Does Golden Reed Investment Group own it?") == {("Organization", "Golden Reed Investment Group")}


def test_company_forms_honorifics_and_full_names() -> None:
    def names(sentence: str) -> set[tuple[str, str]]:
        return {(p.label, p.name) for p in find_names(sentence)}

    # a company's legal form before the name (Indonesia) or after it (Viet Nam, Malaysia)
    assert names("They were recruited through an agency calling itself PT Sinar Jaya Abadi.") == {
        ("Organization", "PT Sinar Jaya Abadi")
    }
    assert names("She works for Hoang Long Labour Export JSC as a recruitment officer.") == {
        ("Organization", "Hoang Long Labour Export JSC")
    }
    assert names("The money went to Kota Emas Sdn Bhd in Johor.") >= {("Organization", "Kota Emas Sdn Bhd")}
    assert names("The inspection reported the PT boat missing.") == set()  # "PT" alone names nothing
    # Karen, Chinese and Indonesian honorifics kept with the name; a full name given plainly
    assert names("A DKBA officer, Major Saw Htoo Lay, came every Friday.") >= {("Person", "Saw Htoo Lay")}
    assert names("He was sold to a broker called Ah Keong.") >= {("Person", "Ah Keong")}
    assert names("Workers heard the full name Wei Jianming when it was read out.") == {("Person", "Wei Jianming")}
    assert names("The recruiter's full name, Budi Santoso, was on the receipt.") == {("Person", "Budi Santoso")}
    assert ("Person", "Zhou Wenbo") not in names("Boss Zhou's men fear him; one saw his full name, Zhou Wenbo, once.")


def test_relationships_stated_in_passing(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(NOTES, encoding="utf-8")
    store = EmbeddedStore(tmp_path / "store.sqlite")
    ingest(store, [path], Options())
    got = list(candidates(store, "all"))
    entities = {(c.label, c.name) for c in got if c.kind == "entity"}
    relations = {(c.label, c.name) for c in got if c.kind == "relation"}
    # "Co., Ltd." ending a sentence is the name "Co., Ltd" when the notes also write it so; "Is" is no part of
    # a name
    assert ("Organization", "Orchid Star Trading Co., Ltd") in entities
    assert ("Organization", "Palm Grove Holdings") in entities
    assert not [name for _label, name in entities if name.endswith("Ltd.") or name.startswith("Is ")]
    assert relations == {
        ("LOCATED_IN", "Willow Creek Garden -> Golden Triangle Special Economic Zone"),
        ("RECRUITS_FOR", "Coach Marcus -> Willow Creek Garden"),
        ("OPERATES", "Coach Marcus -> Sapphire Gate Recruitment Agency"),  # "his trading name"
        ("RECRUITS_FOR", "Sapphire Gate Recruitment Agency -> Orchid Star Trading Co., Ltd"),  # "the agency"
        ("OPERATES", "Orchid Star Trading Co., Ltd -> Willow Creek Garden"),  # "the garden"
        ("OWNS", "Palm Grove Holdings -> Willow Creek Garden"),  # "the buildings themselves"
        ("DIRECTS", "Boss Ren -> Orchid Star Trading Co., Ltd"),  # "his title as director of"
        ("TRANSITED", "Brother Tony -> Chiang Rai"),
        ("TRANSITED", "Brother Tony -> Chiang Saen"),  # "and on to"
        # "that place" is the site named last, not the one it is compared with
        ("PROTECTS", "UWSA -> Silver Moon Plaza"),
        ("OPERATES", "Uncle Bo -> Silver Moon Plaza"),  # "The man who runs X ... is known ... as Uncle Bo"
        ("MEMBER_OF", "Sai Hom -> UWSA"),  # "an officer of the UWSA"
        ("PROTECTS", "DKBA -> Willow Creek Garden"),  # "Security at X is provided by"
        ("EMPLOYED_BY", "Ko Min -> Willow Creek Garden"),  # "worked out of"
        ("EMPLOYED_BY", "Ko Min -> Starlight Logistics Co., Ltd"),  # "a driver for"
        ("LOCATED_IN", "Starlight Logistics Co., Ltd -> Mae Sot"),  # ", a two-room office in"
        ("RECRUITS_FOR", "Starlight Logistics Co., Ltd -> Silver Moon Plaza"),  # the short form
    }
    # workers flying from a compound to Bangkok do not put it there; the Mekong names no country
    ents = {e.id: e for e in store.iter_entities()}
    mentioned = {
        (ents[c.subject].name, c.properties.get("country"))
        for c in store.iter_claims(ClaimFilter.make(rel_types=["MENTIONED_IN"]))
        if ents[c.subject].label == "Location"
    }
    assert ("Mekong", None) in mentioned and ("Chiang Saen", "TH") in mentioned
    assert not {name for name, _ in mentioned} & {"Mae Chan", "Lamam", "Myanmar"}
    store.close()


def test_development_field_notes(tmp_path: Path) -> None:
    """The two reports first measured as held-out text: what they state in the constructions above."""
    store = EmbeddedStore(tmp_path / "store.sqlite")
    ingest(store, [INGEST / "debrief-golden-triangle-sez.md", INGEST / "notes-moei-sihanoukville.txt"], Options())
    relations = {(c.label, c.name) for c in candidates(store, "all") if c.kind == "relation"}
    assert {
        ("TRANSITED", "Khun Anan -> Chiang Saen"),
        ("OWNS", "Tianyu Holdings -> Jade Orchid Park"),
        ("PROTECTS", "UWSA -> Phoenix Bay Garden"),
        ("DIRECTS", "Boss Zhou -> Lanxiang Digital Technology Co., Ltd"),
        ("RECRUITS_FOR", "Starbridge Logistics Co., Ltd -> Lucky Pine Park"),
        ("PROTECTS", "KNA -> Ruby River Park"),
        ("MEMBER_OF", "Saw Eh Kaw -> DKBA"),
        ("OPERATES", "Boss Lim -> Lucky Pine Park"),
    } <= relations
    store.close()
