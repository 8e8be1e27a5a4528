"""`compoundgraph investigations list | show ID | export ID | import FILE`: saved investigations for scripts and
backups.

The command line runs as the store's operator (no API key): it sees every investigation, whoever owns it.
``export`` writes the whole saved record as JSON - the shape ``GET /investigations/{id}`` answers, as saved
(merged ids not followed) - to a file or standard output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .handler import handle_errors

investigations = typer.Typer(help="Saved investigations (annotated charts) kept in the store.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(investigations, name="investigations")


Deleted = Annotated[bool, typer.Option("--deleted", help="Include soft-deleted investigations")]


@investigations.command("list")
@handle_errors
def list_(
    deleted: Deleted = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table")] = False,
) -> None:
    """Every investigation, most recently modified first: id, title, owner, modified, version, size."""
    from ..store import open_store
    from ..store.investigations import investigations_of
    from .main import console

    with open_store(init=False) as store:
        rows = investigations_of(store).summaries(include_deleted=deleted)
    if as_json:
        for s in rows:
            sys.stdout.write(s.model_dump_json() + "\n")
        return
    table = Table(title=f"{len(rows)} investigation{'s' if len(rows) != 1 else ''}")
    table.add_column("id", no_wrap=True)  # copied into `show` and `export`: never broken across lines
    for name in ("title", "owner", "modified", "version", "entities", "size", "shared with", "deleted"):
        table.add_column(name)
    for s in rows:
        table.add_row(
            s.id,
            s.title,
            s.owner,
            s.modified,
            str(s.version),
            f"{s.entities:,}",
            f"{s.size:,}",
            ", ".join(f"{x.to} ({x.access})" for x in s.shares),
            s.deleted or "",
        )
    console.print(table)


@investigations.command()
@handle_errors
def show(inv_id: Annotated[str, typer.Argument(help="Investigation id (inv-...)")], deleted: Deleted = False) -> None:
    """One investigation: metadata, notes, and what changed in the graph under it since it was saved."""
    from ..investigations.service import follow_changes
    from ..store import open_store
    from ..store.investigations import investigations_of
    from .main import console

    with open_store(init=False) as store:
        inv = investigations_of(store).get(inv_id, include_deleted=deleted)
        _, changes = follow_changes(store, inv.chart)
    c = inv.chart
    console.print(f"[bold]{inv.title}[/] ({inv.id}) version {inv.version}")
    console.print(f"owner {inv.owner}; created {inv.created}; modified {inv.modified} by {inv.modified_by}")
    if inv.deleted:
        console.print(f"[red]deleted[/] {inv.deleted} by {inv.deleted_by}")
    console.print("shared with: " + (", ".join(f"{s.to} ({s.access})" for s in inv.shares) or "nobody"))
    hidden = sum(e.hidden for e in c.entities)
    pinned = sum(e.pinned for e in c.entities)
    console.print(
        f"{len(c.entities):,} entities ({pinned:,} pinned, {hidden:,} hidden); layout {c.layout.kind}; "
        f"as of {c.as_of or 'today'}; min grade {c.filters.min_grade or 'any'}; "
        f"{len(c.traces)} saved trace(s)"
    )
    console.print(f"notes: {len(c.notes.entities):,} on entities, {len(c.notes.claims):,} on claims")
    if c.notes.investigation:
        console.print(c.notes.investigation, markup=False, highlight=False)
    console.print(("[yellow]" if changes.changed else "") + changes.message() + ("[/]" if changes.changed else ""))
    for gone in changes.gone:
        console.print(f"  gone: {gone}", markup=False)
    for old, new in changes.merged.items():
        console.print(f"  merged: {old} -> {new}", markup=False)


@investigations.command()
@handle_errors
def export(
    inv_id: Annotated[str, typer.Argument(help="Investigation id (inv-...)")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")] = None,
    deleted: Deleted = False,
) -> None:
    """The whole saved investigation as JSON (metadata and chart), for scripts and backups."""
    from ..store import open_store
    from ..store.investigations import investigations_of
    from .main import err

    with open_store(init=False) as store:
        inv = investigations_of(store).get(inv_id, include_deleted=deleted)
    text = json.dumps(inv.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output} ({len(text.encode()):,} bytes)")


@investigations.command(name="import")
@handle_errors
def import_(
    path: Annotated[Path, typer.Argument(help="A file written by `investigations export`")],
    as_new: Annotated[bool, typer.Option("--as-new", help="Give it a new id (keep the one in the store)")] = False,
) -> None:
    """Put back an exported investigation (its id, owner, times, version and shares), checked whole first."""
    from pydantic import ValidationError

    from ..errors import InvalidInput
    from ..investigations.model import Investigation
    from ..store import open_store
    from ..store.investigations import investigations_of
    from .main import console

    try:
        inv = Investigation.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", where=str(path)) from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        at = ".".join(str(p) for p in err["loc"])
        raise InvalidInput(f"not an exported investigation: {at}: {err['msg']}", where=str(path)) from exc
    with open_store(init=False) as store:
        back = investigations_of(store).restore_backup(inv, as_new=as_new)
    console.print(
        f"imported {back.title!r} as {back.id} (version {back.version}, {back.entities:,} entities)", markup=False
    )
