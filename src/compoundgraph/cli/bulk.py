"""``load --bulk`` and ``ingest --bulk``: first loads through Neo4j's offline importer (see
:mod:`compoundgraph.bulk`). The options are declared here once and added to both commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..bulk import BulkRun
from ..errors import InvalidInput
from ..ingest import Options
from ..ingest.pipeline import Progress as IngestProgress
from ..ingest.resolve import DecisionLog
from ..ingest.summary import IngestSummary

console = Console()

Bulk = Annotated[
    bool,
    typer.Option(
        "--bulk",
        help="First load into an EMPTY Neo4j database with Neo4j's offline importer (neo4j-admin "
        "database import): the server is stopped for the import and started again",
    ),
]
BulkDir = Annotated[
    Path | None,
    typer.Option("--bulk-dir", help="With --bulk: a new folder for the importer's files (default: bulk-<time> here)"),
]
NeoHome = Annotated[
    Path | None,
    typer.Option(
        "--neo4j-home",
        help="With --bulk: the data folder the launcher serves (default: asked of scripts/neo4j-local status)",
    ),
]
PrepareOnly = Annotated[
    bool,
    typer.Option(
        "--prepare-only",
        help="With --bulk: write the files and import.sh, and stop there (run the importer "
        "yourself, e.g. the neo4j-import service of docker-compose.yml)",
    ),
]
KeepFiles = Annotated[bool, typer.Option("--keep-files", help="With --bulk: keep the CSV files afterwards")]


def bulk_dir(given: Path | None) -> Path:
    return given or Path(f"bulk-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}")


def report(run: BulkRun) -> None:
    if not run.imported:
        console.print(
            f"files for neo4j-admin in {run.directory} (prepared in {run.prepare_seconds:.1f}s); "
            f"import them with {run.directory / 'import.sh'} into the stopped server, start it, "
            "then run `compoundgraph init`",
            soft_wrap=True,
        )
        return
    extra = f", {run.superseded_claims:,} repeated claim ids kept once" if run.superseded_claims else ""
    console.print(
        f"bulk load done in {run.seconds:.1f}s: files {run.prepare_seconds:.1f}s, importer "
        f"{run.import_seconds:.1f}s, server restart {run.restart_seconds:.1f}s, schema "
        f"{run.schema_seconds:.1f}s{extra}; importer log: {run.directory / 'import.log'}",
        soft_wrap=True,
    )


def ingest_bulk(
    paths: list[Path],
    options: Options,
    progress: IngestProgress,
    report_dir: Path,
    log: DecisionLog | None,
    directory: Path | None,
    home: Path | None,
    prepare_only: bool,
    keep_files: bool,
) -> IngestSummary:
    """``ingest --bulk``: the ingest run itself (readers, checks, rejects file), its writes going to the
    importer's files; identity resolution afterwards, on the loaded database, as a plain ingest does."""
    from ..bulk import run_bulk
    from ..ingest import ingest
    from ..ingest.pipeline import detect_format
    from ..ingest.resolve import scan
    from ..store import open_store

    if options.dry_run:
        raise InvalidInput("--dry-run writes nothing; it needs no --bulk")
    for path in paths:
        fmt = options.format or detect_format(path)
        if fmt in ("text", "package"):
            # a report is read against the entities already in the graph, and a package import reads the
            # graph too: during a bulk run the graph is still empty, so these would come out differently
            raise InvalidInput(
                f"a {'report' if fmt == 'text' else 'partner package'} is not bulk-loaded: it is "
                "matched against what the graph holds; ingest it without --bulk after the bulk "
                "load",
                where=str(path),
            )
    summary, done = run_bulk(
        lambda store: ingest(store, paths, options, progress=progress, report_dir=report_dir),
        bulk_dir(directory),
        home=home,
        prepare_only=prepare_only,
        keep_files=keep_files,
    )
    report(done)
    if log is not None and done.imported:
        with open_store(init=False) as store:  # every entity is this run's: the database was empty
            found = scan(store, log)
        summary.candidates, summary.merged = found["candidates"], found["merged"]
    return summary
