"""The store contract, run against both stores on the fictional fixture world.

Every test here runs twice (embedded and a real Neo4j) through the ``store``/``world`` fixtures;
``test_both_stores_agree`` compares the two answers directly.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from compoundgraph.errors import InvalidInput, NotFound
from compoundgraph.loader import load_jsonl, record_to_json
from compoundgraph.models import Claim, Entity, Source
from compoundgraph.store import ClaimFilter, EmbeddedStore, GraphColumns, GraphStore
from tests.support.neo4j import make_neo4j_store
from tests.support.world import WORLD


def snapshot(store: GraphStore) -> list[dict]:
    return [record_to_json(r) for it in (store.iter_sources(), store.iter_entities(), store.iter_claims()) for r in it]


def test_load_is_idempotent(store: GraphStore) -> None:
    first = load_jsonl(store, [WORLD])
    assert first.created == first.sources + first.entities + first.claims
    before = snapshot(store)
    second = load_jsonl(store, [WORLD])
    assert second.created == 0 and second.updated == 0
    assert second.unchanged == first.created
    assert snapshot(store) == before


def test_counts(world: GraphStore) -> None:
    counts = world.counts()
    assert counts["labels"]["Compound"] == 3
    assert counts["labels"]["Account"] == 14
    assert counts["relationships"]["OPERATES"] == 4  # incl. both sides of the contested claim
    assert counts["relationships"]["TRANSFERRED"] == 3
    assert counts["sources"]["Source"] == 2


def test_entity_with_claims_and_sources(world: GraphStore) -> None:
    d = world.entity("org-lotus-holdings")
    assert d.entity.name == "Lotus Holdings Ltd"
    assert d.entity.aliases == ["Lotus Hldgs"]
    types = sorted((c.type, c.subject, c.object, c.grade) for c in d.claims)
    assert ("DIRECTS", "person-tan-weiming", "org-lotus-holdings", "B2") in types
    contested = [c for c in d.claims if c.object == "compound-silver-dragon"]
    assert sorted(c.grade for c in contested) == ["B2", "D5"]  # both sources kept, parallel edges
    assert set(d.sources) == {"src-mekong-watch-2024", "src-tipline-0042"}
    assert d.neighbours["compound-golden-lotus"].label == "Compound"
    with pytest.raises(NotFound):
        world.entity("person-nobody")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Golden Lotus Park", "compound-golden-lotus"),
        ("golden lot", "compound-golden-lotus"),
        ("Boss Tan", "person-tan-weiming"),
        ("陈伟明", "person-tan-weiming"),
        ("ကျော်လင်း", "person-kyaw-lin"),
        ("นก ศรีสุข", "person-nok-srisuk"),
        ("lotusjobs", "account-tg-lotusjobs"),
        ("+85512345678", "account-phone-nok"),
        ("Nothern Hills Militia", "armed-northern-hills"),  # typo
    ],
)
def test_search(world: GraphStore, query: str, expected: str) -> None:
    hits = world.search(query)
    assert hits, query
    assert hits[0].id == expected


def test_search_wallet_address_and_ranking(world: GraphStore) -> None:
    address = world.entity("wallet-tan").entity.properties["address"]
    assert world.search(str(address))[0].id == "wallet-tan"
    hits = world.search("lotus")
    ids = [h.id for h in hits]
    assert {"org-lotus-holdings", "compound-golden-lotus"} <= set(ids)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    with pytest.raises(InvalidInput):
        world.search("   ")


def test_ego_one_and_two_hops(world: GraphStore) -> None:
    one = world.ego("compound-jade-river", hops=1)
    assert set(one.nodes) == {
        "compound-jade-river",
        "armed-northern-hills",
        "org-blue-wave",
        "person-nok-srisuk",
        "location-myawaddy",
        "event-jade-river-raid",
        "case-0001",
    }
    two = world.ego("compound-jade-river", hops=2)
    assert "person-aung-zaw" in two.nodes and two.hops["person-aung-zaw"] == 2
    assert "person-kyaw-lin" in two.nodes
    assert all(c.subject in two.nodes and c.object in two.nodes for c in two.claims)


def test_ego_filters(world: GraphStore) -> None:
    by_type = world.ego("compound-jade-river", 1, ClaimFilter.make(entity_types=["ArmedGroup", "Organization"]))
    assert set(by_type.nodes) == {"compound-jade-river", "armed-northern-hills", "org-blue-wave"}
    by_rel = world.ego("compound-jade-river", 1, ClaimFilter.make(rel_types=["PROTECTS"]))
    assert set(by_rel.nodes) == {"compound-jade-river", "armed-northern-hills"}
    good = world.ego("compound-jade-river", 1, ClaimFilter.make(min_grade="B2"))
    assert "org-blue-wave" not in good.nodes  # OPERATES graded B3
    assert all(c.grade_obj.at_least("B2") for c in good.claims)
    before = world.ego("compound-jade-river", 1, ClaimFilter.make(as_of="2020-06-01"))
    # protection began 2021-01-01, the raid and the case came in 2024: only undated claims remain
    assert set(before.nodes) == {"compound-jade-river", "location-myawaddy", "org-blue-wave", "person-nok-srisuk"}
    during = world.ego("compound-jade-river", 1, ClaimFilter.make(as_of="2022-06-01", rel_types=["PROTECTS"]))
    assert "armed-northern-hills" in during.nodes
    with pytest.raises(InvalidInput):
        world.ego("compound-jade-river", hops=4)
    with pytest.raises(NotFound):
        world.ego("compound-nowhere")


def test_ego_supernode_is_cut_and_paged(world: GraphStore) -> None:
    # Telegram has 13 neighbours; the test stores' supernode threshold is 10.
    net = world.ego("account-tg-lotusjobs", hops=2)
    assert net.supernodes.get("platform-telegram") == 13
    assert "account-tg-00" not in net.nodes  # not expanded through the supernode
    page1 = world.ego("platform-telegram", hops=1, limit=6)
    assert page1.truncated and page1.supernodes["platform-telegram"] == 13
    assert len(page1.nodes) == 6
    page2 = world.ego("platform-telegram", hops=1, limit=6, exclude=list(page1.nodes))
    new = set(page2.nodes) - {"platform-telegram"}
    assert len(new) == 5 and not new & set(page1.nodes)


def test_ego_node_limit(world: GraphStore) -> None:
    net = world.ego("compound-jade-river", hops=3, limit=5)
    assert len(net.nodes) == 5 and net.truncated


def test_paths_with_weakest_link(world: GraphStore) -> None:
    paths = world.paths("person-nok-srisuk", "person-aung-zaw", max_hops=4, k=3)
    assert paths, "no path found"
    first = paths[0]
    assert [n.id for n in first.nodes] == [
        "person-nok-srisuk",
        "compound-jade-river",
        "armed-northern-hills",
        "person-aung-zaw",
    ]
    assert str(first.grade) == "D4"  # COLLUDES_WITH from the tip line is the weakest link
    assert [p.hops for p in paths] == sorted(p.hops for p in paths)
    assert len({tuple(n.id for n in p.nodes) for p in paths}) == len(paths)
    strict = world.paths("person-nok-srisuk", "person-aung-zaw", 4, 3, ClaimFilter.make(min_grade="C3"))
    assert strict == []
    assert world.paths("person-nok-srisuk", "person-aung-zaw", max_hops=2) == []


def test_paths_pick_best_parallel_claim(world: GraphStore) -> None:
    (p,) = world.paths("org-lotus-holdings", "compound-silver-dragon", max_hops=1)
    assert str(p.grade) == "B2"  # the B2 claim, not the contested D5 one


def test_retract_source(world: GraphStore) -> None:
    before = world.counts()
    untouched = world.entity("compound-golden-lotus")
    result = world.retract_source("src-tipline-0042")
    assert result["claims"] == 2
    assert result["entities"] == 1  # Colonel Aung Zaw: only the tip line attests him
    with pytest.raises(NotFound):
        world.entity("person-aung-zaw")
    after = world.counts()
    assert after["relationships"]["OPERATES"] == before["relationships"]["OPERATES"] - 1
    assert after["relationships"].get("COLLUDES_WITH") is None
    assert after["labels"]["Person"] == before["labels"]["Person"] - 1
    assert after["sources"]["Source"] == 1
    lotus = world.entity("org-lotus-holdings")
    assert "src-tipline-0042" not in {c.source for c in lotus.claims}
    assert world.entity("compound-golden-lotus").claims == untouched.claims
    with pytest.raises(NotFound):
        world.retract_source("src-tipline-0042")


def test_iterate_everything_and_project(world: GraphStore) -> None:
    entities = list(world.iter_entities())
    claims = list(world.iter_claims())
    assert len(entities) == 36 and len(claims) == 41
    g = world.to_networkx(ClaimFilter.make(min_grade="B3"))
    assert g.nodes["compound-jade-river"]["label"] == "Compound"
    assert all(d["claim"].grade_obj.at_least("B3") for _, _, d in g.edges(data=True))
    transfers = [d["claim"] for _, _, d in g.edges(data=True) if d["type"] == "TRANSFERRED"]
    assert sorted(c.properties["amount"] for c in transfers) == ["19500.25", "20000", "25000.50"]


def test_iterate_in_small_pages(world: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neo4j iterates page by page: with pages of 2 the answers are what one page gives, in id order,
    also when a filter keeps nothing of some pages."""
    from compoundgraph.store import neo4j as neo4j_store

    whole = (list(world.iter_sources()), list(world.iter_entities()), list(world.iter_claims()))
    strict = ClaimFilter.make(min_grade="B2", entity_types=["Wallet", "Person"])
    filtered = list(world.iter_claims(strict))
    monkeypatch.setattr(neo4j_store, "_PAGE", 2)
    assert (list(world.iter_sources()), list(world.iter_entities()), list(world.iter_claims())) == whole
    assert list(world.iter_claims(strict)) == filtered
    ids = [c.id for c in whole[2]]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 41
    assert 0 < len(filtered) < len(ids) and all(c.grade_obj.at_least("B2") for c in filtered)


_PROJECTION_FILTERS = [
    ClaimFilter(),
    ClaimFilter.make(min_grade="B2"),
    ClaimFilter.make(entity_types=["Wallet", "Person"]),
    ClaimFilter.make(rel_types=["TRANSFERRED", "HOLDS"], as_of="2024-06-01"),
    ClaimFilter.make(as_of="2020-01-01", max_handling="H1"),
]


def _column_sets(cols: GraphColumns) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    ents = sorted(zip(cols.ids, cols.labels, cols.names, strict=True))
    # a claim with an end that is not a projected entity (-1) may be left out by a store: it never projects
    claims = sorted(
        (cols.ids[s], cols.ids[d], bytes(fp).hex())
        for s, d, fp in zip(cols.src.tolist(), cols.dst.tolist(), cols.fps, strict=True)
        if s >= 0 and d >= 0
    )
    return ents, claims


@pytest.mark.parametrize("flt", _PROJECTION_FILTERS, ids=range(len(_PROJECTION_FILTERS)))
def test_graph_columns_are_what_iteration_gives(world: GraphStore, flt: ClaimFilter) -> None:
    """The store's narrow projection query (integers and fingerprints) holds the same graph as the
    contract's reference version, which iterates the full records and fingerprints them itself."""
    fast = world.graph_columns(flt)
    ents, claims = _column_sets(fast)
    assert (ents, claims) == _column_sets(GraphStore.graph_columns(world, flt))
    assert fast.fps.shape == (len(fast.src), 12) and len(fast.dst) == len(fast.src)
    assert claims and len(claims) == world.to_networkx(flt).number_of_edges()


def test_graph_columns_in_small_pages(world: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neo4j reads the projection page by page in one transaction: pages of 2 give the same columns."""
    from compoundgraph.store import neo4j as neo4j_store

    flt = ClaimFilter.make(min_grade="C3", entity_types=["Wallet", "Person", "Organization"])
    whole, filtered = _column_sets(world.graph_columns()), _column_sets(world.graph_columns(flt))
    monkeypatch.setattr(neo4j_store, "_PROJECTION_PAGE", 2)
    assert _column_sets(world.graph_columns()) == whole and _column_sets(world.graph_columns(flt)) == filtered
    assert len(whole[0]) == 36 and 0 < len(filtered[1]) < len(whole[1])


def test_graph_columns_after_retract_and_reload(world: GraphStore) -> None:
    """Entity positions stay right when entities go and come back (the embedded store keys claims to
    entity rowids)."""
    source = "src-tipline-0042"
    before = _column_sets(world.graph_columns())
    world.retract_source(source)
    after = _column_sets(world.graph_columns())
    assert after == _column_sets(GraphStore.graph_columns(world)) and len(after[0]) < len(before[0])
    world.upsert(load_records_of(source))
    assert _column_sets(world.graph_columns()) == before


def load_records_of(source_id: str) -> list[Source | Entity | Claim]:
    """The fixture world's records of one source (its claims, the source, and every entity)."""
    from compoundgraph.loader import read_jsonl

    records = list(read_jsonl(WORLD))
    return [r for r in records if not isinstance(r, Claim) or r.source == source_id]


def test_set_properties_write_back(world: GraphStore) -> None:
    world.set_properties({"compound-jade-river": {"pagerank": 0.25, "score_run": "run-1"}})
    e = world.entity("compound-jade-river").entity
    assert e.properties["pagerank"] == 0.25 and e.properties["country"] == "MM"
    with pytest.raises(NotFound):
        world.set_properties({"compound-nowhere": {"x": 1}})


def test_claim_refused_when_endpoint_or_pair_is_wrong(world: GraphStore) -> None:
    before = snapshot(world)
    bad_pair = Claim(
        type="TRANSFERRED",
        subject="person-tan-weiming",
        object="wallet-tan",
        source="src-mekong-watch-2024",
        grade="B2",
    )
    with pytest.raises(InvalidInput, match="may not join"):
        world.upsert([bad_pair])
    dangling = Claim(
        type="PROTECTS",
        subject="armed-northern-hills",
        object="compound-ghost",
        source="src-mekong-watch-2024",
        grade="B2",
    )
    with pytest.raises(InvalidInput, match="not in the store"):
        world.upsert([dangling])
    no_source = Claim(
        type="PROTECTS",
        subject="armed-northern-hills",
        object="compound-golden-lotus",
        source="src-never-loaded",
        grade="B2",
    )
    with pytest.raises(InvalidInput, match="not in the store"):
        world.upsert([no_source])
    assert snapshot(world) == before


def test_writer_in_many_small_batches(world: GraphStore) -> None:
    """Full batches may be written in the background (Neo4j): the counts, the order (claims after the
    entities of earlier batches) and the content come out as with one big batch."""
    src = "src-mekong-watch-2024"
    people = [Entity(label="Person", name=f"Batch Person {i}", sources=[src]) for i in range(12)]
    links = [
        Claim(type="COLLUDES_WITH", subject=a.id, object=b.id, source=src, grade="C3") for a, b in pairwise(people)
    ]
    with world.writer(batch_size=3) as w:
        for i, e in enumerate(people):
            w.add(e)
            if i:
                w.add(links[i - 1])  # a claim often lands one batch after one of its ends
        w.add(links[0])  # again, in a later batch: unchanged
    assert (w.summary.created, w.summary.unchanged) == (len(people) + len(links), 1)
    assert world.counts()["relationships"]["COLLUDES_WITH"] >= len(links)
    assert {c.id for c in world.entity(people[5].id).claims} >= {links[4].id, links[5].id}


def test_writer_stops_at_a_failed_batch(world: GraphStore) -> None:
    """A refused batch raises in the caller (Neo4j may be writing it in the background); it leaves nothing
    half-written and nothing after it is written. Batches before it stay as committed (Neo4j commits each
    batch; the embedded store commits in larger steps and rolls back the rest)."""
    src = "src-mekong-watch-2024"
    ok = [Entity(label="Person", name=f"Before Failure {i}", sources=[src]) for i in range(3)]
    bad = Claim(type="PROTECTS", subject="armed-northern-hills", object="compound-ghost", source=src, grade="B2")
    same = [Entity(label="Person", name=f"Same Batch {i}", sources=[src]) for i in range(2)]
    after = [Entity(label="Person", name=f"After Failure {i}", sources=[src]) for i in range(6)]

    def present(entities: list[Entity]) -> list[bool]:
        return [bool(world.get_entities([e.id])) for e in entities]

    with pytest.raises(InvalidInput, match="not in the store"), world.writer(batch_size=3) as w:
        for record in [*ok, bad, *same, *after]:
            w.add(record)
    assert present(ok) in ([True] * 3, [False] * 3)  # a batch lands whole or not at all
    assert present(same) == [False, False] and not any(present(after))


HOSTILE = [
    'O\'Brien "the Quote" `tick`',
    "x'}) DETACH DELETE n //",
    "MATCH (n) DETACH DELETE n",
    "Robert'); DROP TABLE entities;--",
    "ကျော်ဇော (Kyaw Zaw) — ထိန်းချုပ်သူ",
    "สมชาย ใจดี",
    "张伟 / 張偉",
    '=HYPERLINK("http://evil")',
    "\u202eevil\u202c rtl override",
    "a" * 1_000,
]


def test_hostile_strings_stored_unchanged(store: GraphStore) -> None:
    load_jsonl(store, [WORLD])
    src = "src-mekong-watch-2024"
    records = [
        Entity(label="Person", name=name, aliases=[name[:50] + " alias"], sources=[src], properties={"note": name})
        for name in HOSTILE
    ]
    records += [
        Claim(type="MEMBER_OF", subject=e.id, object="armed-northern-hills", source=src, grade="C3", quote=e.name)
        for e in records
        if isinstance(e, Entity)
    ]
    before = store.counts()
    store.upsert(records)
    for e in records:
        if isinstance(e, Entity):
            got = store.entity(e.id).entity
            assert got.name == e.name and got.properties["note"] == e.name
            assert [c.quote for c in store.entity(e.id).claims] == [e.name]
    after = store.counts()
    assert after["labels"]["Person"] == before["labels"]["Person"] + len(HOSTILE)
    assert after["labels"]["Compound"] == before["labels"]["Compound"]  # nothing else changed
    assert store.search("ကျော်ဇော")[0].name == HOSTILE[4]
    assert store.search("x'}) DETACH DELETE n //")  # searching a Cypher fragment is just a search


def test_hostile_records_refused_without_change(store: GraphStore) -> None:
    load_jsonl(store, [WORLD])
    before = snapshot(store)
    for bad in (
        {"label": "Person", "name": "nul\x00byte"},
        {"label": "Person", "name": "x" * 10_000_000},
        {"label": "Person) DETACH DELETE (n", "name": "x"},
    ):
        with pytest.raises(InvalidInput):
            store.upsert([Entity.model_validate({**bad, "sources": ["src-mekong-watch-2024"]})])
    assert snapshot(store) == before


def test_bad_file_leaves_store_unchanged(store: GraphStore, tmp_path: Path) -> None:
    load_jsonl(store, [WORLD])
    before = snapshot(store)
    lines = WORLD.read_text(encoding="utf-8").splitlines()
    extra = Source(title="A new report").model_dump(mode="json") | {"record": "source"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([json.dumps(extra), *lines[:5], '{"record": "claim", "type": "PROTECTS"']), "utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.jsonl:7"):
        load_jsonl(store, [bad])
    dangling = tmp_path / "dangling.jsonl"
    dangling.write_text(
        json.dumps(extra)
        + "\n"
        + json.dumps(
            {
                "record": "claim",
                "type": "PROTECTS",
                "subject": "armed-northern-hills",
                "object": "compound-ghost",
                "source": "src-mekong-watch-2024",
                "grade": "B2",
            }
        )
        + "\n",
        "utf-8",
    )
    with pytest.raises(InvalidInput, match="compound-ghost"):
        load_jsonl(store, [dangling])
    assert snapshot(store) == before


def test_both_stores_agree(tmp_path: Path, neo4j_driver: object) -> None:
    """The same questions, asked of both stores, get the same answers."""
    emb = EmbeddedStore(tmp_path / "e.sqlite", supernode_threshold=10)
    neo = make_neo4j_store(neo4j_driver, supernode_threshold=10)
    for s in (emb, neo):
        load_jsonl(s, [WORLD])

    def answers(s: GraphStore) -> dict:
        flt = ClaimFilter.make(min_grade="C3", as_of="2023-01-01")
        ego = s.ego("compound-jade-river", 3, limit=40)
        return {
            "snapshot": snapshot(s),
            "counts": s.counts(),
            "search": [(h.id, h.score) for q in ("lotus", "tan", "ကျော်", "jade rivr") for h in s.search(q)],
            "ego": (sorted(ego.nodes), [c.id for c in ego.claims], ego.supernodes, ego.truncated, ego.hops),
            "ego_f": sorted(s.ego("compound-jade-river", 2, flt).nodes),
            "paths": [
                ([n.id for n in p.nodes], str(p.grade)) for p in s.paths("wallet-collect", "org-sunrise-exchange", 6, 5)
            ],
            "entity": [c.id for c in s.entity("person-nok-srisuk").claims],
        }

    assert answers(emb) == answers(neo)


def test_ego_exclude_passes_through_the_chart(world: GraphStore) -> None:
    # the chart holds the 1-hop neighbourhood; expanding at 2 hops must reach through it to the 2-hop ring
    center = "compound-jade-river"
    one = world.ego(center, hops=1)
    two = world.ego(center, hops=2)
    ring1 = set(one.nodes) - {center}
    ring2 = {n for n, h in two.hops.items() if h == 2}
    assert ring2
    ring = world.ego(center, hops=2, exclude=sorted(ring1))
    assert set(ring.nodes) == {center} | ring2
    assert all(ring.hops[n] == 2 for n in ring2)
    # every new node comes with the claim that joins it to the chart; excluded ends are named in context
    touched = {e for c in ring.claims for e in (c.subject, c.object)}
    assert ring2 <= touched
    assert set(ring.context) == touched - set(ring.nodes) and set(ring.context) <= ring1
    assert all(c.subject in ring.nodes or c.object in ring.nodes for c in ring.claims)
    # the whole chart excluded (centre included): the same ring
    again = world.ego(center, hops=2, exclude=sorted(one.nodes))
    assert set(again.nodes) == {center} | ring2
    # a limit cuts the ring, in id order
    cut = world.ego(center, hops=2, exclude=sorted(ring1), limit=3)
    assert set(cut.nodes) == {center, *sorted(ring2)[:2]} and cut.truncated
    # nothing new: only the centre comes back
    assert set(world.ego(center, hops=2, exclude=sorted(two.nodes)).nodes) == {center}


def test_ego_avoid_is_not_traversed(world: GraphStore) -> None:
    center = "compound-jade-river"
    one = world.ego(center, hops=1)
    ring1 = sorted(set(one.nodes) - {center})
    assert set(world.ego(center, hops=2, avoid=ring1).nodes) == {center}
    # the boss is reached only through the armed group: avoiding it keeps him out
    assert "person-aung-zaw" in world.ego(center, hops=2).nodes
    without = world.ego(center, hops=2, avoid=["armed-northern-hills"])
    assert "armed-northern-hills" not in without.nodes and "person-aung-zaw" not in without.nodes


def test_ego_counts_match_the_expansion(world: GraphStore) -> None:
    center = "compound-jade-river"
    for hops in (1, 2, 3):
        full = world.ego(center, hops=hops)
        counted = world.ego_counts(center, hops=hops)
        assert counted.new == len(full.nodes) - 1, hops
        types: dict[str, int] = {}
        for n in full.nodes.values():
            if n.id != center:
                types[n.label] = types.get(n.label, 0) + 1
        assert counted.by_type == types
        assert sum(counted.by_hop.values()) == counted.new
        assert counted.by_hop == {
            h: sum(1 for n, d in full.hops.items() if d == h)
            for h in range(1, hops + 1)
            if any(d == h for d in full.hops.values())
        }
    # against a chart: only what is not on it counts
    one = world.ego(center, hops=1)
    ring = world.ego_counts(center, hops=2, exclude=list(one.nodes))
    assert ring.new == len(world.ego(center, hops=2).nodes) - len(one.nodes)
    assert ring.known == len(one.nodes) - 1
    assert ring.by_hop == {2: ring.new}
    # per relationship type: PROTECTS brings the armed group
    assert world.ego_counts(center, 1, ClaimFilter.make(rel_types=["PROTECTS"])).by_rel == {"PROTECTS": 1}
    # a supernode says how many neighbours it has without sending them
    tg = world.ego_counts("platform-telegram", hops=1)
    assert tg.new == 13 and tg.by_type == {"Account": 13} and tg.supernodes["platform-telegram"] == 13
    with pytest.raises(NotFound):
        world.ego_counts("compound-nowhere")


def test_ego_selective_expansion(world: GraphStore) -> None:
    # most connected first
    flt = ClaimFilter()
    page = world.ego("platform-telegram", hops=1, limit=4, order="degree")
    new = set(page.nodes) - {"platform-telegram"}
    assert len(new) == 3 and page.truncated
    everyone = set(world.ego("platform-telegram", hops=1).nodes) - {"platform-telegram"}
    deg = world.degrees(sorted(everyone), flt)
    assert min(deg[n] for n in new) >= max(deg[n] for n in everyone - new)
    # only one type, at 2 hops: each person comes with the node that joins it to the centre
    center = "compound-jade-river"
    people = world.ego(center, hops=2, limit=5, new_types=["Person"], order="id")
    assert {"person-nok-srisuk", "person-aung-zaw", "armed-northern-hills"} <= set(people.nodes)
    assert len(people.nodes) <= 5 and people.truncated
    for n in people.nodes:
        if n != center:
            assert any(n in (c.subject, c.object) for c in people.claims), n
    # best graded first: the centre's neighbours in grade order
    graded = world.ego(center, hops=1, limit=3, order="grade")
    first = sorted(
        (min((c.grade_obj.r, c.grade_obj.credibility) for c in one_claims), n)
        for n, one_claims in _claims_by_neighbour(world, center).items()
    )
    assert set(graded.nodes) - {center} == {n for _, n in first[:2]}
    # most recent first: by the latest date a claim reaching the node carries (valid from, reported)
    recent = world.ego(center, hops=1, limit=3, order="recent")
    latest = sorted(
        (
            (max((d for c in cs for d in (c.valid_from, c.first_seen, c.last_seen) if d), default=""), n)
            for n, cs in _claims_by_neighbour(world, center).items()
        ),
        key=lambda x: (x[0], [-ord(ch) for ch in x[1]]),
        reverse=True,
    )
    assert set(recent.nodes) - {center} == {n for _, n in latest[:2]}
    assert "event-jade-river-raid" in recent.nodes  # the raid (2024) before the undated claims
    with pytest.raises(InvalidInput):
        world.ego(center, hops=1, order="loudest")


def _claims_by_neighbour(world: GraphStore, center: str) -> dict[str, list[Claim]]:
    out: dict[str, list[Claim]] = {}
    for c in world.claims_of([center], ClaimFilter()):
        other = c.object if c.subject == center else c.subject
        out.setdefault(other, []).append(c)
    return out
