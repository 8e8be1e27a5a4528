"""Core commands: init, status, load, dump, search, show, ego, paths, retract, demo.

Other command groups (ingest, analyze, serve, export, ...) live in sibling modules, each with a
``register(app)`` function, listed in ``_GROUPS``.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..loader import dump_jsonl, load_jsonl
from ..settings import get_settings
from ..store import ClaimFilter, GraphStore, open_store
from . import bulk as bulk_cli
from .handler import handle_errors

app = typer.Typer(
    name="compoundgraph",
    help="A knowledge graph of online-scam compounds: ingest, query, analyse, serve and export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample"
_GROUPS = ("ingest", "resolve", "review", "synth", "analyze", "serve", "export", "chart", "screen", "investigations")


Grade = Annotated[str | None, typer.Option("--min-grade", help="Only claims at least this good, e.g. B3")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Only claims in force on this date (YYYY-MM-DD)")]


def show_counts(store: GraphStore) -> None:
    counts = store.counts()
    table = Table(title=f"{store.kind} store: {store.info()['location']}")
    table.add_column("kind")
    table.add_column("type")
    table.add_column("count", justify="right")
    for kind in ("labels", "relationships", "sources"):
        for name, n in counts[kind].items():
            table.add_row(kind, name, f"{n:,}")
    console.print(table)


@app.command()
@handle_errors
def init(reset: Annotated[bool, typer.Option(help="Delete everything compoundgraph stored first")] = False) -> None:
    """Create the schema (constraints, indexes, full-text index) in the configured store; idempotent."""
    with open_store() as store:
        if reset:
            store.delete_all(confirm=True)
        store.init_schema()
        console.print(f"schema ready in the {store.kind} store ({store.info()['location']})")


@app.command()
@handle_errors
def status() -> None:
    """Which store is configured, whether it answers, and what it holds."""
    with open_store(init=False) as store:
        info = store.info()
        console.print(f"store: {info['kind']} at {info['location']} ({info['server_version']})")
        show_counts(store)


@app.command()
@handle_errors
def load(
    paths: Annotated[list[Path], typer.Argument(help="JSON-lines files of sources, entities, claims")],
    bulk: bulk_cli.Bulk = False,
    bulk_dir: bulk_cli.BulkDir = None,
    neo4j_home: bulk_cli.NeoHome = None,
    prepare_only: bulk_cli.PrepareOnly = False,
    keep_files: bulk_cli.KeepFiles = False,
) -> None:
    """Load files in compoundgraph's own JSON-lines format (checked whole first; idempotent). ``--bulk`` loads
    an empty Neo4j database through Neo4j's own importer (docs/bulk-loading.md)."""
    if bulk:
        from ..bulk import load_jsonl_bulk, run_bulk

        summary, done = run_bulk(
            lambda store: load_jsonl_bulk(store, paths),
            bulk_cli.bulk_dir(bulk_dir),
            home=neo4j_home,
            prepare_only=prepare_only,
            keep_files=keep_files,
        )
        console.print(f"read {summary.sources} sources, {summary.entities} entities, {summary.claims} claims")
        bulk_cli.report(done)
        return
    with open_store() as store:
        summary = load_jsonl(store, paths)
        console.print(
            f"read {summary.sources} sources, {summary.entities} entities, {summary.claims} claims: "
            f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged"
        )


@app.command()
@handle_errors
def dump(path: Annotated[Path, typer.Argument(help="Output JSON-lines file")]) -> None:
    """Write the whole store in the JSON-lines format that `load` reads."""
    console.print(f"wrote {_dump(path):,} records to {path}")


def _dump(path: Path) -> int:
    with open_store() as store:
        return dump_jsonl(store, path)


@app.command()
@handle_errors
def search(query: str, limit: int = 20) -> None:
    """Ranked matches over names, aliases and identifiers (wallets, handles, phones)."""
    with open_store(init=False) as store:
        table = Table("score", "type", "name", "matched", "id")
        for h in store.search(query, limit):
            table.add_row(f"{h.score:g}", h.label, h.name, h.matched, h.id)
        console.print(table)


@app.command()
@handle_errors
def show(entity_id: str) -> None:
    """An entity with its claims, grades and sources."""
    with open_store(init=False) as store:
        d = store.entity(entity_id)
        console.print(f"[bold]{d.entity.name}[/] ({d.entity.label}, {d.entity.id})")
        if d.entity.aliases:
            console.print("aliases: " + "; ".join(d.entity.aliases))
        for k, v in d.entity.properties.items():
            console.print(f"  {k}: {v}")
        table = Table("claim", "other", "grade", "valid", "source")
        for c in d.claims:
            other = c.object if c.subject == entity_id else c.subject
            arrow = "->" if c.subject == entity_id else "<-"
            name = d.neighbours[other].name if other in d.neighbours else other
            src = d.sources[c.source].title if c.source in d.sources else c.source
            table.add_row(f"{arrow} {c.type}", name, c.grade, f"{c.valid_from or ''}..{c.valid_to or ''}", src)
        console.print(table)


@app.command()
@handle_errors
def ego(
    entity_id: str,
    hops: int = 1,
    limit: int = 500,
    types: Annotated[list[str] | None, typer.Option("--type", help="Neighbour entity types")] = None,
    rels: Annotated[list[str] | None, typer.Option("--rel", help="Relationship types")] = None,
    min_grade: Grade = None,
    as_of: AsOf = None,
) -> None:
    """The neighbourhood of an entity as JSON (nodes, claims, supernodes that were not expanded)."""
    with open_store(init=False) as store:
        flt = ClaimFilter.make(rels, types, min_grade, as_of)
        net = store.ego(entity_id, hops, flt, limit)
        out = {
            "center": net.center,
            "nodes": [vars(n) | {"hop": net.hops[n.id]} for n in net.nodes.values()],
            "claims": [c.model_dump(mode="json") for c in net.claims],
            "supernodes": net.supernodes,
            "truncated": net.truncated,
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")


@app.command()
@handle_errors
def paths(
    source: str,
    target: str,
    max_hops: int = 4,
    k: int = 3,
    min_grade: Grade = None,
    as_of: AsOf = None,
) -> None:
    """Shortest and k shortest paths between two entities, each with its weakest-link grade."""
    with open_store(init=False) as store:
        found = store.paths(source, target, max_hops, k, ClaimFilter.make(min_grade=min_grade, as_of=as_of))
        if not found:
            console.print("no path within the limits")
        for p in found:
            steps = " - ".join(f"{n.name}" for n in p.nodes)
            console.print(f"[bold]{p.grade}[/] {p.hops} hops: {steps}")
            console.print("   via " + ", ".join(c.type for c in p.claims))


@app.command()
@handle_errors
def retract(source_id: str) -> None:
    """Remove a source: its claims go, and entities left with no claims and no source."""
    with open_store() as store:
        r = store.retract_source(source_id)
        console.print(f"retracted {source_id}: {r['claims']} claims, {r['entities']} entities removed")


@app.command()
@handle_errors
def demo(
    serve: Annotated[bool, typer.Option(help="Serve the web UI on 127.0.0.1:8000 afterwards")] = False,
    synthetic: Annotated[int, typer.Option(help="Entities in the fictional synthetic world added (0: none)")] = 1_000,
) -> None:
    """Build the sample graph in the embedded store and show what it holds.

    The sample graph is the curated public-record dataset (every claim with its public source) plus a small,
    clearly fictional synthetic world (names built from syllables, "(synthetic)" sources) that gives the money
    flows and victim cases the public record does not.
    """
    from ..synth import generate

    settings = get_settings().model_copy(update={"neo4j_uri": ""})
    files = sorted(SAMPLE_DIR.glob("*.jsonl"))
    with open_store(settings) as store:
        summary = load_jsonl(store, files)
        console.print(
            f"public record ({', '.join(f.name for f in files)}): {summary.created} created, "
            f"{summary.unchanged} unchanged"
        )
        if synthetic:
            synth = store.upsert(generate(seed=1, entities=synthetic, transfers=synthetic * 2))
            console.print(f"synthetic world (seed 1): {synth.created} created, {synth.unchanged} unchanged")
        show_counts(store)
        start = None
        for q in ("Saw Chit Thu", "KK Park", "Huione", "Prince Group"):
            hits = store.search(q, 3)
            if hits:
                start = start or hits[0].id
                console.print(f"search {q!r}: " + "; ".join(f"{h.name} ({h.label})" for h in hits))
    if serve:
        from . import serve as serve_mod

        if start:
            console.print(f"a chart to start from: http://127.0.0.1:8000/?open={start}&hops=2")
        serve_mod.serve_demo(settings)


for _name in _GROUPS:
    importlib.import_module(f"{__package__}.{_name}").register(app)
