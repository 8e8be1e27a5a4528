"""Data files read at run time, found with :mod:`importlib.resources`.

The queries (``cypher/``) and the chain-export mappings (``ingest/mappings/``) live at the top of the
repository, where people read and edit them; the wheel carries them inside the package
(``compoundgraph/cypher``, ``compoundgraph/ingest/mappings``; see ``pyproject.toml``), so an installed copy
(``pip install``, the Docker image) finds them next to its code. A development checkout installed in
editable mode has no such copy inside ``src/``: there the repository's own folder is used.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import CompoundGraphError

__all__ = ["data_dir", "cypher_dir", "mappings_dir"]

_CHECKOUT = Path(__file__).resolve().parents[2]  # src/compoundgraph/ -> the repository (editable installs)


def data_dir(package: str, name: str, checkout: str) -> Traversable:
    """Folder ``name`` shipped in ``package``, else ``checkout`` (relative to the repository root)."""
    shipped = resources.files(package).joinpath(name)
    if shipped.is_dir():
        return shipped
    local = _CHECKOUT / checkout
    if local.is_dir():
        return local
    raise CompoundGraphError(f"the {checkout}/ folder is missing from this installation of compoundgraph")


def cypher_dir() -> Traversable:
    return data_dir("compoundgraph", "cypher", "cypher")


def mappings_dir() -> Traversable:
    return data_dir("compoundgraph.ingest", "mappings", "ingest/mappings")
