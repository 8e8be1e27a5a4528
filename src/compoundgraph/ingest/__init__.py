"""Ingest: spreadsheets, FollowTheMoney, chain exports and free-text reports into the graph.

One module per format (``spreadsheet``, ``ftm``, ``chain``, ``text``), shared checks (``addresses``,
``identifiers``, ``gazetteer``, ``fields``), the runner (``pipeline``), the run summary (``summary``) and
identity resolution (``resolve``).
"""

from .base import Options, Reject
from .pipeline import FORMATS, detect_format, ingest
from .summary import IngestSummary

__all__ = ["FORMATS", "IngestSummary", "Options", "Reject", "detect_format", "ingest"]
