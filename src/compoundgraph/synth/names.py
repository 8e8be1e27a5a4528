"""Clearly fictional names built from syllables, unique by construction.

A name is an index written in a mixed radix of shuffled syllables, after a seeded affine permutation of
the index, so neighbours in the generator do not get neighbouring names and no two indices share a name
(within one table of :data:`CAPACITY` names). Nothing here is, or is meant to resemble, a real person.
"""

from __future__ import annotations

import random

__all__ = ["NameMaker", "CAPACITY"]

_ONSETS = "b d f g h k l m n p r s t v z ch sh th kr pr tr".split()
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou"]
_CODAS = ["", "n", "r", "l", "m"]  # no coda may start an onset ("k"+"r" would read as "kr")
CAPACITY = 2_000_003  # a prime above the largest table needed (the permutation is modulo a prime)


class NameMaker:
    """Seeded syllable tables; ``word(table, i)`` is unique for each ``i`` below :data:`CAPACITY`."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"names:{seed}")
        syllables = sorted({o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS})
        rng.shuffle(syllables)
        self.syllables = syllables  # 21 onsets x 7 vowels x 5 codas = 735
        self.short = [o + v for o in _ONSETS for v in _VOWELS]
        rng.shuffle(self.short)
        self._mult = rng.randrange(1_000, CAPACITY - 1)
        self._rng = rng

    def _digits(self, table: int, i: int) -> list[str]:
        if not 0 <= i < CAPACITY:
            raise ValueError(f"name index {i} out of range")
        j = (i * self._mult + table * 7_919) % CAPACITY
        n = len(self.syllables)
        out = [self.syllables[j % n]]
        j //= n
        out.append(self.short[j % len(self.short)])
        j //= len(self.short)
        # the third syllable is always there (j < 14 here), so the mapping stays one-to-one
        out.append(self.short[j % len(self.short)])
        return out

    def word(self, table: int, i: int) -> str:
        """A capitalised invented word, unique per (table, i)."""
        return "".join(self._digits(table, i)).capitalize()

    def given(self, rng: random.Random) -> str:
        """A short invented given name (not unique; people are told apart by family name)."""
        return (rng.choice(self.short) + rng.choice(self.syllables)).capitalize()
