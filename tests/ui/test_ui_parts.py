"""The UI's server side without a browser: the router's page and assets, server layout, standalone charts, and
``compoundgraph chart``."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from compoundgraph.cli.main import app as cli
from compoundgraph.errors import InvalidInput
from compoundgraph.store import GraphStore
from compoundgraph.views import ego_json
from compoundgraph.web import STATIC_DIR
from compoundgraph.web.chart import standalone_html
from compoundgraph.web.layout import positions

REMOTE = re.compile(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", re.I)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    """The real app in demo mode, called from loopback: the UI's POST endpoints need a key otherwise."""
    from compoundgraph.api import create_app
    from compoundgraph.api.config import ApiSettings
    from compoundgraph.settings import Settings
    from compoundgraph.store import EmbeddedStore

    app = create_app(
        Settings(embedded_path=tmp_path / "ui.sqlite"),
        store=EmbeddedStore(tmp_path / "ui.sqlite"),
        api=ApiSettings(demo=True, keys_path=tmp_path / "keys.json", audit_path=tmp_path / "audit.jsonl"),
    )
    return TestClient(app, client=("127.0.0.1", 50000))


def test_page_and_assets_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("static/") for a in assets), assets  # nothing from elsewhere
    for a in assets:
        r = client.get("/" + a)
        assert r.status_code == 200, a
    assert client.get("/static/vendor/vis-network.min.js").headers["content-type"].startswith("text/javascript")
    topo = client.get("/static/vendor/countries-110m.json").json()
    assert topo["type"] == "Topology" and len(topo["objects"]["countries"]["geometries"]) > 150
    for f in STATIC_DIR.rglob("*.js"):
        if "vendor" not in f.parts:
            assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", f.read_text(encoding="utf-8")), f


def test_static_refuses_paths_outside_the_folder(client: TestClient) -> None:
    assert client.get("/static/../__init__.py").status_code == 404
    assert client.get("/static/%2e%2e/__init__.py").status_code == 404
    assert client.get("/static/nope.js").status_code == 404


def test_every_ontology_icon_has_a_glyph() -> None:
    from compoundgraph.ontology import ontology

    icons_js = (STATIC_DIR / "icons.js").read_text(encoding="utf-8")
    ont = ontology()
    for d in [*ont.labels.values(), ont.source]:
        assert re.search(rf'["\s]{re.escape(d.icon)}"?:', icons_js), d.icon


def test_layout_positions_every_node_deterministically() -> None:
    g = nx.barabasi_albert_graph(1500, 2, seed=3)
    ids = [f"n{i}" for i in g]
    edges = [(f"n{a}", f"n{b}") for a, b in g.edges()]
    pos = positions(ids, edges)
    assert set(pos) == set(ids)
    assert pos == positions(ids, edges)
    xs = [p[0] for p in pos.values()]
    assert max(xs) - min(xs) > 500  # spread out on the canvas, not a blob

    # neighbours end up closer than random pairs
    def dist(a: str, b: str) -> float:
        return abs(pos[a][0] - pos[b][0]) + abs(pos[a][1] - pos[b][1])

    near = sum(dist(a, b) for a, b in edges) / len(edges)
    far = sum(dist(a, b) for a, b in zip(ids, reversed(ids), strict=True)) / len(ids)
    assert near < far / 2


def test_layout_keeps_a_pinned_node_in_place() -> None:
    pos = positions(["a", "b", "c"], [("a", "b"), ("b", "c"), ("x", "a")], fixed={"b": (500.0, -200.0)})
    assert pos["b"] == (500.0, -200.0)
    with pytest.raises(InvalidInput):
        positions([str(i) for i in range(20_001)], [])


def test_layout_endpoint(client: TestClient) -> None:
    r = client.post("/ui/layout", json={"nodes": ["a", "b", "c"], "edges": [["a", "b"], ["b", "c"]]})
    assert r.status_code == 200 and set(r.json()["positions"]) == {"a", "b", "c"}
    assert client.post("/ui/layout", json={"nodes": []}).status_code == 422


def test_standalone_chart_is_self_contained(world: GraphStore) -> None:
    sg = ego_json(world.ego("org-lotus-holdings", 2))
    page = standalone_html(sg, title="Lotus <test>")
    assert not REMOTE.search(page)
    assert "new vis.Network" in page and "Silver Dragon Zone" in page
    assert "Lotus &lt;test&gt;" in page  # the title is escaped
    data = json.loads(re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", page, re.S).group(1))  # type: ignore[union-attr]
    d5 = [e for e in data if "D5" in e["title"]]
    assert d5 and d5[0]["dashes"] is True and d5[0]["color"] == "#c62828"  # doubtful and contested
    assert any(e["label"] == "DIRECTS" for e in data)


def test_standalone_chart_of_2000_nodes_has_physics_off() -> None:
    nodes = [{"id": f"n{i}", "name": f"N{i}", "label": "Person"} for i in range(2000)]
    edges = [
        {"id": f"e{i}", "from": f"n{i}", "to": f"n{i // 2}", "type": "EMPLOYED_BY", "grade": "B2"}
        for i in range(1, 2000)
    ]
    page = standalone_html({"nodes": nodes, "edges": edges})
    assert '"physics": {"enabled": false' in page
    assert re.search(r'"x": -?\d', page)


def test_standalone_endpoint(client: TestClient) -> None:
    body = {
        "nodes": [{"id": "a", "name": "A", "label": "Person"}, {"id": "b", "name": "B", "label": "Wallet"}],
        "edges": [{"id": "e", "from": "a", "to": "b", "type": "HOLDS", "grade": "C4"}],
    }
    r = client.post("/ui/standalone", json=body)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert "new vis.Network" in r.text
    assert client.post("/ui/standalone", json={"nodes": [{"name": "no id"}]}).status_code == 422


def test_cli_chart_writes_a_standalone_file(world: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import contextmanager

    import compoundgraph.store as store_mod

    @contextmanager
    def opened(*_a: object, **_k: object):  # type: ignore[no-untyped-def]
        yield world

    monkeypatch.setattr(store_mod, "open_store", opened)
    out = tmp_path / "chart.html"
    r = CliRunner().invoke(cli, ["chart", "Boss Tan", "--hops", "2", "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "Tan Wei-Ming" in page and "Lotus Holdings Ltd" in page and "Golden Lotus Park" in page
    assert not REMOTE.search(page)
    r = CliRunner().invoke(cli, ["chart", "no-such-entity-anywhere", "-o", str(out)])
    assert r.exit_code == 2


def test_lay_out_again_modes_are_seeded_and_keep_pinned(client: TestClient) -> None:
    from compoundgraph.web.layout import MODES, arrange

    g = nx.karate_club_graph()
    ids = [f"n{i}" for i in g.nodes]
    edges = [(f"n{a}", f"n{b}") for a, b in g.edges]
    groups = {n: ("A" if int(n[1:]) % 3 else "B") for n in ids}
    pinned = {"n0": (400.0, -250.0), "n33": (-120.5, 80.25)}
    for mode in MODES:
        pos = arrange(mode, ids, edges, groups, pinned, seed=3)
        assert pos == arrange(mode, ids, edges, groups, pinned, seed=3), mode  # deterministic
        assert set(pos) == set(ids)
        assert pos["n0"] == pinned["n0"] and pos["n33"] == pinned["n33"], mode
        pts = list(pos.values())
        assert min(math.dist(a, b) for i, a in enumerate(pts) for b in pts[i + 1 :]) > 1, mode
    # hierarchical: every edge of a tree points down
    tree = [("boss", "co-a"), ("boss", "co-b"), ("co-a", "park-1"), ("co-b", "park-2")]
    h = arrange("hierarchical", ["boss", "co-a", "co-b", "park-1", "park-2"], tree)
    assert all(h[a][1] < h[b][1] for a, b in tree)
    # circular by type: each type is one unbroken arc of the circle
    c = arrange("circular", ids, edges, groups)
    order = sorted(ids, key=lambda n: math.atan2(c[n][1], c[n][0]))
    runs = sum(1 for a, b in zip(order, order[1:] + order[:1], strict=True) if groups[a] != groups[b])
    assert runs == 2
    # by community: members of one Louvain community sit closer to each other than to the rest
    from compoundgraph.analytics.communities import louvain

    parts = louvain(nx.relabel_nodes(g, {i: f"n{i}" for i in g.nodes}), seed=7, engine="igraph")
    k = arrange("community", ids, edges)
    big = sorted(parts, key=len)[-1]

    def centre(ns: set[str]) -> tuple[float, float]:
        return (sum(k[n][0] for n in ns) / len(ns), sum(k[n][1] for n in ns) / len(ns))

    inside = sum(math.dist(k[n], centre(big)) for n in big) / len(big)
    outside = sum(math.dist(k[n], centre(big)) for n in set(ids) - big) / (len(ids) - len(big))
    assert inside < outside
    with pytest.raises(InvalidInput):
        arrange("spiral", ids, edges)
    r = client.post(
        "/ui/layout", json={"nodes": ids, "edges": edges, "mode": "circular", "groups": groups, "fixed": {"n1": [5, 5]}}
    )
    assert r.status_code == 200 and r.json()["positions"]["n1"] == [5, 5]
    assert client.post("/ui/layout", json={"nodes": ids, "mode": "spiral"}).status_code == 422
