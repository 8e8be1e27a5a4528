"""The project's own JSON-lines format: one source, entity or claim per line.

Each line is an object with ``"record": "source" | "entity" | "claim"`` and the fields of that model.
A file is checked whole before anything is written, so a bad line leaves the store as it was; the error
names the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from .errors import CompoundGraphError, InvalidInput
from .models import Claim, Entity, Record, Source
from .store.base import ClaimFilter, GraphStore, WriteSummary

__all__ = ["read_jsonl", "load_jsonl", "dump_jsonl", "record_to_json", "parse_record"]

_KINDS: dict[str, type[Source] | type[Entity] | type[Claim]] = {
    "source": Source,
    "entity": Entity,
    "claim": Claim,
}
MAX_LINE = 32 * 1024 * 1024
KEEP_IN_MEMORY = 200_000  # records; above this a load reads its files again rather than hold them


def parse_record(data: Any, where: str) -> Record:
    """One record from a decoded JSON object; errors say where."""
    if not isinstance(data, dict):
        raise InvalidInput("expected a JSON object", where=where)
    kind = data.get("record")
    if kind not in _KINDS:
        raise InvalidInput(f"'record' must be one of source, entity, claim; got {str(kind)[:30]!r}", where=where)
    fields = {k: v for k, v in data.items() if k != "record"}
    try:
        return _KINDS[kind].model_validate(fields)
    except CompoundGraphError as exc:
        raise InvalidInput(exc.detail, where=where) from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or kind
        raise InvalidInput(f"{kind}.{loc}: {err['msg']}", where=where) from exc


def read_jsonl(path: Path, kinds: tuple[str, ...] = ("source", "entity", "claim")) -> Iterator[Record]:
    """Records of a file, validated; raises on the first bad line with file and line number.

    ``kinds`` skips other records before validating them (the loader's write passes).
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read: {exc.strerror}", where=str(path)) from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path}:{number}"
            if len(raw) > MAX_LINE:
                raise InvalidInput(f"line is {len(raw):,} bytes; the limit is {MAX_LINE:,}", where=where)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidInput(f"not UTF-8 (byte {exc.start})", where=where) from exc
            if not text.strip():
                continue
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise InvalidInput(f"not JSON: {exc.msg} at column {exc.colno}", where=where) from exc
            if isinstance(data, dict) and data.get("record") in _KINDS and data["record"] not in kinds:
                continue
            yield parse_record(data, where)


def load_jsonl(store: GraphStore, paths: Iterable[Path]) -> WriteSummary:
    """Check every file completely (syntax, fields, references), then write sources, entities, claims.

    Writing kind by kind means a claim never waits for an endpoint in a later batch, and the checks
    before it mean a file with a bad line, or a claim whose endpoint is nowhere, writes nothing.
    """
    paths = list(paths)
    defined: set[str] = set()
    wanted: dict[str, str] = {}
    kept: list[Record] | None = []  # small inputs are written from memory, large ones read again
    for path in paths:
        for record in read_jsonl(path):
            if kept is not None:
                kept.append(record)
                if len(kept) > KEEP_IN_MEMORY:
                    kept = None
            if isinstance(record, (Source, Entity)):
                defined.add(record.id)
            if isinstance(record, Entity):
                wanted.update({s: f"{path}: entity {record.id}" for s in record.sources})
            if isinstance(record, Claim):
                for ref in (record.subject, record.object, record.source):
                    wanted.setdefault(ref, f"{path}: claim {record.id}")
    missing = sorted(set(wanted) - defined)
    if missing:
        known = set(store.node_labels(missing))
        absent = [m for m in missing if m not in known]
        if absent:
            raise InvalidInput(
                f"{len(absent)} referenced id(s) are neither in the file nor in the store, e.g. {absent[0]!r}",
                where=wanted[absent[0]],
            )
    with store.writer() as writer:
        for kind, name in ((Source, "source"), (Entity, "entity"), (Claim, "claim")):
            if kept is not None:
                writer.add_all(r for r in kept if isinstance(r, kind))
            else:
                for path in paths:
                    writer.add_all(read_jsonl(path, (name,)))
            writer.flush()
    return writer.summary


def record_to_json(record: Record) -> dict[str, Any]:
    kind = "source" if isinstance(record, Source) else "entity" if isinstance(record, Entity) else "claim"
    return {"record": kind, **record.model_dump(mode="json", exclude_defaults=False)}


def dump_jsonl(store: GraphStore, path: Path) -> int:
    """Write everything in the store to ``path`` in load order (sources, entities, claims)."""
    n = 0
    with path.open("w", encoding="utf-8") as out:
        everything = ClaimFilter(proposals=True)  # proposals awaiting review too: a dump is a backup
        for it in (store.iter_sources(), store.iter_entities(proposals=True), store.iter_claims(everything)):
            for record in it:
                out.write(json.dumps(record_to_json(record), ensure_ascii=False) + "\n")
                n += 1
    return n
