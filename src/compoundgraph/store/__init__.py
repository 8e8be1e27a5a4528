"""Stores: the contract, and :func:`open_store` that picks one from the settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import StoreUnavailable
from ..settings import Settings, get_settings
from .base import (
    ClaimFilter,
    EgoNetwork,
    EntityDetail,
    GraphColumns,
    GraphStore,
    Node,
    Path,
    SearchHit,
    Writer,
    WriteSummary,
)
from .embedded import EmbeddedStore

__all__ = [
    "GraphStore",
    "Writer",
    "WriteSummary",
    "ClaimFilter",
    "EgoNetwork",
    "EntityDetail",
    "GraphColumns",
    "Node",
    "Path",
    "SearchHit",
    "EmbeddedStore",
    "open_store",
    "make_driver",
]


def make_driver(settings: Settings):  # type: ignore[no-untyped-def]
    """The one driver of a process (the caller closes it)."""
    from neo4j import GraphDatabase

    password = settings.neo4j_password.get_secret_value()
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, password),
        max_connection_pool_size=64,
        connection_acquisition_timeout=30,
        notifications_min_severity="OFF",
    )


@contextmanager
def open_store(settings: Settings | None = None, *, init: bool = True) -> Iterator[GraphStore]:
    """Open the configured store (Neo4j when a URI is set, else embedded) and close it afterwards."""
    settings = settings or get_settings()
    if not settings.neo4j_uri:
        store: GraphStore = EmbeddedStore(settings.embedded_path, settings.batch_size, settings.supernode_threshold)
        try:
            yield store
        finally:
            store.close()
        return
    from neo4j.exceptions import AuthError, ServiceUnavailable

    from .neo4j import Neo4jStore

    driver = make_driver(settings)
    try:
        try:
            neo = Neo4jStore(
                driver,
                settings.neo4j_database,
                settings.batch_size,
                settings.supernode_threshold,
                uri=settings.neo4j_uri,
            )
            if init:
                neo.init_schema()
        except (ServiceUnavailable, AuthError, OSError) as exc:
            raise StoreUnavailable(f"cannot use Neo4j at {settings.neo4j_uri}: {exc}") from exc
        yield neo
    finally:
        driver.close()
