"""docker-compose.yml and the Dockerfile stay consistent with the settings (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from compoundgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


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
