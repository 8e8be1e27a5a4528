"""`compoundgraph analyze`: centrality, communities, brokers, disruption, paths, trace, write-back.

Every command works on the configured store (embedded or Neo4j) through the analytics service, prints a
table (or the full JSON-ready result with ``--json``) and the run's reproducibility stamp.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..analytics import service
from ..analytics.flows import STOP_TAGS
from ..store import ClaimFilter, GraphStore, open_store
from .handler import handle_errors

console = Console()

MinGrade = Annotated[str | None, typer.Option("--min-grade", help="Only claims at least this good, e.g. B3")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Only claims in force on this date (YYYY-MM-DD)")]
Types = Annotated[list[str] | None, typer.Option("--type", help="Entity types to keep (repeatable)")]
Rels = Annotated[list[str] | None, typer.Option("--rel", help="Relationship types to keep (repeatable)")]
Top = Annotated[int, typer.Option(help="How many rows to show")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the full result as JSON")]
Engine = Annotated[str, typer.Option(help="auto, networkx or igraph")]
Seed = Annotated[int, typer.Option(help="Seed for sampled and random algorithms")]

analyze = typer.Typer(help="Network analytics and money-flow tracing on the configured store.", no_args_is_help=True)


def _flt(
    min_grade: str | None, as_of: str | None, types: list[str] | None = None, rels: list[str] | None = None
) -> ClaimFilter:
    """The options' filter (checked against the ontology: a bad value is an error naming it)."""
    return ClaimFilter.make(rels, types, min_grade, as_of)


def _run(fn: Callable[[GraphStore], dict[str, Any]], as_json: bool, show: Callable[[dict[str, Any]], None]) -> None:
    with open_store(init=False) as store:
        result = fn(store)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    show(result)
    console.print(
        f"[dim]stamp {result['stamp']['id']} (graph {result['stamp']['graph']['sha256'][:16]}…, "
        f"{result['stamp']['graph']['nodes']:,} nodes, {result['stamp']['graph']['edges']:,} claims)[/]"
    )


@analyze.command()
@handle_errors
def centrality(
    measure: Annotated[str, typer.Argument(help="degree, betweenness, pagerank, eigenvector, closeness")] = "pagerank",
    top: Top = 20,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    types: Types = None,
    rels: Rels = None,
    sample: Annotated[int | None, typer.Option(help="Betweenness: number of sampled sources")] = None,
    seed: Seed = 42,
    engine: Engine = "auto",
    as_json: AsJson = False,
) -> None:
    """Entities ranked by a centrality measure."""

    def show(r: dict[str, Any]) -> None:
        extra = f", sampled from {r['sample']} sources" if r.get("sample") else ""
        table = Table(
            "rank",
            "score",
            "type",
            "name",
            "id",
            title=f"{r['measure']} ({r['engine']}{extra}) on {r['graph']['nodes']:,} entities",
        )
        for row in r["results"]:
            table.add_row(str(row["rank"]), f"{row['score']:.6g}", row["label"], row["name"], row["id"])
        console.print(table)

    _run(
        lambda s: service.centrality(
            s, _flt(min_grade, as_of, types, rels), measure=measure, top=top, sample=sample, seed=seed, engine=engine
        ),
        as_json,
        show,
    )


@analyze.command()
@handle_errors
def communities(
    top: Top = 20,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    types: Types = None,
    rels: Rels = None,
    seed: Seed = 42,
    resolution: Annotated[float, typer.Option(help="Louvain resolution (>1: smaller communities)")] = 1.0,
    engine: Engine = "auto",
    as_json: AsJson = False,
) -> None:
    """Louvain communities (seeded): size, most central member, first members."""

    def show(r: dict[str, Any]) -> None:
        table = Table(
            "#",
            "size",
            "most central",
            "members",
            title=f"{r['count']} communities, modularity {r['modularity']:.3f} ({r['engine']})",
        )
        for c in r["communities"]:
            names = ", ".join(m["name"] for m in c["members"][:6]) + (" …" if c["size"] > 6 else "")
            table.add_row(
                str(c["community"]), str(c["size"]), f"{c['central']['name']} ({c['central']['label']})", names
            )
        console.print(table)

    _run(
        lambda s: service.communities(
            s, _flt(min_grade, as_of, types, rels), top=top, seed=seed, resolution=resolution, engine=engine
        ),
        as_json,
        show,
    )


@analyze.command()
@handle_errors
def brokers(
    top: Top = 20,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    types: Types = None,
    rels: Rels = None,
    as_json: AsJson = False,
) -> None:
    """Articulation points, bridges and the lowest-constraint brokers (Burt)."""

    def show(r: dict[str, Any]) -> None:
        console.print(
            "[bold]articulation points:[/] "
            + "; ".join(f"{n['name']} ({n['label']})" for n in r["articulation_points"])
            or "none"
        )
        console.print(
            "[bold]bridges:[/] " + "; ".join(f"{b['from']['name']} — {b['to']['name']}" for b in r["bridges"]) or "none"
        )
        table = Table("constraint", "effective size", "degree", "type", "name", title="structural holes")
        for row in r["structural_holes"]:
            table.add_row(
                f"{row['constraint']:.3f}",
                f"{row['effective_size']:.2f}",
                str(row["degree"]),
                row["label"],
                row["name"],
            )
        console.print(table)

    _run(lambda s: service.brokers(s, _flt(min_grade, as_of, types, rels), top=top), as_json, show)


@analyze.command()
@handle_errors
def disruption(
    k: Annotated[int, typer.Option("-k", help="How many entities to remove")] = 5,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    types: Types = None,
    rels: Rels = None,
    candidates: Annotated[int | None, typer.Option(help="Candidates per step on large graphs")] = None,
    as_json: AsJson = False,
) -> None:
    """Key players: which k entities, removed in turn, fragment the network most."""

    def show(r: dict[str, Any]) -> None:
        table = Table(
            "step",
            "remove",
            "type",
            "fragmentation",
            "components",
            "largest",
            title=f"greedy key-player removal (fragmentation now {r['fragmentation']:.3f})",
        )
        for st in r["steps"]:
            table.add_row(
                str(st["step"]),
                st["name"],
                st["label"],
                f"{st['fragmentation_before']:.3f} → {st['fragmentation_after']:.3f}",
                str(st["components"]),
                str(st["largest_component"]),
            )
        console.print(table)

    _run(
        lambda s: service.disruption(s, _flt(min_grade, as_of, types, rels), k=k, candidates=candidates), as_json, show
    )


@analyze.command()
@handle_errors
def paths(
    source: str,
    target: str,
    max_hops: int = 4,
    k: Annotated[int, typer.Option("-k", help="How many shortest paths")] = 3,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Shortest and k shortest paths between two entities with their weakest-link grades."""

    def show(r: dict[str, Any]) -> None:
        names = {n["id"]: n["name"] for n in r["nodes"]}
        if not r["paths"]:
            console.print("no path within the limits")
        for p in r["paths"]:
            console.print(f"[bold]{p['grade']}[/] {p['hops']} hops: " + " - ".join(names[n] for n in p["nodes"]))

    _run(lambda s: service.paths(s, source, target, _flt(min_grade, as_of), max_hops=max_hops, k=k), as_json, show)


@analyze.command()
@handle_errors
def trace(
    wallets: Annotated[list[str], typer.Argument(help="Wallet ids or addresses to trace from")],
    backward: Annotated[bool, typer.Option("--backward", help="Where the funds came from, not went")] = False,
    max_hops: int = 4,
    method: Annotated[str, typer.Option(help="haircut (proportional) or fifo")] = "haircut",
    min_amount: Annotated[str | None, typer.Option(help="Ignore transfers smaller than this")] = None,
    since: Annotated[str | None, typer.Option(help="Only transfers from this date/time")] = None,
    until: Annotated[str | None, typer.Option(help="Only transfers up to this date/time")] = None,
    stop_tag: Annotated[
        list[str] | None,
        typer.Option(
            "--stop-tag", help="Stop at wallets with this tag (repeatable; default exchange, otc, payment-provider)"
        ),
    ] = None,
    asset: Annotated[str | None, typer.Option(help="Only this asset")] = None,
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Money-flow trace over TRANSFERRED claims: where the funds ended, by haircut or FIFO."""

    def show(r: dict[str, Any]) -> None:
        traced = ", ".join(f"{v} {a}" for a, v in r["traced"].items()) or "nothing"
        console.print(f"[bold red]{r['headline']}[/]" if r["listed"] else r["headline"])
        table = Table(
            "amount",
            "asset",
            "wallet",
            "held by",
            "why",
            "hops",
            "listed",
            title=f"{r['direction']} trace ({r['method']}, ≤ {r['max_hops']} hops) of {traced}",
        )
        for ep in r["endpoints"]:
            table.add_row(
                ep["amount"],
                ep["asset"],
                ep["name"],
                ", ".join(h["name"] for h in ep["holders"]),
                ", ".join(ep["reasons"]),
                str(ep["hops"]),
                "LISTED" if ep["listed"] else "",
            )
        console.print(table)
        for x in r["listed"]:
            amounts = ", ".join(f"{m} {v}" for m, v in x["amount"].items())
            console.print(
                f"  listed wallet {x['name']} ({x['hops']} hops): {amounts} {x['asset']}; "
                + "; ".join(s["name"] + (f" via {s['via']}" if s["via"] else "") for s in x["sanctions"])
            )
        console.print(f"{len(r['flows'])} transfers carried traced funds")

    direction = "backward" if backward else "forward"
    _run(
        lambda s: service.trace(
            s,
            wallets,
            _flt(min_grade, as_of),
            direction=direction,
            max_hops=max_hops,
            min_amount=min_amount,
            since=since,
            until=until,
            method=method,
            stop_tags=tuple(stop_tag) if stop_tag else STOP_TAGS,
            asset=asset,
        ),
        as_json,
        show,
    )


@analyze.command("write-back")
@handle_errors
def write_back(
    measure: Annotated[str, typer.Argument(help="A centrality measure, or community")] = "pagerank",
    min_grade: MinGrade = None,
    as_of: AsOf = None,
    types: Types = None,
    rels: Rels = None,
    sample: Annotated[int | None, typer.Option(help="Betweenness: number of sampled sources")] = None,
    seed: Seed = 42,
    engine: Engine = "auto",
    as_json: AsJson = False,
) -> None:
    """Store a measure on every entity (property <measure>, with <measure>_stamp) for dashboards."""

    def show(r: dict[str, Any]) -> None:
        console.print(f"wrote {r['property']} on {r['written']:,} entities")

    _run(
        lambda s: service.write_back(
            s, _flt(min_grade, as_of, types, rels), measure=measure, sample=sample, seed=seed, engine=engine
        ),
        as_json,
        show,
    )


def register(app: typer.Typer) -> None:
    """Add ``compoundgraph analyze …`` to the main app."""
    app.add_typer(analyze, name="analyze")
