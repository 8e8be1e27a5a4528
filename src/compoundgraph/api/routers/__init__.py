"""One router per resource; :data:`ROUTERS` is what ``create_app`` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    analytics,
    cypher,
    entities,
    exports,
    flows,
    funnel,
    health,
    ingest,
    investigations,
    me,
    ontology,
    review,
    screen,
    search,
    subgraph,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    me.router,
    ontology.router,
    entities.router,
    search.router,
    subgraph.router,
    analytics.router,
    flows.router,
    cypher.router,
    ingest.router,
    exports.router,
    screen.router,
    investigations.router,
    review.router,
    funnel.router,
)
