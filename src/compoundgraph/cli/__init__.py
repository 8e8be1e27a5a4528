"""The ``compoundgraph`` command. Each command group lives in its own module and registers here."""

from __future__ import annotations

from .main import app

__all__ = ["app"]
