"""Cypher lives in ``cypher/<area>/<verb_noun>.cypher`` and is loaded by name.

Values always travel as ``$parameters``. The only things formatted into query text are a label
(``__LABEL__``) or a relationship type (``__REL_TYPE__``), and only after the ontology accepts them, the
claim filter (``__CLAIM_FILTER__``), one fragment in ``cypher/fragments/claim_filter.cypher`` shared by every
query that filters claims, and one ring of the ego walk (``__EGO_RING__``, ``cypher/fragments/ego_ring.cypher``),
which the walk repeats once per hop.
"""

from __future__ import annotations

import re
from functools import cache

from ..errors import CompoundGraphError
from ..ontology import ontology
from ..resources import cypher_dir

__all__ = ["cypher", "statements", "CYPHER_DIR"]


CYPHER_DIR = cypher_dir()  # shipped in the package (importlib.resources), or the checkout's cypher/
_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)+$")


@cache
def _read(name: str) -> str:
    if not _NAME.match(name):  # <area>/<verb_noun>: never a path that leaves the folder
        raise CompoundGraphError(f"bad query name {name!r}")
    path = CYPHER_DIR.joinpath(*name.split("/")[:-1], name.split("/")[-1] + ".cypher")
    if not path.is_file():
        raise CompoundGraphError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


def cypher(name: str, *, label: str | None = None, rel_type: str | None = None, stance: bool = True) -> str:
    """The text of query ``name`` with an allow-listed label or relationship type formatted in; ``stance``
    False leaves the claim filter's stance part out (``ClaimFilter.uses_stance``: no stance, no link)."""
    text = _read(name)
    if "__EGO_RING__" in text:
        text = text.replace("__EGO_RING__", _fragment("ego_ring"))
    if "__CLAIM_FILTER__" in text:
        text = text.replace("__CLAIM_FILTER__", _claim_filter(stance))
    if "__LABEL__" in text:
        if label is None:
            raise CompoundGraphError(f"query {name} needs a label")
        text = text.replace("__LABEL__", ontology().node_label(label))
    if "__REL_TYPE__" in text:
        if rel_type is None:
            raise CompoundGraphError(f"query {name} needs a relationship type")
        text = text.replace("__REL_TYPE__", ontology().rel(rel_type))
    return text


def _fragment(name: str) -> str:
    """A fragment's text without its ``//`` comment lines."""
    return "\n".join(ln for ln in _read(f"fragments/{name}").splitlines() if not ln.lstrip().startswith("//"))


@cache
def _claim_filter(stance: bool) -> str:
    """The claim filter on ``r`` (between ``a`` and ``b``) and, with ``stance``, its stance part, whose sibling
    claims ``r2`` pass the same filter (the fragment with ``r`` renamed). Without a stance or link asked
    for, the part is left out of the text: behind ``$link IS NULL`` Neo4j still planned its subqueries and
    read every claim's stance (six to ten times the db hits of a 2-hop ego)."""
    base = _fragment("claim_filter")
    if not stance:
        return f"({base})"
    siblings = re.sub(r"\br\b", "r2", base)
    part = _fragment("claim_stance").replace("__SIBLING_FILTER__", "(" + siblings + ")")
    return f"(({base}) AND ({part}))"


def statements(name: str, *, label: str | None = None, rel_type: str | None = None) -> list[str]:
    """Split a multi-statement file (schema steps) on ``;`` at line ends; ``//`` comments dropped."""
    text = cypher(name, label=label, rel_type=rel_type)
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("//")]
    parts = (s.strip().rstrip(";").strip() for s in "\n".join(lines).split(";\n"))
    return [p for p in parts if p]
