"""`compoundgraph resolve scan|list|accept|reject|undo`: merge decisions on SAME_AS candidates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..ingest.resolve import THRESHOLD, DecisionLog, accept, pending, reject, scan, undo
from ..settings import get_settings
from ..store import open_store
from .handler import handle_errors

console = Console()
resolve_app = typer.Typer(
    help="Identity resolution: review SAME_AS merge candidates, merge, undo.", no_args_is_help=True
)


def decision_log() -> DecisionLog:
    """The decisions log lives beside the store (until the audit log takes over)."""
    return DecisionLog(Path(get_settings().embedded_path).parent / "resolve-decisions.jsonl")


@resolve_app.command("scan")
@handle_errors
def scan_command(
    threshold: Annotated[float, typer.Option(help="Minimum name similarity (0-100) for a candidate")] = THRESHOLD,
    auto: Annotated[bool, typer.Option(help="Merge exact identifier matches at once")] = True,
) -> None:
    """Look for duplicates over the whole graph: identifier matches merge, similar names become candidates."""
    with open_store() as store:
        r = scan(store, decision_log(), None, threshold, auto)
        console.print(f"{r['merged']} merged by identifier, {r['candidates']} candidates to review")


@resolve_app.command("list")
@handle_errors
def list_command(status: Annotated[str, typer.Option(help="pending, accepted, rejected or all")] = "pending") -> None:
    """SAME_AS candidates with their scores, best first."""
    with open_store(init=False) as store:
        table = Table("candidate", "score", "type", "a", "b", "status", "matched")
        for c, a, b in pending(store, status):
            table.add_row(
                c.id,
                str(c.properties.get("score")),
                a.label if a else "?",
                f"{a.name if a else '?'} ({c.subject})",
                f"{b.name if b else '?'} ({c.object})",
                str(c.properties.get("status")),
                c.quote,
            )
        console.print(table, soft_wrap=True)


@resolve_app.command("accept")
@handle_errors
def accept_command(
    candidate: str,
    survivor: Annotated[
        str | None, typer.Option(help="Id of the entity to keep (default: the better connected)")
    ] = None,
    editor: Annotated[str, typer.Option(help="Who decided (logged)")] = "",
) -> None:
    """Merge the two entities of a candidate; the merged id is kept in the survivor's referents."""
    with open_store() as store:
        e = accept(store, decision_log(), candidate, survivor, editor)
        console.print(f"merged into {e.name} ({e.id}); referents: {', '.join(e.referents)}")


@resolve_app.command("reject")
@handle_errors
def reject_command(candidate: str, editor: Annotated[str, typer.Option(help="Who decided")] = "") -> None:
    """Mark a candidate as not the same."""
    with open_store() as store:
        reject(store, decision_log(), candidate, editor)
        console.print(f"rejected {candidate}")


@resolve_app.command("undo")
@handle_errors
def undo_command(candidate: str, editor: Annotated[str, typer.Option(help="Who decided")] = "") -> None:
    """Undo an accepted merge (both entities and their claims come back) or a rejection."""
    with open_store() as store:
        a, b = undo(store, decision_log(), candidate, editor)
        console.print(f"undone: {a.name} ({a.id}) and {b.name} ({b.id}) are separate again; candidate pending")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(resolve_app, name="resolve")
