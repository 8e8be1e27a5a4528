"""How big each part of a synthetic world is, from two numbers: entities and transfers.

The world is a set of *cells* (one compound with its operator, front company, boss, manager,
recruiters, accounts, job ads and cases) plus shared parts (armed groups, syndicates, officials,
platforms, locations, exchanges / OTC desks / payment providers) plus wallets, which take up what is left
of the entity budget. Cell sizes are drawn from a per-cell random stream, so any cell can be rebuilt on
its own; that is what lets the generator stream a million-node world without holding it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ..errors import InvalidInput

__all__ = ["Plan", "CellSize", "cell_size", "make_plan", "MIN_ENTITIES", "NONWALLET_SHARE"]

MIN_ENTITIES = 500
NONWALLET_SHARE = 0.45  # of the entity budget; wallets take the rest
MEAN_CELL = 31  # mean entities per cell (see cell_size)
PLATFORMS = 10
LOCATIONS_PER_AREA = 4  # a province and three towns
COUNTRIES = 5


@dataclass(frozen=True)
class CellSize:
    recruiters: int
    accounts: tuple[int, ...]  # accounts per recruiter
    ads: tuple[int, ...]  # job ads per account
    cases: int
    raided: bool

    @property
    def entities(self) -> int:
        # compound, operator, front company, boss, manager + the rest
        return 5 + self.recruiters + len(self.ads) + sum(self.ads) + self.cases + int(self.raided)


def cell_rng(seed: int, i: int) -> random.Random:
    """Each cell has its own stream, so a cell can be rebuilt without the others."""
    return random.Random(f"compoundgraph-synth:{seed}:cell:{i}")


def cell_size(rng: random.Random) -> CellSize:
    """The first draws of a cell's stream: how many of each thing it holds."""
    recruiters = rng.randint(1, 4)
    accounts = tuple(rng.randint(1, 2) for _ in range(recruiters))
    ads = tuple(rng.randint(1, 3) for _ in range(sum(accounts)))
    return CellSize(recruiters, accounts, ads, rng.randint(4, 20), rng.random() < 0.25)


@dataclass(frozen=True)
class Plan:
    seed: int
    entities: int
    transfers: int
    cells: int
    armed_groups: int
    syndicates: int
    officials: int
    service_orgs: int
    areas: int
    case_offsets: tuple[int, ...] = field(repr=False)  # first case number of each cell
    cell_entities: int = 0
    # wallet pools, laid out in this order in the wallet index space
    service_wallets: int = 0
    collection_wallets: int = 0
    hop_wallets: int = 0
    victim_wallets: int = 0

    @property
    def wallets(self) -> int:
        return self.service_wallets + self.collection_wallets + self.hop_wallets + self.victim_wallets

    @property
    def shared_entities(self) -> int:
        return (
            PLATFORMS
            + COUNTRIES
            + self.areas * LOCATIONS_PER_AREA
            + self.armed_groups
            + self.syndicates
            + self.officials
            + self.service_orgs
        )

    @property
    def nonwallet_entities(self) -> int:
        return self.shared_entities + self.cell_entities


def make_plan(seed: int, entities: int, transfers: int, areas: int) -> Plan:
    """Split the budget; the total number of entities is exactly ``entities``."""
    if entities < MIN_ENTITIES:
        raise InvalidInput(f"a synthetic world needs at least {MIN_ENTITIES} entities; got {entities}")
    if transfers < 0:
        raise InvalidInput(f"transfers must be 0 or more; got {transfers}")
    cells = max(2, round(NONWALLET_SHARE * entities / MEAN_CELL))
    offsets = []
    cell_entities = 0
    cases = 0
    for i in range(cells):
        size = cell_size(cell_rng(seed, i))
        offsets.append(cases + 1)
        cases += size.cases
        cell_entities += size.entities
    armed = max(3, cells // 10)
    syndicates = max(2, cells // 12)
    service_orgs = max(6, round(1.5 * math.sqrt(cells)))
    plan = Plan(
        seed, entities, transfers, cells, armed, syndicates, armed, service_orgs, areas, tuple(offsets), cell_entities
    )
    wallets = entities - plan.nonwallet_entities
    service = 3 * service_orgs
    collection = max(cells, 8, round(0.04 * wallets))
    hop = round(0.35 * wallets)
    victim = wallets - service - collection - hop
    if victim < 20:
        raise InvalidInput(f"{entities} entities leave too few for wallets; ask for more entities")
    return Plan(
        seed,
        entities,
        transfers,
        cells,
        armed,
        syndicates,
        armed,
        service_orgs,
        areas,
        tuple(offsets),
        cell_entities,
        service,
        collection,
        hop,
        victim,
    )
