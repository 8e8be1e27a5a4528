"""The built wheel, installed into a fresh virtual environment, finds everything it reads at run time.

The wheel is built from this checkout (``pip wheel``, the same command the Dockerfile runs), installed with
``pip`` into a new venv outside the repository, and then used from a folder outside it too: it must
recognise and ingest a TRC20 export (the chain mappings) and run Cypher-backed commands against the real
Neo4j (the queries). The wheel's third-party dependencies are taken from the test environment's
site-packages (a ``.pth`` line) rather than downloaded and compiled again; ``compoundgraph`` itself comes
only from the wheel, which the test checks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.support.neo4j import make_neo4j_store, neo4j_uri
from tests.support.world import INGEST, ROOT

TRC20 = INGEST / "trc20_transfers.csv"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (built,) = out.glob("compoundgraph-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a new venv with the wheel installed (and the test environment's dependencies visible)."""
    env_dir = tmp_path_factory.mktemp("venv") / "fresh"
    venv.EnvBuilder(with_pip=True, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    proc = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # dependencies only: a plain path line, so the test env's own .pth files (its editable compoundgraph)
    # are not processed
    (Path(site) / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir / "bin"


def _run(fresh: Path, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COMPOUNDGRAPH_") and k != "PYTHONPATH"}
    return subprocess.run(
        [str(fresh / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env={**clean, "COLUMNS": "200", **env},
    )


def test_the_wheel_carries_the_queries_and_the_chain_mappings(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "compoundgraph/ingest/mappings/trc20.yaml" in names
    assert "compoundgraph/cypher/read/count_label.cypher" in names
    assert "compoundgraph/ontology/schema.yaml" in names
    assert {p.relative_to(ROOT).as_posix() for p in (ROOT / "cypher").rglob("*.cypher")} == {
        n.removeprefix("compoundgraph/") for n in names if n.endswith(".cypher")
    }


def test_an_installed_copy_ingests_a_trc20_export(fresh: Path, tmp_path: Path) -> None:
    where = _run(
        fresh,
        [
            "python",
            "-c",
            "import compoundgraph.resources as r, compoundgraph;"
            "print(compoundgraph.__file__); print(r.mappings_dir()); print(r.cypher_dir())",
        ],
        tmp_path,
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert line.startswith(str(fresh.parent)), f"not from the installed wheel: {line}"
    store = {"COMPOUNDGRAPH_NEO4J_URI": "", "COMPOUNDGRAPH_EMBEDDED_PATH": str(tmp_path / "store.sqlite")}
    for extra in (["--mapping", "trc20"], []):  # named, and recognised from the header
        proc = _run(
            fresh,
            [
                "compoundgraph",
                "ingest",
                str(TRC20),
                *extra,
                "--source-grade",
                "A1",
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            tmp_path,
            **store,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    status = _run(fresh, ["compoundgraph", "status"], tmp_path, **store)
    assert status.returncode == 0, status.stderr
    assert "TRANSFERRED" in status.stdout and "Wallet" in status.stdout


def test_an_installed_copy_runs_cypher_against_neo4j(fresh: Path, tmp_path: Path, neo4j_driver: object) -> None:
    make_neo4j_store(neo4j_driver)  # empties compoundgraph's nodes (the tests' own server)
    env = {
        "COMPOUNDGRAPH_NEO4J_URI": neo4j_uri(),
        "COMPOUNDGRAPH_NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", "neo4j"),
    }
    ingest = _run(
        fresh,
        [
            "compoundgraph",
            "ingest",
            str(TRC20),
            "--mapping",
            "trc20",
            "--source-grade",
            "A1",
            "--no-resolve",
            "--report-dir",
            str(tmp_path / "reports"),
        ],
        tmp_path,
        **env,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    status = _run(fresh, ["compoundgraph", "status"], tmp_path, **env)
    assert status.returncode == 0, status.stderr
    records, _, _ = neo4j_driver.execute_query(  # type: ignore[attr-defined]
        "MATCH (:Wallet)-[t:TRANSFERRED]->(:Wallet) RETURN count(t) AS n"
    )
    n = records[0]["n"]
    assert n > 0 and re.search(rf"TRANSFERRED\s*│\s*{n}\s*│", status.stdout), status.stdout
