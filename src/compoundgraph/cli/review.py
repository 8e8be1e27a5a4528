"""`compoundgraph review list|accept|reject|edit`: decisions on what the text loader proposes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..ingest.resolve import DecisionLog
from ..ingest.review import accept, candidates, edit, reject
from ..ingest.review import decision_log as review_log
from ..models import Entity
from ..settings import get_settings
from ..store import open_store
from .handler import handle_errors

console = Console()
review_app = typer.Typer(
    help="Review proposed entities and relationships from reports: accept, reject, edit.", no_args_is_help=True
)


def decision_log() -> DecisionLog:
    """Review decisions are logged beside the store, as merge decisions are."""
    return review_log(get_settings())


@review_app.command("list")
@handle_errors
def list_command(status: Annotated[str, typer.Option(help="pending, accepted, rejected or all")] = "pending") -> None:
    """Proposed entities and relationships, each with the sentence it came from."""
    with open_store(init=False) as store:
        found = candidates(store, status)
        table = Table("id", "kind", "type", "name", "status", "rule", "sentence")
        for c in found:
            table.add_row(c.id, c.kind, c.label, c.name, c.status, c.rule, c.quote[:300])
        console.print(table, soft_wrap=True)
        console.print(f"{len(found)} {status if status != 'all' else ''} proposal(s)")


@review_app.command("accept")
@handle_errors
def accept_command(candidate: str, editor: Annotated[str, typer.Option(help="Who decided (logged)")] = "") -> None:
    """Accept a proposed entity (it becomes a fact) or relationship (the typed claim is written)."""
    with open_store() as store:
        done = accept(store, decision_log(), candidate, editor)
        what = f"{done.label} {done.name}" if isinstance(done, Entity) else f"{done.type} claim {done.id}"
        console.print(f"accepted: {what}")


@review_app.command("reject")
@handle_errors
def reject_command(candidate: str, editor: Annotated[str, typer.Option(help="Who decided (logged)")] = "") -> None:
    """Reject a proposal (a rejected entity's proposed relationships are rejected with it)."""
    with open_store() as store:
        reject(store, decision_log(), candidate, editor)
        console.print(f"rejected {candidate}")


@review_app.command("edit")
@handle_errors
def edit_command(
    candidate: str,
    name: Annotated[str | None, typer.Option(help="The right name")] = None,
    label: Annotated[str | None, typer.Option("--type", help="The right type (Compound, Organization, ...)")] = None,
    alias: Annotated[list[str] | None, typer.Option(help="An alias to add (repeatable)")] = None,
    editor: Annotated[str, typer.Option(help="Who decided (logged)")] = "",
) -> None:
    """Correct a pending proposed entity; it stays pending (its id changes with its name or type)."""
    with open_store() as store:
        e = edit(store, decision_log(), candidate, name, label, alias, editor)
        console.print(f"now: {e.label} {e.name} ({e.id}), pending")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(review_app, name="review")
