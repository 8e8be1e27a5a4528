"""`compoundgraph screen FILE`: check a list of wallets, names and identifiers against the graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import InvalidInput
from ..screening import Options, read_file, screen
from ..screening.report import as_csv, as_json, as_table
from ..store import open_store
from .handler import handle_errors

console = Console()
err = Console(stderr=True)
FORMATS = ("table", "csv", "json")


@handle_errors
def screen_command(
    path: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON or JSON-lines file, one row per subject")],
    threshold: Annotated[float, typer.Option(help="Lowest name score (0-1) that counts as a hit")] = 0.85,
    limit: Annotated[int, typer.Option(help="Most hits per row")] = 5,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Hops searched for a compound or armed group")] = 3,
    min_grade: Annotated[str | None, typer.Option("--min-grade", help="Only claims at least this good")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only claims in force on this date")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Table: show rows without hits too")] = False,
) -> None:
    """Screen every row's wallet, phone, e-mail, handle, domain, registration number and name.

    Identifiers match exactly or in canonical form; names by similarity (transliterated, any word order) at
    or above --threshold. Each hit shows the sanctions and events of the entity and its distance to the
    nearest compound or armed group. Bad cells are reported on their row; unknown columns are listed.
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", where="--format")
    options = Options(threshold=threshold, limit=limit, max_hops=max_hops, min_grade=min_grade, as_of=as_of)
    batch = read_file(path)
    with open_store(init=False) as store:
        result = screen(store, batch, options)
    if batch.unknown_columns:
        err.print(f"[yellow]columns not used for screening:[/] {', '.join(batch.unknown_columns)}")
    if fmt == "table":
        if output is None:
            console.print(as_table(result, only_hits=not all_rows))
            return
        with output.open("w", encoding="utf-8") as f:
            Console(file=f, width=200).print(as_table(result, only_hits=not all_rows))
    else:
        text = as_csv(result) if fmt == "csv" else json.dumps(as_json(result), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
            return
        output.write_text(text, encoding="utf-8")
    err.print(f"wrote {len(result.rows):,} rows to {output}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("screen")(screen_command)
