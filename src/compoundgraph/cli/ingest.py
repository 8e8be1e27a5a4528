"""`compoundgraph ingest PATH...`: spreadsheets, FtM, chain exports, reports and partner packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ..ingest import FORMATS, Options, ingest
from ..store import open_store
from . import bulk as bulk_cli
from .handler import handle_errors
from .resolve import decision_log

console = Console()
err = Console(stderr=True)


@handle_errors
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files (or partner-package folders / zips) to ingest")],
    format: Annotated[
        str | None, typer.Option("--format", help=f"One of {', '.join(FORMATS)}; found from the file when not given")
    ] = None,
    source_grade: Annotated[
        str,
        typer.Option(
            "--source-grade", help="Admiralty grade of the file as a source, e.g. B2 (rows may carry their own)"
        ),
    ] = "F6",
    handling: Annotated[str, typer.Option("--handling", help="Handling code H0-H3 of what is loaded")] = "H1",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and check everything, write nothing")] = False,
    title: Annotated[str | None, typer.Option(help="Source title (default: the document's)")] = None,
    publisher: Annotated[str | None, typer.Option(help="Source publisher")] = None,
    url: Annotated[str | None, typer.Option(help="Source URL")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Source publication date YYYY-MM-DD")] = None,
    kind: Annotated[str | None, typer.Option(help="Source kind: report, notice, court, news, dataset...")] = None,
    mapping: Annotated[
        str | None, typer.Option(help="Chain exports: mapping name (generic, trc20, erc20) or a mapping YAML file")
    ] = None,
    chain: Annotated[str | None, typer.Option(help="Chain exports: tron, ethereum or bitcoin")] = None,
    region: Annotated[
        str | None,
        typer.Option(help="Default phone region (e.g. KH) for numbers written without +country code in spreadsheets"),
    ] = None,
    accept_fingerprint: Annotated[
        str | None,
        typer.Option(
            "--accept-fingerprint",
            help="Partner packages: accept a signer that is not in the trust store "
            "(its key's fingerprint, checked with the sender) and add it",
        ),
    ] = None,
    report_dir: Annotated[Path, typer.Option(help="Where the summary and rejects files go")] = Path("ingest-reports"),
    resolve: Annotated[
        bool,
        typer.Option(
            help="Afterwards, merge entities sharing an identifier and propose "
            "similar names as SAME_AS candidates (see `resolve list`)"
        ),
    ] = True,
    screen: Annotated[
        bool,
        typer.Option(
            help="Afterwards, list the records that are listed (sanctioned, or "
            "held by a designated actor) or match a listed actor"
        ),
    ] = True,
    bulk: bulk_cli.Bulk = False,
    bulk_dir: bulk_cli.BulkDir = None,
    neo4j_home: bulk_cli.NeoHome = None,
    prepare_only: bulk_cli.PrepareOnly = False,
    keep_files: bulk_cli.KeepFiles = False,
) -> None:
    """Ingest files with their provenance; print created / updated / unchanged / rejected.

    Every rejected row is listed (file, line, field, reason) in a rejects CSV beside the JSON summary.
    Re-ingesting the same file changes nothing.
    """
    options = Options(
        format=format,
        source_grade=source_grade,
        handling=handling,
        dry_run=dry_run,
        title=title,
        publisher=publisher,
        url=url,
        published=date,
        kind=kind,
        mapping=mapping,
        chain=chain,
        region=region,
        accept_fingerprint=accept_fingerprint,
    )
    with (
        open_store() as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        tasks: dict[str, TaskID] = {}

        def progress(file: str, done: int, total: int | None) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(Path(file).name, total=total)
            bar.update(tasks[file], completed=min(done, total) if total else done)

        log = decision_log() if resolve else None
        if bulk:
            summary = bulk_cli.ingest_bulk(
                paths, options, progress, report_dir, log, bulk_dir, neo4j_home, prepare_only, keep_files
            )
        else:
            summary = ingest(
                store, paths, options, progress=progress, report_dir=report_dir, resolve_log=log, screen=screen
            )
    table = Table(title="ingest" + (" (dry run: nothing written)" if dry_run else ""))
    for col in ("file", "format"):
        table.add_column(col)
    for f, fmt in summary.formats.items():
        table.add_row(f, fmt)
    console.print(table)
    console.print(summary.line(), soft_wrap=True)
    for r in summary.rejects[:10]:
        console.print(f"  [yellow]rejected[/] {r.file} {r.where} {r.field}: {r.reason}", soft_wrap=True)
    if summary.rejected > 10:
        console.print(f"  ... and {summary.rejected - 10} more")
    listed = summary.screening.get("listed", [])
    if listed:
        console.print(f"[bold red]{len(listed) + summary.screening.get('more', 0)} records hit a listed actor:[/]")
        for x in listed:
            what = "is listed" if x["hit"] == x["record"] else f"{x['how']} {x.get('hit_name', x['hit'])}"
            events = "; ".join(e["name"] + (f" via {e['via']}" if e["via"] else "") for e in x["sanctions"][:3])
            console.print(f"  {x['label']} {x['name']} {what} ({events})", soft_wrap=True)
    elif summary.screening.get("skipped"):
        console.print(f"screening skipped: {summary.screening['skipped']}", soft_wrap=True)
    console.print(f"summary: {summary.summary_path}\nrejects: {summary.rejects_path}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("ingest")(ingest_command)
