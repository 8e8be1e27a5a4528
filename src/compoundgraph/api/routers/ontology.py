"""``GET /ontology``: labels, relationship types and the pairs they join, handling codes (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...ontology import ontology as the_ontology

router = APIRouter(tags=["ontology"])


@router.get("/ontology")
async def ontology() -> dict[str, Any]:
    """The ontology as data: what the chart legend and clients build on. Not graph content: no key needed."""
    return the_ontology().as_dict()
