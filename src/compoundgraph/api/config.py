"""The API's own settings (prefix ``COMPOUNDGRAPH_API_``): where keys and the audit log live, and limits.

Kept apart from the core :class:`~compoundgraph.settings.Settings` so the graph core does not know about
HTTP; paths default to files beside the embedded store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..settings import Settings

if TYPE_CHECKING:
    from .audit import AuditLog

__all__ = ["ApiSettings"]


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPOUNDGRAPH_API_", env_file=".env", extra="ignore")

    # JSON file of hashed API keys; empty: ``api-keys.json`` beside the embedded store file.
    keys_path: Path | None = None
    # Append-only, hash-chained audit log (JSON lines); empty: ``audit.jsonl`` beside the embedded store.
    audit_path: Path | None = None
    # The audit chain's HMAC key as hex (e.g. from a secrets manager); empty: read ``audit_key_path``.
    audit_key: SecretStr | None = None
    # File holding the audit chain's HMAC key (made on first use, mode 0600); empty: ``audit.key`` beside the
    # audit log. Keep it where whoever can write the log cannot read it.
    audit_key_path: Path | None = None
    # Serve without keys (every caller acts as ``demo_role``); honoured only for loopback clients.
    demo: bool = False
    # The role a key-less demo caller gets.
    demo_role: str = "analyst"
    # Largest JSON request body, in bytes.
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    # Largest request head (request line and headers), in bytes: bigger ones get 431 and the connection closed.
    max_header_bytes: int = Field(default=65_536, ge=8_192)
    # Largest upload to POST /ingest, in bytes.
    max_upload_bytes: int = Field(default=50_000_000, ge=1_024)
    # Largest response body, in bytes (bigger answers get 413: narrow the query).
    max_response_bytes: int = Field(default=20_000_000, ge=1_024)
    # Seconds a graph query may take before the caller gets 504.
    query_timeout_s: float = Field(default=30.0, gt=0)
    # Rows the Cypher console returns at most.
    cypher_row_cap: int = Field(default=1_000, ge=1, le=100_000)
    # Seconds a console query may run (the server aborts it).
    cypher_timeout_s: float = Field(default=10.0, gt=0)
    # Console queries running at once for one key, and for all keys together (per worker process); a query
    # the API stopped waiting for keeps its slot until the database lets go of it.
    cypher_concurrent_per_key: int = Field(default=2, ge=1)
    cypher_concurrent_total: int = Field(default=4, ge=1)
    # Requests per minute per key (0 = unlimited); bursts up to the same number.
    rate_per_minute: int = Field(default=600, ge=0)

    @field_validator("audit_key")
    @classmethod
    def _hex_key(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None:
            text = v.get_secret_value().strip()
            if len(text) < 32 or any(c not in "0123456789abcdefABCDEF" for c in text) or len(text) % 2:
                raise ValueError(
                    "COMPOUNDGRAPH_API_AUDIT_KEY must be at least 16 bytes written as hex "
                    "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
                )
        return v

    def resolved_keys_path(self, settings: Settings) -> Path:
        return self.keys_path or settings.embedded_path.parent / "api-keys.json"

    def resolved_audit_path(self, settings: Settings) -> Path:
        return self.audit_path or settings.embedded_path.parent / "audit.jsonl"

    def audit_log(self, settings: Settings) -> AuditLog:
        """The audit log with its key (from ``audit_key`` or the key file)."""
        from .audit import AuditLog

        key = bytes.fromhex(self.audit_key.get_secret_value()) if self.audit_key else None
        return AuditLog(self.resolved_audit_path(settings), self.audit_key_path, key)
