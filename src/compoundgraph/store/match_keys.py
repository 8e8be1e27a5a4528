"""Screening's blocking keys: what both stores index so that a name or an identifier finds its candidates by
index lookups, never by comparing a row with every entity.

An entity's keys (:func:`entity_keys`), each a short string:

- ``i_<identifier>`` for every identifier (and a wallet's address) in normal form, blanks as ``_``: an
  identifier is found by equality of normal forms (EIP-55 case, E.164 punctuation fold away);
- for the names and aliases of :data:`NAME_LABELS` entities, in normal form and - for names in other
  scripts - in ASCII transliteration: ``w_<word>`` for every word; for words of three letters or more their
  first three letters ``h_<abc>`` and last three ``t_<xyz>`` (a typo after the third letter, or before the
  last three, still leaves one of them), and every pair of these within one name form, ``hh_<abc>_<def>``
  and ``tt_<uvw>_<xyz>``: a pair is far rarer than either half, so a lookup walks few postings; and for a
  name form of several words, the form without blanks ``j_<words run together>`` (a transliteration splits
  syllables that a romanised name writes together: 佘智江 is "she zhi jiang", the graph's "She Zhijiang").

A name query is answered by steps (:func:`name_plan`), each "the entities holding every key of a set": all its
words, or its words run together; failing ``limit`` candidates, the first three letters of every word, in one
name form ("Tan Weiming" finds "Tan Wei Ming"); failing any, the last three letters of every word; failing
any, for three words or more, all words but one (a word the graph's name lacks). Words of one or two letters
are left out while the name has longer ones. Each step returns the first ``limit`` matching ids in id order,
so both stores give the same candidates. Both stores keep the keys beside the entity, written by their writers
and built for databases written before the keys existed (or by an older version of them) when the store opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from normality import ascii_text

from ..ids import normalize
from ..models import Entity

__all__ = ["NAME_LABELS", "MAX_WORDS", "entity_keys", "identifier_key", "name_plan", "KEYS_VERSION"]

# Entities a name can hit: wallets and accounts are named by their address or handle (identifiers only)
NAME_LABELS = frozenset({"Person", "Organization", "ArmedGroup", "Compound", "Platform"})
MAX_WORDS = 8  # words of a name query used for its lookups (a key set never holds more)
KEYS_VERSION = "3"  # bump when the keys change: stores rebuild them on open


def identifier_key(value: str) -> str | None:
    """The key of one identifier (or of a row's identifier query): its normal form, blanks as ``_``."""
    n = normalize(value)
    return "i_" + n.replace(" ", "_") if n else None


def _name_forms(texts: Iterable[str]) -> set[str]:
    out = set()
    for x in texts:
        n = normalize(x)
        if n:
            out.add(n)
        if not x.isascii() and (t := normalize(ascii_text(x) or "")):
            out.add(t)
    return out


def entity_keys(e: Entity) -> set[str]:
    """Every blocking key of an entity (see the module)."""
    keys = {k for v in e.identifiers if (k := identifier_key(v))}
    if e.label == "Wallet" and isinstance(address := e.properties.get("address"), str):
        if k := identifier_key(address):
            keys.add(k)
    if e.label in NAME_LABELS:
        for form in _name_forms([e.name, *e.aliases]):
            words = form.split()
            keys.update("w_" + w for w in words)
            if len(words) > 1:
                keys.add("j_" + "".join(words))
            long_words = [w for w in words if len(w) >= 3]
            for kind, part in (("h", _head), ("t", _tail)):
                parts = sorted({part(w) for w in long_words})
                keys.update(f"{kind}_{x}" for x in parts)
                keys.update(f"{kind}{kind}_{a}_{b}" for i, a in enumerate(parts) for b in parts[i + 1 :])
    return keys


def _head(w: str) -> str:
    return w[:3]


def _tail(w: str) -> str:
    return w[-3:]


def _parts_keys(kind: str, parts: list[str]) -> list[str]:
    """Keys requiring every one of ``parts`` (sorted) in one name form: one part alone, else the chain of
    consecutive pairs (holding each pair of the chain is holding them all)."""
    if len(parts) == 1:
        return [f"{kind}_{parts[0]}"]
    return [f"{kind}{kind}_{a}_{b}" for a, b in pairwise(parts)]


def name_plan(query: str) -> list[list[list[str]]]:
    """The lookup steps of one name query: a list of steps, each a list of alternative key sets (an entity
    holding every key of any set is a candidate). Step 1 is always run; step 2 (heads) only while fewer than
    ``limit`` candidates were found; steps 3 and 4 only while none was."""
    q = normalize(query)
    words = sorted({w for w in q.split() if len(w) >= 3}) or sorted(set(q.split()))
    if len(words) > MAX_WORDS:  # the longest words say the most
        words = sorted(sorted(words, key=lambda w: (-len(w), w))[:MAX_WORDS])
    if not words:
        return []
    steps: list[list[list[str]]] = [[["w_" + w for w in words]]]
    joined = "".join(q.split())
    if len(q.split()) > 1 and len(joined) >= 3:  # "she zhi jiang" is "She Zhijiang", "tan wei ming" "Tan Weiming"
        steps[0].append(["j_" + joined])
    long_words = [w for w in words if len(w) >= 3]
    heads = sorted({w[:3] for w in long_words})
    tails = sorted({w[-3:] for w in long_words})
    if len(long_words) > 1 and heads != long_words:
        steps.append([_parts_keys("h", heads)])
    else:
        steps.append([])
    if len(long_words) > 1 and tails != long_words:
        steps.append([_parts_keys("t", tails)])
    else:
        steps.append([])
    if len(long_words) >= 3:
        steps.append([["w_" + w for w in long_words if w != skip] for skip in long_words])
    else:
        steps.append([])
    return steps
