"""Exports and sharing between agencies: standard formats, redaction, signed task-force packages.

``selection`` picks what leaves, ``redaction`` decides what may, one module per format renders it
(``ftm``, ``stix``, ``graphml``, ``gexf``, ``i2``, ``cytoscape``, ``csv_plain``, ``neo4j_admin``,
``jsonl``), ``grading`` translates grades, ``package`` signs, verifies and imports packages, ``service``
is the entry point for the API. See ``docs/exports.md``.
"""

from __future__ import annotations

from .formats import FORMATS, get_format, render
from .package import create_package, import_package, is_package, verify_package
from .redaction import PROFILES, redact
from .selection import ExportView, select
from .service import build_view, export_bytes

__all__ = [
    "FORMATS",
    "PROFILES",
    "ExportView",
    "build_view",
    "create_package",
    "export_bytes",
    "get_format",
    "import_package",
    "is_package",
    "redact",
    "render",
    "select",
    "verify_package",
]
