"""`compoundgraph chart ENTITY --hops 2 -o chart.html`: a standalone link chart for reports and case files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InvalidInput
from .handler import handle_errors


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command(name="chart")(chart)


@handle_errors
def chart(
    entity: Annotated[str, typer.Argument(help="Entity id, or a name / alias / identifier to search for")],
    hops: Annotated[int, typer.Option(help="Neighbourhood depth, 1-3")] = 2,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write")] = Path("chart.html"),
    limit: Annotated[int, typer.Option(help="Most entities on the chart")] = 500,
    types: Annotated[list[str] | None, typer.Option("--type", help="Neighbour entity types")] = None,
    rels: Annotated[list[str] | None, typer.Option("--rel", help="Relationship types")] = None,
    min_grade: Annotated[str | None, typer.Option("--min-grade", help="Only claims at least this good")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only claims in force on this date")] = None,
    title: Annotated[str | None, typer.Option(help="Heading of the chart")] = None,
) -> None:
    """Write a standalone HTML link chart (pyvis; vis-network inlined, opens offline) around an entity."""
    from ..store import ClaimFilter, open_store
    from ..views import ego_json
    from ..web.chart import standalone_html
    from .main import console

    with open_store(init=False) as store:
        found = store.get_entities([entity])
        center = entity
        if entity not in found:
            hits = store.search(entity, 1)
            if not hits:
                raise InvalidInput(f"no entity with id or name {entity[:80]!r}", where="chart")
            center = hits[0].id
        flt = ClaimFilter.make(rels, types, min_grade, as_of)
        sg = ego_json(store.ego(center, hops, flt, limit))
        name = next((n["name"] for n in sg["nodes"] if n["id"] == center), center)
        page = standalone_html(sg, title=title or f"{name}: {hops}-hop link chart")
    output.write_text(page, encoding="utf-8")
    console.print(
        f"wrote {output} ({len(sg['nodes'])} entities, {len(sg['edges'])} claims"
        + (", truncated" if sg["truncated"] else "")
        + ")"
    )
