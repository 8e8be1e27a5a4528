"""`compoundgraph export` and `compoundgraph package create|verify|keygen|import|trust`.

``export`` writes one format: a single-file format to ``-o FILE``; a multi-file one (i2, csv,
neo4j-admin) into the folder ``-o DIR`` (or a zip when ``-o`` ends in ``.zip``). ``package create``
writes a signed task-force package; ``package verify`` checks one against a trusted public key.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import InvalidInput
from ..store import open_store
from .handler import handle_errors

err = Console(stderr=True)
out = Console()

FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="ftm|stix|graphml|gexf|i2|cytoscape|csv|neo4j-admin|jsonl")
]
ProfileOpt = Annotated[str, typer.Option("--profile", help="Redaction profile: partner | internal")]
IdsOpt = Annotated[list[str] | None, typer.Option("--ids", help="Entity ids (repeat, or comma-separated)")]
EgoOpt = Annotated[str | None, typer.Option("--ego", help="Export the ego network of this entity id")]
HopsOpt = Annotated[int, typer.Option("--hops", help="Hops for --ego (1-3)")]
PathOpt = Annotated[list[str] | None, typer.Option("--path", help="Two ids: export the shortest paths between them")]
GradeOpt = Annotated[str | None, typer.Option("--min-grade", help="Only claims at least this good, e.g. B3")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Only claims in force on this date (YYYY-MM-DD)")]
ExporterOpt = Annotated[str, typer.Option("--exporter", help="Who exports (agency / unit), written into the output")]
PASSPHRASE_ENV = "COMPOUNDGRAPH_PACKAGE_KEY_PASSPHRASE"


def _ids(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [i.strip() for v in values for i in v.split(",") if i.strip()]


def _query(
    ego: str | None, hops: int, path: list[str] | None, min_grade: str | None, as_of: str | None
) -> dict[str, Any]:
    q: dict[str, Any] = {"min_grade": min_grade, "as_of": as_of}
    if ego:
        q.update(ego=ego, hops=hops)
    if path:
        ends = _ids(path) or []
        if len(ends) != 2:
            raise InvalidInput("--path takes exactly two ids (e.g. --path A --path B or --path A,B)")
        q["path"] = ends
    return q


def _write_export(view: Any, fmt: str, target: Path, exporter: str) -> list[Path]:
    """Stream one format to ``target``: a file (single-file formats), a ``.zip``, or a folder. A file or zip
    is written beside the target and moved into place when complete."""
    import zipfile

    from ..exports.formats import get_format
    from ..exports.service import OneFileSink, write_export
    from ..exports.sink import DirSink, ZipSink

    spec = get_format(fmt)
    if target.suffix.lower() == ".zip" or (not spec.multi_file and not target.is_dir()):
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        try:
            with open(part, "wb") as fh:
                if target.suffix.lower() == ".zip":
                    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as z:
                        write_export(view, fmt, ZipSink(z), exporter)
                else:
                    write_export(view, fmt, OneFileSink(fh), exporter)
            part.replace(target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return [target]
    sink = DirSink(target)
    target.mkdir(parents=True, exist_ok=True)
    write_export(view, fmt, sink, exporter)
    return sink.written


def register(app: typer.Typer) -> None:
    """Add ``export`` and the ``package`` group to the main app."""

    @app.command("export")
    @handle_errors
    def export(
        fmt: FormatOpt,
        output: Annotated[Path, typer.Option("-o", "--output", help="File (single-file formats) or folder / .zip")],
        profile: ProfileOpt = "internal",
        ids: IdsOpt = None,
        ego: EgoOpt = None,
        hops: HopsOpt = 1,
        path: PathOpt = None,
        min_grade: GradeOpt = None,
        as_of: AsOfOpt = None,
        exporter: ExporterOpt = "compoundgraph export",
    ) -> None:
        """Export the graph (or a query's subgraph, or listed ids) in one format, redacted for a profile."""
        from ..exports.service import open_view

        with (
            open_store(init=False) as store,
            open_view(store, profile, _ids(ids), _query(ego, hops, path, min_grade, as_of)) as view,
        ):
            written = _write_export(view, fmt, output, exporter)
            c = view.counts()
            dropped = dict(view.dropped)
            out.print(
                f"{fmt} ({view.profile}): {c['entities']} entities, {c['claims']} claims, {c['sources']} sources "
                f"-> {', '.join(str(w) for w in written)}"
            )
        if dropped:
            out.print("redaction dropped: " + ", ".join(f"{k} {v}" for k, v in dropped.items()))

    package = typer.Typer(help="Signed task-force packages: create, verify, import, keygen.", no_args_is_help=True)
    app.add_typer(package, name="package")

    @package.command("keygen")
    @handle_errors
    def keygen(
        directory: Annotated[Path, typer.Option("--out", "-o", help="Folder for NAME.key and NAME.pub")] = Path("keys"),
        name: Annotated[str, typer.Option(help="File name stem")] = "compoundgraph",
    ) -> None:
        """Make an Ed25519 key pair (private key mode 0600; passphrase from $COMPOUNDGRAPH_PACKAGE_KEY_PASSPHRASE)."""
        from ..exports.keys import fingerprint, generate_keypair, load_public_key

        phrase = os.environ.get(PASSPHRASE_ENV)
        private, public = generate_keypair(directory, name, phrase.encode() if phrase else None)
        out.print(f"private key: {private}\npublic key:  {public}\nfingerprint: {fingerprint(load_public_key(public))}")

    @package.command("create")
    @handle_errors
    def create(
        output: Annotated[Path, typer.Option("-o", "--output", help="Package folder, or a path ending in .zip")],
        key: Annotated[Path, typer.Option("--key", help="Ed25519 private key (PEM) to sign with")],
        formats: Annotated[
            str, typer.Option("--formats", help="Comma-separated formats to include")
        ] = "ftm,stix,graphml,gexf,i2,csv",
        profile: ProfileOpt = "partner",
        ids: IdsOpt = None,
        ego: EgoOpt = None,
        hops: HopsOpt = 1,
        path: PathOpt = None,
        min_grade: GradeOpt = None,
        as_of: AsOfOpt = None,
        exporter: ExporterOpt = "compoundgraph export",
    ) -> None:
        """Write a signed package: chosen formats + compoundgraph.jsonl + manifest.json + manifest.sig."""
        from ..exports.keys import load_private_key
        from ..exports.package import create_package
        from ..exports.service import open_view

        phrase = os.environ.get(PASSPHRASE_ENV)
        private = load_private_key(key, phrase.encode() if phrase else None)
        chosen = [f.strip() for f in formats.split(",") if f.strip()]
        with (
            open_store(init=False) as store,
            open_view(store, profile, _ids(ids), _query(ego, hops, path, min_grade, as_of)) as view,
        ):
            create_package(view, output, chosen, private, exporter)
            c = view.counts()
            done = view.profile
        out.print(
            f"package {output} ({done}): {c['entities']} entities, {c['claims']} claims, "
            f"{c['sources']} sources; formats {', '.join(chosen)}"
        )

    @package.command("verify")
    @handle_errors
    def verify(
        package_path: Annotated[Path, typer.Argument(help="Package folder or zip")],
        public_key: Annotated[
            Path | None,
            typer.Option(
                "--public-key", "-k", help="Trusted public key (PEM); default: the trust store's key for the signer"
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
    ) -> None:
        """Check the signature and every file (changed, added, removed); exit 1 when anything is wrong."""
        from ..exports.package import verify_package

        v = verify_package(package_path, public_key)
        if as_json:
            sys.stdout.write(
                json.dumps(
                    {
                        "ok": v.ok,
                        "signature_ok": v.signature_ok,
                        "changed": v.changed,
                        "added": v.added,
                        "removed": v.removed,
                        "problems": v.problems,
                    }
                )
                + "\n"
            )
        else:
            (out if v.ok else err).print(("[green]OK[/] " if v.ok else "[bold red]FAILED[/] ") + v.summary())
        if not v.ok:
            raise typer.Exit(1)

    @package.command("import")
    @handle_errors
    def import_(
        package_path: Annotated[Path, typer.Argument(help="Package folder or zip")],
        public_key: Annotated[
            Path | None,
            typer.Option(
                "--public-key", "-k", help="Trusted public key (PEM); default: the trust store's key for the signer"
            ),
        ] = None,
        accept_fingerprint: Annotated[
            str | None,
            typer.Option(
                "--accept-fingerprint",
                help="Accept a signer not in the trust store: its key's fingerprint, "
                "checked with the sender (the key is then added to the trust store)",
            ),
        ] = None,
    ) -> None:
        """Verify a partner's package and load it, keeping their sources as their sources.

        The signer must be in the trust store (`package trust add`) unless --public-key or
        --accept-fingerprint says otherwise; a package older than the newest one imported from the same
        signer is refused as a replay."""
        from ..exports.package import import_package

        with open_store() as store:
            s = import_package(store, package_path, public_key, accept_fingerprint=accept_fingerprint)
        out.print(
            f"imported {s.sources} sources, {s.entities} entities, {s.claims} claims: "
            f"{s.created} created, {s.updated} updated, {s.unchanged} unchanged"
        )

    trust = typer.Typer(help="The trust store of partners' package-signing public keys.", no_args_is_help=True)
    package.add_typer(trust, name="trust")

    @trust.command("add")
    @handle_errors
    def trust_add(
        public_key: Annotated[Path, typer.Argument(help="The partner's public key (PEM), e.g. agency.pub")],
        name: Annotated[str, typer.Option("--name", help="Who the key belongs to")],
    ) -> None:
        """Trust a partner's signing key (check its fingerprint with the partner over another channel)."""
        from ..exports.trust import TrustStore

        store = TrustStore()
        s = store.add(public_key, name)
        out.print(f"trusted {s.name}: fingerprint {s.fingerprint} ({store.path})")

    @trust.command("list")
    @handle_errors
    def trust_list() -> None:
        """The trusted signers: fingerprint, name, when added."""
        from ..exports.trust import TrustStore

        signers = TrustStore().list()
        for s in signers:
            out.print(f"{s.fingerprint}  {s.added}  {s.name}", soft_wrap=True)
        if not signers:
            out.print("no trusted signers")

    @trust.command("remove")
    @handle_errors
    def trust_remove(fingerprint: Annotated[str, typer.Argument(help="The signer's key fingerprint")]) -> None:
        """Stop trusting a signer: its packages are refused from now on."""
        from ..exports.trust import TrustStore

        s = TrustStore().remove(fingerprint)
        out.print(f"removed {s.name} ({s.fingerprint})")
