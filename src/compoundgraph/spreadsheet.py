"""The one rule for text that a spreadsheet may open: no cell may start a formula.

OWASP's advice for CSV exports ("CSV Injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written with a leading single quote, so Excel, LibreOffice, Google Sheets and
i2 show it as text instead of running it. Numbers stay numbers (a negative longitude is not a formula).
Every CSV meant for people - the ``csv`` and ``i2`` exports, victim-case counts, screening results - writes
its cells through :func:`spreadsheet_cell`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_PREFIXES", "spreadsheet_cell"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> str | int | float | bool:
    """``value`` as a spreadsheet may safely see it: text that would start a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
