"""compoundgraph: a knowledge graph of online-scam compounds, their networks and their money.

For notebooks::

    import compoundgraph as cg
    with cg.open_store() as store:
        hits = store.search("Shwe Kokko")
        G = store.to_networkx(cg.ClaimFilter.make(min_grade="B3"))
"""

from .errors import CompoundGraphError
from .grades import Grade
from .models import Claim, Entity, Source
from .ontology import ontology
from .settings import Settings, get_settings
from .store import ClaimFilter, GraphStore, open_store

__version__ = "0.1.0"
__all__ = [
    "Claim",
    "ClaimFilter",
    "CompoundGraphError",
    "Entity",
    "Grade",
    "GraphStore",
    "Settings",
    "Source",
    "get_settings",
    "ontology",
    "open_store",
    "__version__",
]
