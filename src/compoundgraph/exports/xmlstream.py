"""Incremental XML for the GraphML and GEXF writers: a small skeleton document (root, declarations,
containers) is built with ElementTree, and the many elements inside its containers (nodes, edges) are
serialised one at a time into the file, with the same escaping and indentation networkx's writers use
(``indent`` below is theirs), so the streamed file has the bytes the whole-document writers gave.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import IO

__all__ = ["indent", "slot", "write_document", "DECLARATION"]

DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
_SLOT = "compoundgraph-slot"


def indent(elem: ET.Element, level: int = 0) -> None:
    """Pretty-print indentation, two spaces a level (networkx's GraphML and GEXF writers' rule)."""
    i = "\n" + level * "  "
    if len(elem):
        if not elem.text or not elem.text.strip():
            elem.text = i + "  "
        if not elem.tail or not elem.tail.strip():
            elem.tail = i
        child = elem
        for child in elem:
            indent(child, level + 1)
        if not child.tail or not child.tail.strip():
            child.tail = i
    elif level and (not elem.tail or not elem.tail.strip()):
        elem.tail = i


def slot(parent: ET.Element, n: int) -> ET.Element:
    """A placeholder, appended to ``parent``, where streamed elements will go."""
    return ET.SubElement(parent, _SLOT, n=str(n))


def write_document(fh: IO[bytes], root: ET.Element, slots: Sequence[tuple[int, Iterable[ET.Element]]]) -> None:
    """Write ``root`` with the elements of slot ``n`` (``slots[n]``: their nesting level and the elements) in
    place of its placeholders. A slot that turns out empty must not have a placeholder (the container
    would then print as ``<nodes />``): callers count first."""
    indent(root)
    text = ET.tostring(root, encoding="unicode")
    fh.write(DECLARATION.encode("utf-8"))
    rest = text
    for n, (level, elements) in enumerate(slots):
        marker = f'<{_SLOT} n="{n}" />'
        before, rest = rest.split(marker, 1)
        fh.write(before.encode("utf-8"))
        sep = ("\n" + "  " * level).encode("utf-8")
        for k, el in enumerate(elements):
            indent(el, level)
            el.tail = None
            if k:
                fh.write(sep)
            fh.write(ET.tostring(el, encoding="unicode").encode("utf-8"))
    fh.write(rest.encode("utf-8"))
