"""Screening: wallets, names and identifiers checked against the graph's sanctioned and known actors."""

from __future__ import annotations

from .engine import Distance, EventLink, Hit, Options, Policy, RowResult, Screening, screen
from .inputs import Batch, ScreenRow, from_records, read_file

__all__ = [
    "Batch",
    "Distance",
    "Hit",
    "Options",
    "Policy",
    "RowResult",
    "EventLink",
    "ScreenRow",
    "Screening",
    "from_records",
    "read_file",
    "screen",
]
