"""`compoundgraph synth`: write a synthetic world (JSON lines, optionally the transfers as CSV) or load it."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import InvalidInput
from .handler import handle_errors

err = Console(stderr=True)

_SCALE_HELP = "Size preset: tiny (1k entities, 2k transfers), small (10k, 50k), medium (100k, 1M), large (1M, 10M)"


def register(app: typer.Typer) -> None:
    """Add ``synth`` to the main app."""

    @app.command()
    @handle_errors
    def synth(
        seed: Annotated[int, typer.Option(help="Random seed; the same seed and sizes give the same bytes")] = 1,
        scale: Annotated[str, typer.Option(help=_SCALE_HELP)] = "tiny",
        entities: Annotated[int | None, typer.Option(help="Entities (overrides the preset)")] = None,
        transfers: Annotated[int | None, typer.Option(help="Transfers (overrides the preset)")] = None,
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="JSON-lines file to write ('-' for stdout)")
        ] = None,
        transfers_csv: Annotated[
            Path | None, typer.Option("--transfers-csv", help="Also write the transfers as a chain-export style CSV")
        ] = None,
        no_transfer_claims: Annotated[
            bool,
            typer.Option(
                "--no-transfer-claims",
                help="Leave TRANSFERRED claims out of the JSON lines (e.g. with --transfers-csv)",
            ),
        ] = False,
        load: Annotated[bool, typer.Option("--load", help="Load the world into the configured store as well")] = False,
    ) -> None:
        """Generate a synthetic world: fictional compounds, networks, cases, wallets and laundering transfers.

        Everything is invented: syllable-built names, '(synthetic)' sources, '.example' domains, cases numbered
        'Case 000123'. Same seed and sizes, same bytes. The output loads with 'compoundgraph load'.
        """
        from .. import synth as gen

        if scale not in gen.SCALES:
            raise InvalidInput(f"unknown scale {scale!r}; choose one of {', '.join(gen.SCALES)}")
        n_ent = entities if entities is not None else gen.SCALES[scale]["entities"]
        n_tx = transfers if transfers is not None else gen.SCALES[scale]["transfers"]
        if output is None and transfers_csv is None and not load:
            raise InvalidInput("nothing to do: give -o FILE, --transfers-csv FILE or --load")
        started = time.perf_counter()
        if output is not None:
            if str(output) == "-":
                n = gen.write_jsonl(sys.stdout, seed, n_ent, n_tx, with_transfers=not no_transfer_claims)
            else:
                n = gen.write_jsonl(output, seed, n_ent, n_tx, with_transfers=not no_transfer_claims)
            err.print(
                f"wrote {n:,} records (seed {seed}, {n_ent:,} entities, {n_tx:,} transfers) to {output} "
                f"in {time.perf_counter() - started:.1f}s"
            )
        if transfers_csv is not None:
            started = time.perf_counter()
            rows = gen.write_transfers_csv(transfers_csv, seed, n_ent, n_tx)
            err.print(f"wrote {rows:,} transfers to {transfers_csv} in {time.perf_counter() - started:.1f}s")
        if load:
            _load(seed, n_ent, n_tx)


def _load(seed: int, entities: int, transfers: int) -> None:
    from .. import synth as gen
    from ..store import open_store

    started = time.perf_counter()
    with open_store() as store, store.writer() as writer:
        writer.add_all(gen.generate(seed, entities, transfers))
    s = writer.summary
    err.print(
        f"loaded into the {store.kind} store: {s.sources:,} sources, {s.entities:,} entities, "
        f"{s.claims:,} claims ({s.created:,} created, {s.updated:,} updated, {s.unchanged:,} unchanged) "
        f"in {time.perf_counter() - started:.1f}s"
    )
