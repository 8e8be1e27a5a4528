"""Screening's blocking index (``store/match_keys.py``) on both stores (embedded and a real Neo4j): the keys are
kept by the writers, built for a database written before they existed, and give the same candidates on both
stores - the same first ``limit`` in id order where more match.

Fixtures: ``world`` (tests/fixtures/world.jsonl); a small synthetic world (``compoundgraph.synth``, seed 3)
whose syllable-built names put many near-homonyms side by side.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from compoundgraph.loader import load_jsonl
from compoundgraph.models import Entity
from compoundgraph.screening.names import _bound, _fuzzy, forms
from compoundgraph.store import EmbeddedStore, GraphStore
from compoundgraph.store.match_keys import entity_keys, identifier_key, name_plan
from compoundgraph.store.neo4j import KEYS_MARK
from compoundgraph.synth import generate
from tests.support.neo4j import make_neo4j_store
from tests.support.world import WORLD


def test_entity_keys_and_name_plan() -> None:
    e = Entity(id="person-x", label="Person", name="Tan Wei-Ming", aliases=["陈伟明"], sources=["src-x"], properties={})
    keys = entity_keys(e)
    assert {"w_tan", "w_wei", "w_ming", "h_min", "t_ing", "hh_min_tan", "tt_ing_wei", "j_tanweiming"} <= keys
    assert {"w_chen", "w_wei", "w_ming"} <= keys  # the transliteration of the alias
    assert "hh_che_tan" not in keys  # pairs are taken within one name form
    # wallets and accounts are found by their identifiers only
    w = Entity(
        id="wallet-x", label="Wallet", name="0xAbC", sources=["src-x"], properties={"address": "0xAbCdEf", "chain": "e"}
    )
    assert entity_keys(w) == {identifier_key("0xabcdef")} and identifier_key("+855 12") == "i_855_12"
    steps = name_plan("Weiming Tan")
    assert steps[0] == [["w_tan", "w_weiming"], ["j_weimingtan"]]
    assert steps[1] == [["hh_tan_wei"]] and steps[2] == [["tt_ing_tan"]]
    assert steps[3] == []  # all words but one: for three words or more
    assert name_plan("Lotus Registry Holdings")[3] == [
        ["w_lotus", "w_registry"],
        ["w_holdings", "w_registry"],
        ["w_holdings", "w_lotus"],
    ]
    assert name_plan("li li") == [[["w_li"], ["j_lili"]], [], [], []] and name_plan("!!") == []
    assert ["j_shezhijiang"] in name_plan("she zhi jiang")[0]  # 佘智江 transliterated: its syllables run together
    assert len(name_plan(" ".join(f"word{i}x" for i in range(12)))[0][0]) == 8


def test_score_bound_never_below_the_similarity() -> None:
    names = [e.name for e in generate(seed=5, entities=600, transfers=0) if isinstance(e, Entity)]
    pairs = [(forms(a)[1], forms(b)[1]) for a, b in zip(names, names[1:] + names[:1], strict=True)]
    pairs += [(a, a[:3] + a[4:]) for a, _ in pairs if len(a) > 5]  # near pairs too
    for a, b in pairs:
        assert _fuzzy(a, b) <= _bound(a, b) + 1e-9, (a, b)
    assert sum(_bound(a, b) < 0.85 for a, b in pairs) > len(pairs) / 4  # and it does leave pairs out


def test_writer_keeps_the_keys(world: GraphStore) -> None:
    assert "person-tan-weiming" in world.match_candidates(["Weiming Tan"], 10)[0]
    # a new alias is found at once; a changed identifier is found by its new value only
    load_jsonl_text(
        world,
        '{"record": "entity", "id": "person-tan-weiming", "label": "Person", "name": "Tan Wei-Ming", '
        '"aliases": ["Sokha Prakrit"], "sources": ["src-mekong-watch-2024"]}',
    )
    assert "person-tan-weiming" in world.match_candidates(["Prakrit Sokha"], 10)[0]
    found = world.match_candidates(["+85512345678", "+85599999999"], 10, names=False)
    assert found[0] == ["account-phone-nok"] and found[1] == []
    # retracting the only source of an entity takes its keys with it
    world.retract_source("src-mekong-watch-2024")
    assert world.get_entities(["person-tan-weiming", "account-phone-nok"]) == {}
    assert world.match_candidates(["Prakrit Sokha"], 10) == [[]]
    assert world.match_candidates(["+85512345678"], 10, names=False) == [[]]
    world.delete_all(confirm=True)
    assert world.match_candidates(["Lotus Holdings"], 10) == [[]]


def load_jsonl_text(store: GraphStore, line: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.jsonl"
        p.write_text(line + "\n", encoding="utf-8")
        load_jsonl(store, [p])


def test_an_older_embedded_store_gains_its_keys_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    s = EmbeddedStore(path)
    load_jsonl(s, [WORLD])
    want = s.match_candidates(["Weiming Tan", "Lotus Holdngs"], 10)
    # as a store written before the keys existed: no table, no mark in meta
    s.db.executescript("DROP TABLE match_keys; DELETE FROM meta WHERE key = 'match_keys';")
    s.close()
    s = EmbeddedStore(path)
    assert s.match_candidates(["Weiming Tan", "Lotus Holdngs"], 10) == want and all(want)
    # keys of an older version are rebuilt, not kept beside the new ones
    s.db.execute("INSERT INTO match_keys VALUES ('w_stale', 'person-tan-weiming')")
    s.db.execute("UPDATE meta SET value = '0' WHERE key = 'match_keys'")
    s.close()
    s = EmbeddedStore(path)
    assert s.match_candidates(["stale"], 10) == [[]]
    assert s.db.execute("SELECT value FROM meta WHERE key = 'match_keys'").fetchone() is not None
    s.close()


def test_an_older_neo4j_database_gains_its_keys_on_init(neo4j_driver: object) -> None:
    s = make_neo4j_store(neo4j_driver)
    load_jsonl(s, [WORLD])
    want = s.match_candidates(["Weiming Tan", "Lotus Holdngs"], 10)
    s.driver.execute_query("MATCH (n:Entity) REMOVE n.match_keys")  # type: ignore[attr-defined]
    assert s.match_candidates(["Weiming Tan", "Lotus Holdngs"], 10) == [[], []]
    s.init_schema()
    assert s.match_candidates(["Weiming Tan", "Lotus Holdngs"], 10) == want and all(want)
    # keys of an older version are rebuilt (an entity without any key is marked too, and left alone after)
    s.driver.execute_query(  # type: ignore[attr-defined]
        "MATCH (n:Entity {id: 'person-tan-weiming'}) SET n.match_keys = 'keys_v0 w_stale'"
    )
    assert s.match_candidates(["stale"], 10) == [["person-tan-weiming"]]
    s.init_schema()
    assert s.match_candidates(["stale"], 10) == [[]] and s.match_candidates(["Weiming Tan"], 10) == want[:1]
    marks, _, _ = s.driver.execute_query(  # type: ignore[attr-defined]
        "MATCH (n:Entity) RETURN count(*) AS n, sum(CASE WHEN n.match_keys = $m THEN 1 ELSE 0 END) AS bare",
        m=KEYS_MARK,
    )
    assert marks[0]["n"] > 0 and marks[0]["bare"] > 0  # events and cases have no keys, only the mark


def test_both_stores_give_the_same_candidates(neo4j_driver: object, tmp_path: Path) -> None:
    records = list(generate(seed=3, entities=3_000, transfers=0))
    emb = EmbeddedStore(tmp_path / "s.sqlite")
    neo = make_neo4j_store(neo4j_driver)
    for s in (emb, neo):
        s.upsert(records)
    named = [r for r in records if isinstance(r, Entity) and r.label in ("Person", "Organization")][:150]
    queries = [e.name for e in named]
    queries += [" ".join(reversed(e.name.split())) for e in named]  # swapped
    queries += [e.name[:-2] + "x" + e.name[-1] for e in named]  # a typo
    queries += [e.name.split()[0][:3] + " " + e.name.split()[-1][:3] + "zz" for e in named]  # heads only
    wallets = [r for r in records if isinstance(r, Entity) and r.label == "Wallet"][:50]
    idents = [str(w.properties["address"]).upper() for w in wallets]
    for limit in (3, 50):
        a, b = emb.match_candidates(queries, limit), neo.match_candidates(queries, limit)
        assert a == b
        assert emb.match_candidates(idents, limit, names=False) == neo.match_candidates(idents, limit, names=False)
    cut = emb.match_candidates(queries, 3)
    assert any(len(c) >= 3 for c in cut)  # the limit did cut: the same ids were kept on both
    found = emb.match_candidates(idents, 5, names=False)
    assert [f[0] for f in found] == [w.id for w in wallets]
    emb.close()
