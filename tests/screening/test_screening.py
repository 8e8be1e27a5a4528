"""Screening on both stores (embedded and a real Neo4j): the blocking step of the store contract, identifier and
name hits, sanctions directly and through a wallet's holder, distance to a compound or armed group, the input
files and the ``screen`` command.

Fixtures: ``world`` (tests/fixtures/world.jsonl) plus ``tests/fixtures/screening.jsonl`` (a fictional
designation of Lotus Holdings and Tan Wei-Ming, an internal H2 listing of Colonel Aung Zaw, an Ethereum wallet
held by Lotus Holdings) and, where named, the curated public record shipped in the package.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from compoundgraph.errors import InvalidInput
from compoundgraph.loader import load_jsonl
from compoundgraph.screening import Options, from_records, read_file, screen
from compoundgraph.screening.names import score_name
from compoundgraph.screening.report import as_csv, as_json
from compoundgraph.store import EmbeddedStore, GraphStore
from tests.support.neo4j import make_neo4j_store
from tests.support.world import ETH, ETH_ID, SAMPLE, SCREENING, WORLD

PUBLIC = SAMPLE / "public_record.jsonl"


@pytest.fixture
def graph(world: GraphStore) -> GraphStore:
    load_jsonl(world, [SCREENING])
    return world


def rows(*cells: dict) -> object:
    return from_records((f"row {i}", c) for i, c in enumerate(cells, start=1))


def only(result, n: int = 0):  # type: ignore[no-untyped-def]
    return result.rows[n].hits


# -- the store contract's blocking step -----------------------------------------------------------------
@pytest.mark.parametrize(
    "query, expected",
    [
        ("Tan Wei-Ming", "person-tan-weiming"),
        ("weiming tan", "person-tan-weiming"),  # swapped order, words run together
        ("Chen Wei Ming", "person-tan-weiming"),  # the transliteration of the alias 陈伟明
        ("陈伟明", "person-tan-weiming"),
        ("Lotus Holdngs", "org-lotus-holdings"),  # a typo
        ("Blue Technology", "org-blue-wave"),  # a missing word
    ],
)
def test_match_candidates_find_variants(graph: GraphStore, query: str, expected: str) -> None:
    found = graph.match_candidates([query, "nothing like this anywhere"], 20)
    assert len(found) == 2
    assert expected in found[0], found[0]
    assert found[1] == [] or expected not in found[1]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("+85512345678", "account-phone-nok"),
        ("lotusjobs", "account-tg-lotusjobs"),
        ("LotusJobs", "account-tg-lotusjobs"),  # identifiers meet in normal form
        (ETH.lower(), ETH_ID),
    ],
)
def test_match_candidates_find_identifiers_by_normal_form(graph: GraphStore, query: str, expected: str) -> None:
    found = graph.match_candidates([query, "lotusjob", "+8551234567"], 20, names=False)
    assert expected in found[0], found[0]
    # equality of normal forms, not a substring: one character short finds nothing
    assert expected not in found[1] and expected not in found[2]
    # names are not identifiers: a name lookup does not find an account by its handle's words
    assert expected not in graph.match_candidates([query], 20)[0]


def test_match_candidates_keep_positions_and_skip_empty(graph: GraphStore) -> None:
    found = graph.match_candidates(["", "Kyaw Lin", "!!!", "Nok Srisuk"], 10)
    assert found[0] == [] and found[2] == []
    assert "person-kyaw-lin" in found[1] and "person-nok-srisuk" in found[3]
    assert graph.match_candidates([], 10) == []


# -- identifiers ------------------------------------------------------------------------------------------
def test_identifiers_exact_normalised_and_decoys(graph: GraphStore) -> None:
    decoy = ETH[:-1] + "d"  # one character changed: the EIP-55 checksum fails
    result = screen(
        graph,
        rows(
            {"wallet": ETH},
            {"wallet": ETH.lower()},
            {"Wallet Address": decoy},
            {"phone": "+855 12 345 678"},
            {"phone": "+85512345678"},
            {"telegram": "@LotusJobs"},
            {"registration_number": "kh-00012345"},
            {"wallet": "TBGufTauTQkbeCfHMsg1Fgu8LTcxQzrref", "chain": "tron"},
        ),
    )
    assert [(h.entity, h.how) for h in only(result, 0)] == [(ETH_ID, "exact identifier")]
    assert [(h.entity, h.how) for h in only(result, 1)] == [(ETH_ID, "normalised identifier")]
    assert only(result, 2) == []
    assert result.rows[2].row.errors == [
        f"Wallet Address: invalid wallet address {decoy!r}: EIP-55 checksum (mixed case) does not match"
    ]
    assert [(h.entity, h.how) for h in only(result, 3)] == [("account-phone-nok", "normalised identifier")]
    assert [(h.entity, h.how) for h in only(result, 4)] == [("account-phone-nok", "exact identifier")]
    assert [h.entity for h in only(result, 5)] == ["account-tg-lotusjobs"]
    assert [(h.entity, h.how) for h in only(result, 6)] == [("org-lotus-registry", "normalised identifier")]
    assert [h.entity for h in only(result, 7)] == ["wallet-tan"]


def test_identifiers_come_before_names(graph: GraphStore) -> None:
    result = screen(graph, rows({"name": "Lotus Holdings", "registration": "KH-00012345"}), Options(threshold=0.7))
    hows = [h.how for h in only(result)]
    assert hows[0] == "exact identifier" and only(result)[0].entity == "org-lotus-registry"
    assert "name" in hows[1:]
    assert hows == sorted(hows, key=lambda h: {"exact identifier": 0, "normalised identifier": 1, "name": 2}[h])


# -- names ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, feature",
    [
        ("Tan Wei-Ming", "name_literal"),
        ("陈伟明", "name_literal"),
        ("Chen Weiming", "name_fuzzy"),
        ("Weiming Tan", "name_fuzzy"),
        ("Tan Wei Ming", "name_literal"),
    ],
)
def test_names_by_normalisation_and_transliteration(graph: GraphStore, name: str, feature: str) -> None:
    hits = only(screen(graph, rows({"name": name})))
    assert hits and hits[0].entity == "person-tan-weiming" and hits[0].how == "name"
    assert feature in hits[0].features and hits[0].score >= 0.85


def test_threshold_is_the_callers(graph: GraphStore) -> None:
    loose = only(screen(graph, rows({"name": "Lotus Holdngs"}), Options(threshold=0.8)))
    assert [h.entity for h in loose][:1] == ["org-lotus-holdings"]
    assert 0.8 <= loose[0].score < 1.0
    strict = only(screen(graph, rows({"name": "Lotus Holdngs"}), Options(threshold=0.99)))
    assert "org-lotus-holdings" not in [h.entity for h in strict]
    with pytest.raises(InvalidInput):
        Options(threshold=0)


def test_country_and_birth_year_lower_the_score(graph: GraphStore) -> None:
    same = only(screen(graph, rows({"name": "Kyaw Lin", "country": "Myanmar"}), Options(threshold=0.5)))[0]
    other = only(screen(graph, rows({"name": "Kyaw Lin", "country": "TH"}), Options(threshold=0.5)))[0]
    assert same.score == 1.0 and "country_mismatch" not in same.features
    assert other.score < same.score and other.features["country_mismatch"] < 0


def test_score_name_features() -> None:
    from compoundgraph.models import Entity

    e = Entity(id="person-x", label="Person", name="Cassandra Li Ong", sources=["s"], properties={"birth_year": 1990})
    score, matched, feats = score_name("Cassandra Ong", e)
    assert matched == "Cassandra Li Ong" and feats["name_subset"] > 0.9 and score == feats["name_subset"]
    assert score_name("Unit 7 Ong", Entity(id="org-x", label="Organization", name="Unit 9 Ong", sources=["s"]))[0] == 0
    assert score_name("Cassandra Li Ong", e, birth_year=1980)[2]["dob_year_mismatch"] < 0


# -- context ---------------------------------------------------------------------------------------------
def test_sanctions_direct_and_through_the_holder(graph: GraphStore) -> None:
    result = screen(graph, rows({"name": "Lotus Holdings Ltd"}, {"wallet": ETH}, {"name": "Kyaw Lin"}))
    org = only(result, 0)[0]
    assert org.listed and [(s.event, s.via, s.grade) for s in org.sanctions] == [
        ("event-screen-designation", None, "A1")
    ]
    wallet = only(result, 1)[0]
    assert wallet.listed and [(s.event, s.via, s.grade) for s in wallet.sanctions] == [
        ("event-screen-designation", "org-lotus-holdings", "A2")
    ]  # weakest of the listing and the HOLDS claim
    kyaw = only(result, 2)[0]
    assert not kyaw.listed and result.rows[2].listed is False


def test_distance_to_a_compound_or_armed_group_with_the_best_grade(graph: GraphStore) -> None:
    result = screen(
        graph,
        rows({"name": "Tan Wei-Ming"}, {"name": "Golden Lotus Park"}, {"name": "Kyaw Lin"}, {"wallet": ETH}),
        Options(max_hops=3),
    )
    tan = only(result, 0)[0].distance
    # Tan -DIRECTS(B2)- Lotus Holdings -OPERATES(B2)- Golden Lotus Park / Silver Dragon Zone (B2 and D5)
    assert tan is not None and (tan.hops, tan.target, tan.grade) == (2, "compound-golden-lotus", "B2")
    itself = only(result, 1)[0].distance
    assert itself is not None and (itself.hops, itself.grade) == (0, None)
    kyaw = only(result, 2)[0].distance  # -EMPLOYED_BY(C3)- Blue Wave -OPERATES(B3)- Jade River
    assert kyaw is not None and (kyaw.hops, kyaw.target, kyaw.grade) == (2, "compound-jade-river", "C3")
    wallet = only(result, 3)[0].distance
    assert wallet is not None and wallet.hops == 2
    near = screen(graph, rows({"name": "Tan Wei-Ming"}), Options(max_hops=1))
    assert only(near)[0].distance is None  # not within one hop


def test_min_grade_narrows_what_is_read(graph: GraphStore) -> None:
    result = screen(graph, rows({"name": "Kyaw Lin"}, {"wallet": ETH}), Options(min_grade="B2"))
    assert only(result, 0)[0].distance is None  # the C3 employment no longer counts
    assert only(result, 1)[0].listed  # A1 / A2 claims still do


def test_both_stores_agree(neo4j_driver: object, tmp_path: Path) -> None:
    emb = EmbeddedStore(tmp_path / "s.sqlite")
    neo = make_neo4j_store(neo4j_driver)
    batch = [
        {"key": "a", "name": "陈志"},
        {"name": "Saw Chit Thuu"},
        {"name": "Chen Wei Ming"},
        {"wallet": ETH.lower()},
        {"phone": "+855 12 345 678"},
        {"name": "Prince Holding Group", "country": "KH"},
        {"name": "Karen National Army"},
        {"Wallet": ETH[:-1] + "d", "colour": "red"},
        {"name": "佘智江"},  # she zhi jiang: the romanised name writes two syllables together
    ]
    out = []
    for store in (emb, neo):
        load_jsonl(store, [WORLD, SCREENING, PUBLIC])
        out.append(as_json(screen(store, rows(*batch), Options(threshold=0.8))))
    emb.close()
    assert out[0] == out[1]
    assert out[0]["unknown_columns"] == ["colour"]
    first = out[0]["rows"][0]["hits"][0]
    assert first["name"] == "Chen Zhi" and first["features"]["name_translit"] == 1.0
    kna = out[0]["rows"][6]["hits"][0]
    assert kna["label"] == "ArmedGroup" and kna["listed"] and kna["distance"]["hops"] == 0
    she = out[0]["rows"][8]["hits"][0]
    assert she["name"] == "She Zhijiang" and she["features"]["name_fuzzy"] == 1.0


# -- input files and the command --------------------------------------------------------------------------
def test_files_of_every_format(tmp_path: Path) -> None:
    csv_path = tmp_path / "list.csv"
    csv_path.write_text(
        "Customer ID,Full Name,Date of Birth,Nationality,Phone,Notes\n"
        "c1,Tan Wei-Ming,1975-04-21,CN,+855 12 345 678,x\n"
        "c2,,19xx,Narnia,12345,\n",
        encoding="utf-8",
    )
    batch = read_file(csv_path)
    assert batch.unknown_columns == ["notes"]
    a, b = batch.rows
    assert (a.key, a.names, a.birth_year, a.country, [i.value for i in a.identifiers]) == (
        "c1",
        ["Tan Wei-Ming"],
        1975,
        "CN",
        ["+85512345678"],
    )
    assert b.where == "line 3" and len(b.errors) == 3
    assert any(e.startswith("date of birth: not a date of birth") for e in b.errors)
    assert any("unknown country" in e for e in b.errors) and any("phone" in e for e in b.errors)

    lines = tmp_path / "list.jsonl"
    lines.write_text(
        json.dumps({"name": "Kyaw Lin", "email": "Boss@Example.com"}) + "\nnot json\n[1]\n", encoding="utf-8"
    )
    batch = read_file(lines)
    assert [i.value for i in batch.rows[0].identifiers] == ["boss@example.com"]
    assert batch.rows[1].errors == ["not a record of named fields"] and batch.rows[2].where == "line 3"

    wb = Workbook()
    ws = wb.active
    ws.append(["name", "wallet", "chain"])
    ws.append(["Nok Srisuk", ETH.lower(), "erc20"])
    wb.save(tmp_path / "list.xlsx")
    row = read_file(tmp_path / "list.xlsx").rows[0]
    assert row.names == ["Nok Srisuk"] and [(i.kind, i.value, i.chain) for i in row.identifiers] == [
        ("wallet", ETH, "ethereum")
    ]

    for bad, why in ((tmp_path / "missing.csv", "no such file"), (tmp_path / "list.pdf", "not a spreadsheet")):
        if bad.suffix == ".pdf":
            bad.write_bytes(b"%PDF-1.4")
        with pytest.raises(InvalidInput, match=why):
            read_file(bad)


def test_screen_command(graph: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command on the configured store: the ``graph`` fixture's, embedded or Neo4j."""
    from compoundgraph.cli.main import app
    from compoundgraph.settings import get_settings

    if graph.kind == "embedded":
        monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_URI", "")
        monkeypatch.setenv("COMPOUNDGRAPH_EMBEDDED_PATH", str(tmp_path / "store.sqlite"))
    else:
        from tests.support.neo4j import TEST_PORT

        uri = (
            os.environ.get("COMPOUNDGRAPH_TEST_NEO4J_URI")
            or os.environ.get("NEO4J_URI")
            or f"bolt://127.0.0.1:{TEST_PORT}"
        )
        monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_URI", uri)
        monkeypatch.setenv("COMPOUNDGRAPH_NEO4J_PASSWORD", os.environ.get("NEO4J_PASSWORD", "neo4j"))
    get_settings.cache_clear()
    src = tmp_path / "in.csv"
    src.write_text(f"name,wallet,shoe size\nTan Wei-Ming,,\n,{ETH},\n,{ETH[:-1]}d,\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(app, ["screen", str(src), "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["summary"] == {"rows": 3, "rows_with_hits": 2, "rows_listed": 2, "rows_with_errors": 1, "hits": 2}
    assert body["unknown_columns"] == ["shoe size"]
    csv_out = tmp_path / "out.csv"
    assert runner.invoke(app, ["screen", str(src), "--format", "csv", "-o", str(csv_out)]).exit_code == 0
    text = csv_out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("row,where,key,input,errors,entity")
    assert "EIP-55 checksum" in text and ETH_ID in text
    table = runner.invoke(app, ["screen", str(src)])
    assert table.exit_code == 0 and "screened 3 rows: 2 with hits, 2 listed, 1 with errors" in table.stdout
    bad = runner.invoke(app, ["screen", str(tmp_path / "nope.csv")])
    assert bad.exit_code == 2 and "no such file" in " ".join(bad.output.split())
    assert as_csv(screen(graph, rows({"name": "Kyaw Lin"}))).count("\n") == 2
    get_settings.cache_clear()


# -- screening in the money flow ----------------------------------------------------------------------------
def test_traces_flag_listed_wallets(world: GraphStore) -> None:
    from compoundgraph.analytics import service

    clean = service.trace(world, ["wallet-collect"])
    assert list(clean)[:2] == ["headline", "listed"]
    assert clean["headline"] == "no listed wallet on this trace" and clean["listed"] == []
    load_jsonl(world, [SCREENING])  # Tan Wei-Ming, who holds wallet-tan, is designated
    r = service.trace(world, ["wallet-collect"], method="fifo")
    assert r["headline"].startswith("LISTED: this trace touches 1 listed wallet")
    assert "25000.5 USDT reached them" in r["headline"]
    (listed,) = r["listed"]
    assert (listed["wallet"], listed["hops"], listed["asset"], listed["method"]) == ("wallet-tan", 1, "USDT", "fifo")
    assert listed["amount"] == {"fifo": "25000.5", "haircut": "25000.5"}
    assert [(s["id"], s["via"]) for s in listed["sanctions"]] == [("event-screen-designation", "person-tan-weiming")]
    # 5000.5 stays in wallet-tan (an end point: unspent), the rest reaches the exchange
    assert {ep["wallet"]: ep["listed"] for ep in r["endpoints"]} == {
        "wallet-tan": True,
        "wallet-exchange": False,
        "wallet-peel": False,
    }
    back = service.trace(world, ["wallet-exchange"], direction="backward")
    assert [x["wallet"] for x in back["listed"]] == ["wallet-tan"] and back["listed"][0]["hops"] == 2


# -- screening on ingest --------------------------------------------------------------------------------------
def test_ingest_lists_records_that_hit_a_listed_actor(graph: GraphStore, tmp_path: Path) -> None:
    from compoundgraph.ingest import Options as IngestOptions
    from compoundgraph.ingest import ingest

    report = tmp_path / "victim-report.csv"
    report.write_text(
        "type,name,chain,address,nationality\n"
        f"Wallet,,ethereum,{ETH.lower()},\n"  # the deposit address: held by the designated Lotus Holdings
        "Wallet,,tron,TQtSR7fQkEAgjSv11FLYk1xHubUeW45AXa,\n"  # unknown to the graph
        "Person,Tan Weiming,,,CN\n"  # the designated Tan Wei-Ming, under another id
        "Person,Somebody Else,,,TH\n",
        encoding="utf-8",
    )
    summary = ingest(graph, [report], IngestOptions(source_grade="C3"), report_dir=tmp_path / "reports")
    assert summary.rejected == 0
    s = summary.screening
    assert s["screened"] == 4 and s["more"] == 0
    got = {(x["record"], x["hit"], x["how"]) for x in s["listed"]}
    assert (ETH_ID, ETH_ID, "held by a listed actor") in got
    tan = [x for x in s["listed"] if x["hit"] == "person-tan-weiming"]
    assert len(tan) == 1 and tan[0]["how"] == "name" and tan[0]["record"] != "person-tan-weiming"
    assert len(s["listed"]) == 2
    written = json.loads(Path(summary.summary_path or "").read_text(encoding="utf-8"))
    assert written["screening"] == s
    quiet = ingest(graph, [report], IngestOptions(source_grade="C3"), screen=False)
    assert quiet.screening == {}
