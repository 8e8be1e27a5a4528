"""First loads of a large graph through Neo4j's offline importer (``neo4j-admin database import full``).

``compoundgraph load --bulk`` and ``compoundgraph ingest --bulk`` run the very functions the transactional
commands run (:func:`~compoundgraph.loader.load_jsonl`, :func:`~compoundgraph.ingest.ingest`: the same
readers, checks, ids and rejects file) against a Neo4j store whose ``writer()`` fills the importer's CSV
files (:mod:`.writer`) instead of sending transactions. Then the importer replaces the (empty) database
with those files, the server comes back, and the schema step creates the constraints, indexes and
full-text index and waits until they are online. A database that holds anything is refused before any
file is written: the offline importer is for first loads, later loads go through the transactional writer.
"""

from __future__ import annotations

import gc
import shlex
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from neo4j import Driver

from ..errors import InvalidInput
from ..loader import read_jsonl
from ..memory import gc_paused
from ..settings import Settings, get_settings
from ..store import open_store
from ..store.base import GraphStore, Writer, WriteSummary
from ..store.cypher import cypher
from ..store.neo4j import Neo4jStore
from .importer import Launcher, import_command
from .writer import BulkSink, SinkWriter

__all__ = ["BulkRun", "run_bulk", "node_count", "load_jsonl_bulk"]

T = TypeVar("T")
DOCKER_IMPORT = "/import"  # where docker-compose.yml's neo4j-import service mounts the --bulk-dir folder
_GC_EVERY = 200_000  # records between collections of the young generations while a load runs


@dataclass
class BulkRun:
    """What a bulk run did and how long each step took (seconds)."""

    directory: Path
    importer_args: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    superseded_claims: int = 0
    prepare_seconds: float = 0.0  # reading, checking and writing the CSV files
    import_seconds: float = 0.0  # the importer alone
    restart_seconds: float = 0.0  # stopping and starting the server
    schema_seconds: float = 0.0  # constraints, indexes, full-text index online
    imported: bool = False

    @property
    def seconds(self) -> float:
        return self.prepare_seconds + self.import_seconds + self.restart_seconds + self.schema_seconds


class _StagingStore(Neo4jStore):
    """The Neo4j store, read as usual, whose writers fill the run's CSV files."""

    def __init__(self, driver: Driver, database: str, sink: BulkSink, batch_size: int, uri: str) -> None:
        super().__init__(driver, database, batch_size, uri=uri)
        self.sink = sink

    def writer(self, batch_size: int | None = None) -> Writer:
        return SinkWriter(self.sink, batch_size or self.batch_size)


def load_jsonl_bulk(store: GraphStore, paths: Iterable[Path]) -> WriteSummary:
    """:func:`~compoundgraph.loader.load_jsonl` for a bulk run, in one pass: the same reader and checks,
    but nothing needs to be read twice, since nothing reaches the database before every file was read
    (a reference to an id of a later line or file is checked at the end).

    The cyclic collector is paused, as in ``ingest``'s loop: each pending batch holds some 20,000 container
    objects, and at its default pace the collector walked them all again every few hundred records (about a
    sixth of this step's time) to find nothing; records form no cycles, and the young generations are still
    collected every ``_GC_EVERY`` records."""
    with store.writer() as writer, gc_paused():
        for path in paths:
            for n, record in enumerate(read_jsonl(path), 1):
                writer.add(record)
                if n % _GC_EVERY == 0:
                    gc.collect(1)
    return writer.summary


def _write_args(path: Path, args: list[str]) -> None:
    """An argument file for ``neo4j-admin @FILE``: one argument a line, quoted."""
    path.write_text("".join('"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"\n' for a in args), encoding="utf-8")


def node_count(store: Neo4jStore) -> int:
    return int(store._read(cypher("read/count_nodes"))[0]["n"])


def _refuse_non_empty(store: Neo4jStore) -> None:
    n = node_count(store)
    if n:
        raise InvalidInput(
            f"the Neo4j database {store.database!r} at {store.uri} holds {n:,} nodes; --bulk loads only into an "
            "empty database (Neo4j's offline importer replaces it whole). Load without --bulk to add to it, or "
            "empty it first with `compoundgraph init --reset`"
        )


def run_bulk(
    stage: Callable[[GraphStore], T],
    directory: Path,
    settings: Settings | None = None,
    *,
    home: Path | None = None,
    prepare_only: bool = False,
    keep_files: bool = False,
    threads: int | None = None,
    memory: str | None = None,
) -> tuple[T, BulkRun]:
    """Run ``stage(store)`` (a load or an ingest) into CSV files in ``directory``, import them, start the
    server again and create the schema. ``prepare_only`` stops after the files (and ``import.sh``)."""
    settings = settings or get_settings()
    if not settings.neo4j_uri:
        raise InvalidInput(
            "--bulk loads a Neo4j database with Neo4j's importer; set COMPOUNDGRAPH_NEO4J_URI "
            "(the embedded store loads without --bulk)"
        )
    if directory.exists() and any(directory.iterdir()):
        raise InvalidInput(f"{directory} is not empty; --bulk-dir wants a new or empty folder")
    run = BulkRun(directory)
    started = time.perf_counter()
    with open_store(settings, init=False) as store:
        assert isinstance(store, Neo4jStore)
        _refuse_non_empty(store)
        launcher = None if prepare_only else Launcher.for_uri(settings.neo4j_uri, home)
        directory.mkdir(parents=True, exist_ok=True)
        sink = BulkSink(directory)
        try:
            staging = _StagingStore(store.driver, store.database, sink, settings.batch_size, settings.neo4j_uri)
            result = stage(staging)
            file_args, multiline = sink.finish()
        except BaseException:
            sink.discard()
            if not keep_files:
                shutil.rmtree(directory, ignore_errors=True)
            raise
        run.created, run.updated, run.superseded_claims = sink.created, sink.updated, sink.superseded
        run.importer_args = import_command(
            store.database, file_args, multiline, directory.resolve() / "import.report", threads, memory
        )
        _write_args(directory / "import.args", run.importer_args)
        root = str(directory.resolve())
        _write_args(directory / "docker.args", [a.replace(root, DOCKER_IMPORT) for a in run.importer_args])
        (directory / "import.sh").write_text(
            "#!/bin/sh\n# Import these files into an EMPTY Neo4j database with the server stopped, then start it\n"
            "# and run `compoundgraph init`. NEO4J_ADMIN names neo4j-admin (default: the one on PATH).\n"
            'set -e\n"${NEO4J_ADMIN:-neo4j-admin}" ' + " ".join(shlex.quote(a) for a in run.importer_args) + ' "$@"\n',
            encoding="utf-8",
        )
        run.prepare_seconds = time.perf_counter() - started
        if launcher is None:
            return result, run
        _refuse_non_empty(store)  # nothing was written meanwhile
    t = time.perf_counter()
    launcher.stop()
    try:
        run.import_seconds = launcher.run_import((directory / "import.args").resolve(), directory / "import.log")
    finally:
        launcher.start()
    run.restart_seconds = time.perf_counter() - t - run.import_seconds
    run.imported = True
    t = time.perf_counter()
    with open_store(settings, init=True):
        pass
    run.schema_seconds = time.perf_counter() - t
    if not keep_files:
        shutil.rmtree(directory / "csv", ignore_errors=True)
        (directory / "scratch.sqlite").unlink(missing_ok=True)
    return result, run
