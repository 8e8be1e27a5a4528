"""Exports and sharing between agencies: standard formats, redaction, signed task-force packages.

``selection`` picks what leaves into a ``spool`` (a temporary file, so exports take constant memory),
``redaction`` decides what may, one module per format writes it file by file into a ``sink`` (``ftm``,
``stix``, ``graphml``, ``gexf``, ``i2``, ``cytoscape``, ``csv_plain``, ``neo4j_admin``, ``jsonl``),
``grading`` translates grades, ``package`` signs, verifies and imports packages, ``service`` is the entry
point for the API and the CLI. See ``docs/exports.md``.
"""

from __future__ import annotations

from .formats import FORMATS, get_format, render, write_format
from .package import create_package, import_package, is_package, verify_package
from .redaction import PROFILES, redact, redact_spooled
from .selection import ExportView, open_selection, select
from .service import build_view, export_bytes, export_to_file, open_view
from .spool import SpooledView

__all__ = [
    "FORMATS",
    "PROFILES",
    "ExportView",
    "SpooledView",
    "build_view",
    "create_package",
    "export_bytes",
    "export_to_file",
    "get_format",
    "import_package",
    "is_package",
    "open_selection",
    "open_view",
    "redact",
    "redact_spooled",
    "render",
    "select",
    "verify_package",
    "write_format",
]
