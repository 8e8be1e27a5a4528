"""docker-compose.yml and the Dockerfile stay consistent with the settings (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from compoundgraph.settings import Settings
from tests.support.world import ROOT


def test_compose_runs_neo4j_526_and_the_api() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "healthcheck" in neo4j and "healthcheck" not in api  # the API's health check is in its Dockerfile
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    named = set(compose["volumes"])
    for service in (neo4j, api):
        for volume in service["volumes"]:
            assert volume.split(":")[0] in named
    # every setting the compose file passes is a real settings field
    fields = {f"COMPOUNDGRAPH_{name.upper()}" for name in Settings.model_fields}
    assert set(api["environment"]) <= fields
    assert api["environment"]["COMPOUNDGRAPH_NEO4J_URI"] == "bolt://neo4j:7687"
    # ports only on loopback unless the user changes it
    assert all(p.startswith("127.0.0.1:") for s in (neo4j, api) for p in s["ports"])


def test_dockerfile_serves_the_api_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11", text, re.M)
    assert "HEALTHCHECK" in text and "/health" in text
    assert 'CMD ["compoundgraph", "serve"' in text
    # the image installs the wheel, built from what the package ships (queries, chain mappings)
    assert "COPY cypher" in text and "COPY ingest/mappings" in text
    assert re.search(r"^RUN pip wheel .*--no-deps", text, re.M)
    assert re.search(r"^RUN pip install .*/dist/\*\.whl", text, re.M)
    assert not re.search(r"^RUN pip install [^\n]*\s\.\s*$", text, re.M)  # not from the source tree


def _pins(lock: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from a pip-compile lock with hashes."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", line)
        if m:
            current = re.sub(r"[-_.]+", "-", m.group(1)).lower()
            pins[current] = (m.group(2), 0)
        elif current and "--hash=sha256:" in line:
            version, n = pins[current]
            pins[current] = (version, n + 1)
    return pins


def test_dependencies_are_locked_with_hashes_and_the_image_uses_the_lock() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for lock, deps in (
        ("lock.txt", project["dependencies"]),
        ("lock-dev.txt", project["dependencies"] + project["optional-dependencies"]["dev"]),
    ):
        path = ROOT / "requirements" / lock
        text = path.read_text(encoding="utf-8")
        assert "--find-links" not in text and "--index-url" not in text  # nothing machine-specific
        pins = _pins(path)
        assert pins and all(n >= 1 for _, n in pins.values()), [k for k, (_, n) in pins.items() if not n]
        for dep in deps:
            name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", dep).group()).lower()  # type: ignore[union-attr]
            assert name in pins, f"{dep} is not pinned in requirements/{lock}"
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/lock.txt" in docker and "--no-deps /dist/*.whl" in docker
    setup = (ROOT / "scripts" / "setup").read_text(encoding="utf-8")
    assert "requirements/lock-dev.txt" in setup and "--require-hashes" in setup
