"""Cypher lives in ``cypher/<area>/<verb_noun>.cypher`` and is loaded by name.

Values always travel as ``$parameters``. The only things formatted into query text are a label
(``__LABEL__``) or a relationship type (``__REL_TYPE__``), and only after the ontology accepts them, and the
claim filter (``__CLAIM_FILTER__``), one fragment in ``cypher/fragments/claim_filter.cypher`` shared by every
query that filters claims.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import CompoundGraphError
from ..ontology import ontology

__all__ = ["cypher", "statements", "CYPHER_DIR"]


def _find_dir() -> Path:
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "cypher", here.parents[3] / "cypher"):
        if candidate.is_dir():
            return candidate
    raise CompoundGraphError("the cypher/ folder is missing from this installation")


CYPHER_DIR = _find_dir()


@cache
def _read(name: str) -> str:
    path = (CYPHER_DIR / f"{name}.cypher").resolve()
    if CYPHER_DIR not in path.parents:
        raise CompoundGraphError(f"bad query name {name!r}")
    return path.read_text(encoding="utf-8")


def cypher(name: str, *, label: str | None = None, rel_type: str | None = None) -> str:
    """The text of query ``name`` with an allow-listed label or relationship type formatted in."""
    text = _read(name)
    if "__CLAIM_FILTER__" in text:
        fragment = "\n".join(ln for ln in _read("fragments/claim_filter").splitlines() if not ln.startswith("//"))
        text = text.replace("__CLAIM_FILTER__", "(" + fragment + ")")
    if "__LABEL__" in text:
        if label is None:
            raise CompoundGraphError(f"query {name} needs a label")
        text = text.replace("__LABEL__", ontology().node_label(label))
    if "__REL_TYPE__" in text:
        if rel_type is None:
            raise CompoundGraphError(f"query {name} needs a relationship type")
        text = text.replace("__REL_TYPE__", ontology().rel(rel_type))
    return text


def statements(name: str, **kw: str) -> list[str]:
    """Split a multi-statement file (schema steps) on ``;`` at line ends; ``//`` comments dropped."""
    text = cypher(name, **kw)
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("//")]
    parts = (s.strip().rstrip(";").strip() for s in "\n".join(lines).split(";\n"))
    return [p for p in parts if p]
