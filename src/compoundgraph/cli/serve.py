"""``compoundgraph serve``, ``keys create|list|revoke``, ``audit verify|checkpoint|tail``; ``serve_demo``
(``demo --serve``)."""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..settings import Settings, get_settings
from .handler import handle_errors

if TYPE_CHECKING:  # the API is imported only when a command needs it: the CLI starts without FastAPI
    from fastapi import FastAPI

    from ..api.audit import AuditLog
    from ..api.config import ApiSettings
    from ..api.security import KeyStore

__all__ = ["register", "serve_demo", "app_factory"]

console = Console()
err = Console(stderr=True)

keys_app = typer.Typer(
    help="API keys: create (shown once), list, revoke. Keys are stored hashed.", no_args_is_help=True
)
audit_app = typer.Typer(
    help="The keyed, hash-chained audit log: verify it, take checkpoints, show its tail.", no_args_is_help=True
)


def _api() -> ApiSettings:
    from ..api.config import ApiSettings

    return ApiSettings()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_factory() -> FastAPI:
    """What uvicorn imports in each worker (``--factory``): the app over the configured store."""
    from ..api.app import create_app

    return create_app()


def _run(host: str, port: int, workers: int, demo: bool) -> None:
    import uvicorn

    if demo:
        if not _is_loopback(host):
            err.print(
                f"[bold red]error:[/] demo mode (no keys) only binds to loopback; {host} is not. "
                "Use --host 127.0.0.1 or create keys with `compoundgraph keys create`."
            )
            raise typer.Exit(2)
        os.environ["COMPOUNDGRAPH_API_DEMO"] = "true"  # workers are separate processes: tell them by env
        console.print(
            f"[bold yellow]DEMO MODE[/]: no API key needed; bound to {host} (loopback only); "
            f"every caller acts as '{_api().demo_role}'."
        )
    settings = get_settings()
    console.print(
        f"compoundgraph API on http://{host}:{port} ({settings.store_kind} store; "
        f"OpenAPI at /docs; audit log {_api().resolved_audit_path(settings)})"
    )
    from ..api.http import PROTOCOL

    uvicorn.run(
        "compoundgraph.cli.serve:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        http=PROTOCOL,
    )


def serve_demo(settings: Settings) -> None:
    """Serve the UI and API over the sample graph in the embedded store, on 127.0.0.1:8000, without keys."""
    import uvicorn

    from ..api.app import create_app

    api = _api().model_copy(update={"demo": True})
    embedded = settings.model_copy(update={"neo4j_uri": ""})
    console.print(
        f"[bold yellow]DEMO MODE[/]: no API key needed; bound to 127.0.0.1 (loopback only); every caller "
        f"acts as '{api.demo_role}'. Open http://127.0.0.1:8000/"
    )
    from ..api.http import PROTOCOL

    uvicorn.run(create_app(embedded, api=api), host="127.0.0.1", port=8000, log_level="warning", http=PROTOCOL)


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``keys`` and ``audit`` to the main app."""

    @app.command()
    @handle_errors
    def serve(
        host: Annotated[str, typer.Option(help="Interface to bind (loopback by default)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port")] = 8000,
        workers: Annotated[int, typer.Option(help="Worker processes (about one per core)")] = 1,
        demo: Annotated[bool, typer.Option(help="No keys needed (loopback only; said at start-up)")] = False,
    ) -> None:
        """Run the API (and the web UI) with uvicorn over the configured store."""
        _run(host, port, workers, demo or _api().demo)

    app.add_typer(keys_app, name="keys")
    app.add_typer(audit_app, name="audit")


def _keystore() -> KeyStore:
    from ..api.security import KeyStore

    return KeyStore(_api().resolved_keys_path(get_settings()))


@keys_app.command("create")
@handle_errors
def keys_create(
    name: Annotated[str, typer.Argument(help="Who or what the key is for")],
    role: Annotated[str, typer.Option(help="partner | investigator | analyst | editor | admin")] = "investigator",
) -> None:
    """Create a key and print it once (only its hash is kept)."""
    rec, key = _keystore().create(name, role)
    console.print(f"key id {rec.id} ({rec.role}) for {rec.name!r}; store it now, it is not shown again:")
    print(key)


@keys_app.command("list")
@handle_errors
def keys_list() -> None:
    """Key ids, names, roles, created and revoked dates (never the keys)."""
    table = Table("id", "name", "role", "created", "revoked")
    for k in _keystore().list():
        table.add_row(k.id, k.name, k.role, k.created, k.revoked or "")
    console.print(table)


@keys_app.command("revoke")
@handle_errors
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id (from `keys list`)")]) -> None:
    """Revoke a key; a running server refuses it from its next request."""
    rec = _keystore().revoke(key_id)
    console.print(f"revoked {rec.id} ({rec.name}) at {rec.revoked}")


def _audit() -> AuditLog:
    return _api().audit_log(get_settings())


@audit_app.command("verify")
@handle_errors
def audit_verify(
    checkpoints: Annotated[
        list[Path] | None,
        typer.Option("--checkpoint", help="A checkpoint file from `audit checkpoint` (repeatable): the log must agree"),
    ] = None,
) -> None:
    """Check the keyed chain: exit 0 if intact, 1 naming the first broken line (a missing log fails too)."""
    log = _audit()
    held = []
    for p in checkpoints or []:
        try:
            held.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            err.print(f"[bold red]error:[/] {p}: not a checkpoint ({exc})")
            raise typer.Exit(2) from exc
    result = log.verify(held)
    if result.ok:
        console.print(f"audit log intact: {result.entries:,} entries ({log.path})")
        return
    where = f" at line {result.line}" if result.line else ""
    err.print(
        f"[bold red]audit log broken[/]{where}: {result.problem} ({log.path}; "
        f"{result.entries:,} entries verified before it)"
    )
    raise typer.Exit(1)


@audit_app.command("checkpoint")
@handle_errors
def audit_checkpoint(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write it to this file (default: stdout)")
    ] = None,
) -> None:
    """Print where the chain stands (entry count and MAC) for an outside party to keep; `verify --checkpoint`."""
    text = json.dumps(_audit().checkpoint()) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"checkpoint written to {output}")
    else:
        print(text, end="")


@audit_app.command("tail")
@handle_errors
def audit_tail(n: Annotated[int, typer.Option("-n", help="How many entries")] = 20) -> None:
    """The last entries, one JSON object a line."""
    for entry in _audit().tail(n):
        print(json.dumps(entry, ensure_ascii=False))
