"""One settings object, read from the environment (prefix ``COMPOUNDGRAPH_``) and an optional ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]

_DEFAULT_PASSWORD = "changeme-local-only"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPOUNDGRAPH_", env_file=".env", extra="ignore")

    # "development" allows the default Neo4j password and key-less loopback serving; anything else refuses.
    environment: str = Field(default="development", description="development | production")
    # Bolt URI of a Neo4j server (bolt://, neo4j://, neo4j+s://). Empty: use the embedded store.
    neo4j_uri: str = Field(default="", description="Neo4j Bolt URI; empty means the embedded store")
    # Neo4j user; ignored when the server runs without auth (the local launcher's default).
    neo4j_user: str = "neo4j"
    # Neo4j password; the default is refused outside development.
    neo4j_password: SecretStr = SecretStr(_DEFAULT_PASSWORD)
    # Neo4j database name (Community edition has one: neo4j).
    neo4j_database: str = "neo4j"
    # The embedded store's SQLite file.
    embedded_path: Path = Path("data/compoundgraph.sqlite")
    # Trusted package signers (``compoundgraph package trust``); empty: ``trusted-signers.json`` beside
    # the embedded store.
    trust_store_path: Path | None = None
    # The key that seals saved investigations' charts and notes at rest; empty: ``investigations.key`` beside
    # the embedded store (made on first use, mode 0600). Keep it apart from the database, and backed up.
    investigations_key_path: Path | None = None
    # Records per write transaction (UNWIND batch size).
    batch_size: int = Field(default=5_000, ge=1, le=100_000)
    # A neighbour with more neighbours than this is shown but not expanded in ego networks.
    supernode_threshold: int = Field(default=100, ge=1)
    # Partner outputs count victim cases per compound, nationality and period; a count below this is never
    # shown: such cells are combined into one row whose count reads "<N" while it is itself below N.
    partner_min_cell: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _no_default_secrets(self) -> Settings:
        if (
            self.environment != "development"
            and self.neo4j_uri
            and (self.neo4j_password.get_secret_value() == _DEFAULT_PASSWORD)
        ):
            raise ValueError("COMPOUNDGRAPH_NEO4J_PASSWORD must be set outside development")
        return self

    @property
    def store_kind(self) -> str:
        return "neo4j" if self.neo4j_uri else "embedded"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
