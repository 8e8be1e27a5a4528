"""Run Neo4j's offline importer on a server the project's launcher (``scripts/neo4j-local``) runs.

``neo4j-admin database import full`` writes the database files directly, so the server must not have them
open: the launcher stops the server, runs the importer of the server's own build on its data folder
(``scripts/neo4j-local admin``), and starts it again. With Docker the same three steps are
``docker compose stop neo4j``, the ``neo4j-import`` service of ``docker-compose.yml`` and
``docker compose start neo4j`` (see docs/bulk-loading.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..errors import InvalidInput, StoreUnavailable
from .csvfiles import ARRAY_DELIMITER

__all__ = ["Launcher", "import_command", "find_launcher"]


def find_launcher() -> Path:
    """``COMPOUNDGRAPH_NEO4J_LAUNCHER``, else ``scripts/neo4j-local`` of the checkout this package runs
    from, else of the current folder."""
    named = os.environ.get("COMPOUNDGRAPH_NEO4J_LAUNCHER")
    candidates = (
        [Path(named)]
        if named
        else [Path(__file__).resolve().parents[3] / "scripts" / "neo4j-local", Path.cwd() / "scripts" / "neo4j-local"]
    )
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    raise InvalidInput(
        "--bulk runs Neo4j's importer through the project's launcher, scripts/neo4j-local, "
        "which is not here; set COMPOUNDGRAPH_NEO4J_LAUNCHER, or write the files with "
        "--prepare-only and run the importer yourself (docs/bulk-loading.md)"
    )


def import_command(
    database: str,
    file_args: list[str],
    multiline: list[str],
    report: Path,
    threads: int | None = None,
    memory: str | None = None,
) -> list[str]:
    """The ``neo4j-admin`` arguments that import the prepared files into ``database`` (replacing it)."""
    cmd = [
        "database",
        "import",
        "full",
        database,
        "--overwrite-destination=true",
        "--id-type=string",
        f"--report-file={report}",
        f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
        "--ignore-empty-strings=false",
        "--bad-tolerance=0",
        "--strict=true",
    ]
    if multiline:
        # all files read as possibly multi-line: the per-file form (--multiline-fields-format=v2 with a list of
        # files) misreads some valid files of Neo4j 5.26 ("found CR outside a text cell" where there is none)
        cmd.append("--multiline-fields=true")
    if threads:
        cmd.append(f"--threads={threads}")
    if memory:
        cmd.append(f"--max-off-heap-memory={memory}")
    return cmd + file_args


@dataclass
class Launcher:
    """The launcher's server on ``port`` serving the Neo4j home ``home``."""

    script: Path
    port: int
    home: Path

    @classmethod
    def for_uri(cls, uri: str, home: Path | None = None) -> Launcher:
        """The launcher server behind a ``bolt://127.0.0.1:PORT`` URI; its data folder from ``status``
        unless given."""
        parsed = urlparse(uri)
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise InvalidInput(
                f"--bulk stops and starts the Neo4j server, so it must be the launcher's on "
                f"this machine; {uri} is not (use --prepare-only and run the importer there)"
            )
        script = find_launcher()
        port = parsed.port or 7687
        if home is None:
            out = cls._run(script, "status", "--port", str(port), check=False)
            found = re.search(r"data: (\S+)", out)
            if not found:
                raise InvalidInput(
                    f"no launcher server answers on port {port} ({out.strip()[-200:]}); start it "
                    f"with scripts/neo4j-local start --port {port}, or pass --neo4j-home"
                )
            home = Path(found.group(1))
        return cls(script, port, home)

    @staticmethod
    def _run(script: Path, *args: str, check: bool = True, timeout: int = 900) -> str:
        proc = subprocess.run([str(script), *args], capture_output=True, text=True, timeout=timeout)
        out = proc.stdout + proc.stderr
        if check and proc.returncode != 0:
            raise StoreUnavailable(f"scripts/neo4j-local {args[0]} failed:\n{out[-3000:]}")
        return out

    def stop(self) -> None:
        self._run(self.script, "stop", "--port", str(self.port))

    def start(self) -> None:
        self._run(self.script, "start", "--port", str(self.port), "--data", str(self.home))

    def run_import(self, args_file: Path, log: Path) -> float:
        """Run the importer with the arguments in ``args_file``; its output goes to ``log``; seconds taken.
        Raises with the tail of the log."""
        started = time.perf_counter()
        with log.open("w", encoding="utf-8") as out:
            proc = subprocess.run(
                [str(self.script), "admin", "--data", str(self.home), "--", f"@{args_file}"],
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=6 * 3600,
            )
        took = time.perf_counter() - started
        text = log.read_text(encoding="utf-8", errors="replace")
        if proc.returncode != 0 or "IMPORT DONE" not in text:
            raise StoreUnavailable(
                f"neo4j-admin database import failed (exit {proc.returncode}; full output in {log}):\n{text[-3000:]}"
            )
        return took
