"""What changed in the graph under a saved investigation, and the chart brought up to date.

An entity on a saved chart may since have been merged into another by identity resolution (its id is then in
the survivor's ``referents``) or have gone altogether (its only source retracted). Opening an investigation
follows merged ids to their survivor - keeping the position, pinned and hidden state and notes - and lists
the ids that are gone; the saved record itself changes only when the user saves again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..store import GraphStore
from ..store.investigations import investigations_of
from .model import Chart, ChartEntity

__all__ = ["GraphChanges", "follow_changes"]


@dataclass
class GraphChanges:
    """``gone``: ids on the saved chart no longer in the graph; ``merged``: saved id -> survivor id."""

    gone: list[str] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.gone or self.merged)

    def as_json(self) -> dict[str, Any]:
        return {"changed": self.changed, "gone": self.gone, "merged": self.merged, "message": self.message()}

    def message(self) -> str:
        if not self.changed:
            return "the graph has not changed under this investigation"
        parts = []
        if self.merged:
            parts.append(
                f"{len(self.merged)} entit{'y was' if len(self.merged) == 1 else 'ies were'} merged "
                "into another and now show as the entity they were merged into"
            )
        if self.gone:
            parts.append(
                f"{len(self.gone)} entit{'y is' if len(self.gone) == 1 else 'ies are'} no longer in "
                "the graph (retracted or removed)"
            )
        return "; ".join(parts)


def follow_changes(store: GraphStore, chart: Chart) -> tuple[Chart, GraphChanges]:
    """The chart with merged ids replaced by their survivors and gone ids dropped, and what changed.

    O(k) lookups for the k entities on the chart; finding survivors scans the entities' referents only when
    some id is missing."""
    ids = chart.entity_ids()
    present = set(store.node_labels(ids))
    missing = [i for i in ids if i not in present]
    if not missing:
        return chart, GraphChanges()
    survivors = investigations_of(store).survivors(missing)
    # a survivor may itself have been merged since: follow the chain (bounded by the number of merges)
    for _ in range(10):
        unresolved = sorted({s for s in survivors.values() if s not in present})
        if not unresolved:
            break
        present |= set(store.node_labels(unresolved))
        further = investigations_of(store).survivors([s for s in unresolved if s not in present])
        if not further:
            break
        survivors = {k: further.get(v, v) for k, v in survivors.items()}
    survivors = {k: v for k, v in survivors.items() if v in present}
    changes = GraphChanges(
        gone=sorted(i for i in missing if i not in survivors), merged=dict(sorted(survivors.items()))
    )
    placed: dict[str, ChartEntity] = {}
    for e in chart.entities:
        if e.id in present:
            placed.setdefault(e.id, e)
    for e in chart.entities:
        if e.id in survivors:  # keep the saved position unless the survivor is already on the chart
            placed.setdefault(survivors[e.id], e.model_copy(update={"id": survivors[e.id]}))
    notes: dict[str, str] = {}
    for k, text in chart.notes.entities.items():
        target = survivors.get(k, k)
        if target in placed:
            notes[target] = f"{notes[target]}\n\n{text}" if target in notes else text
    updated = chart.model_copy(
        update={
            "entities": list(placed.values()),
            "notes": chart.notes.model_copy(update={"entities": notes}),
        }
    )
    return updated, changes
