"""Spreadsheets (CSV, TSV, XLSX, JSON, YAML) filled in from the templates in ``ingest/templates/``.

A row with a ``relation`` is a claim (subject -relation-> object); any other row is an entity whose
``type`` column (or the file / sheet name, e.g. ``compounds.csv``) says which. Source columns
(``source_title``, ``source_url``, ``source_publisher``, ``source_date``, ``source_kind``,
``source_reliability``) give a row its own source; without them the file itself is the source.
Columns the template does not know are kept as properties, never dropped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import CompoundGraphError, InvalidInput
from ..ids import normalize
from ..models import RESERVED, Claim, Entity, Source
from ..ontology import ontology
from .base import Context, Item, Options, Reject, RowError, build, file_source
from .fields import (
    bank_account,
    cell_text,
    check_wallet,
    coerce_property,
    slug,
    split_list,
    to_date,
    to_grade,
    wallet_id,
)
from .yaml_input import load_yaml

__all__ = ["read_spreadsheet", "iter_rows", "SOURCE_COLUMNS", "ENTITY_COLUMNS", "CLAIM_COLUMNS"]

SOURCE_COLUMNS = (
    "source_title",
    "source_url",
    "source_publisher",
    "source_date",
    "source_kind",
    "source_reliability",
    "source_handling",
)
ENTITY_COLUMNS = ("type", "id", "name", "aliases", "identifiers", "first_seen", "last_seen")
CLAIM_COLUMNS = (
    "subject",
    "subject_type",
    "relation",
    "object",
    "object_type",
    "grade",
    "valid_from",
    "valid_to",
    "first_seen",
    "last_seen",
    "handling",
    "quote",
    "key",
)
MAX_ROWS_PEEK = 5


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(enc, errors="surrogateescape") if enc == "utf-8-sig" else raw.decode(enc)
    # bytes that are not UTF-8 become lone surrogates: the rows holding them are rejected, the rest load
    return raw.decode("utf-8", errors="surrogateescape")


def iter_rows(path: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(sheet name, where, row as dict) for every data row; raises InvalidInput if unreadable."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        text = _decode(path)
        dialect: Any = "excel-tab" if suffix == ".tsv" else "excel"
        if suffix != ".tsv":
            try:
                dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
            except csv.Error:
                dialect = "excel"
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        header = next(reader, None)
        if not header:
            raise InvalidInput("the file is empty (no header row)", where=str(path))
        cols = [h.strip().lower() for h in header]
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            yield path.stem, f"line {reader.line_num}", dict(zip(cols, row, strict=False))
        return
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            # data_only=False: a formula comes back as its text ("=...") and is refused, never computed
            wb = load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:
            raise InvalidInput(f"not a readable XLSX workbook: {exc}", where=str(path)) from exc
        try:
            yield from _xlsx_rows(wb)
        except CompoundGraphError:
            raise
        except Exception as exc:
            # sheet surfaces here (expat refuses entity amplification with a ParseError)
            raise InvalidInput(
                f"not a readable XLSX workbook: {type(exc).__name__}: {str(exc)[:200]}", where=str(path)
            ) from exc
        finally:
            wb.close()
        return
    if suffix in (".json", ".yaml", ".yml"):
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text) if suffix == ".json" else load_yaml(text)
        except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
            raise InvalidInput(f"not readable {suffix[1:].upper()}: {exc}", where=str(path)) from exc
        sheets: dict[str, Any] = data if isinstance(data, dict) else {path.stem: data}
        for name, rows in sheets.items():
            if not isinstance(rows, list):
                raise InvalidInput(f"{name!r} should be a list of rows", where=str(path))
            for n, row in enumerate(rows, start=1):
                if not isinstance(row, dict):
                    yield str(name), f"{name} record {n}", {"__invalid__": row}
                else:
                    yield str(name), f"{name} record {n}", {str(k).strip().lower(): v for k, v in row.items()}
        return
    raise InvalidInput(f"not a spreadsheet format: {suffix or 'no extension'}", where=str(path))


def _xlsx_rows(wb: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            continue
        cols = [str(h).strip().lower() if h is not None else "" for h in header]
        for n, row in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in row):
                continue
            yield ws.title, f"sheet {ws.title} row {n}", {c: v for c, v in zip(cols, row, strict=False) if c}


def label_of(text: str, field: str) -> str:
    """An ontology label from any spelling: "armed group", "ArmedGroup", "wallets"."""
    n = normalize(text).replace(" ", "")
    for label in ontology().labels:
        if n in (label.lower(), label.lower() + "s"):
            return label
    raise RowError(field, f"not an entity type (one of {', '.join(ontology().labels)})", text)


def _type_from_name(name: str) -> str | None:
    """``compounds.csv`` / sheet ``Person`` -> the label, when the name is a label (singular or plural)."""
    n = normalize(name).replace(" ", "")
    for label in ontology().labels:
        low = label.lower()
        if n in (low, low + "s", low + "es", low[:-1] + "ies" if low.endswith("y") else low + "s"):
            return label
        if n.startswith(low) or n.endswith(low) or n.endswith(low + "s"):
            return label
    return None


class _Sources:
    """Row sources (deduplicated) and the file's own source (made once, only if needed)."""

    def __init__(self, path: Path, options: Options) -> None:
        self.path, self.options = path, options
        self.file: Source | None = None
        self.seen: set[str] = set()

    def for_row(self, row: dict[str, Any]) -> tuple[list[Source], Source]:
        title = cell_text(row.get("source_title"), "source_title")
        url = cell_text(row.get("source_url"), "source_url")
        if not (title or url):
            if self.file is None:
                self.file = file_source(self.path, self.options)
            new = [] if self.file.id in self.seen else [self.file]
            self.seen.add(self.file.id)
            return new, self.file
        rel = cell_text(row.get("source_reliability"), "source_reliability") or self.options.grade.reliability
        src = build(
            Source,
            {
                "title": title or url,
                "url": url or "",
                "publisher": cell_text(row.get("source_publisher"), "source_publisher") or "",
                "published": to_date(row.get("source_date"), "source_date"),
                "kind": cell_text(row.get("source_kind"), "source_kind") or "report",
                "reliability": rel,
                "handling": cell_text(row.get("source_handling"), "source_handling") or self.options.handling,
            },
            "source",
        )
        new = [] if src.id in self.seen else [src]
        self.seen.add(src.id)
        return new, src


def _entity(row: dict[str, Any], label: str, source: Source, options: Options) -> Entity:
    spec = ontology().labels[label]
    name = cell_text(row.get("name"), "name")
    props: dict[str, Any] = {}
    for col, value in row.items():
        if col in ENTITY_COLUMNS or col in SOURCE_COLUMNS or col in CLAIM_COLUMNS or not col:
            continue
        key = slug(col)
        if key in RESERVED:
            key = f"{key}_value"
        v = coerce_property(label, key, value, options.region)
        if v not in (None, [], ""):
            props[key] = v
    identifiers = split_list(row.get("identifiers"), "identifiers")
    eid = cell_text(row.get("id"), "id") or ""
    if label == "Wallet":
        address = props.get("address") or name
        if not address:
            raise RowError("address", "a wallet needs its address")
        chain, canonical = check_wallet(props.get("chain") or options.chain, str(address))
        props.update(chain=chain, address=canonical)
        name = name if name and name != address else canonical
        eid = eid or wallet_id(chain, canonical)
    if label == "Account" and (str(props.get("platform", "")).lower() == "bank" or props.get("iban")):
        props = bank_account(props)
    if label == "Account" and not name:
        name = props.get("handle") or props.get("phone") or props.get("email") or props.get("url")
    if not name:
        raise RowError("name", "every entity needs a name")
    for key in spec.identifiers:
        if key in props and isinstance(props[key], str):
            identifiers.append(props[key])
    return build(
        Entity,
        {
            "id": eid,
            "label": label,
            "name": name,
            "aliases": split_list(row.get("aliases"), "aliases"),
            "identifiers": identifiers,
            "properties": props,
            "sources": [source.id],
            "first_seen": to_date(row.get("first_seen"), "first_seen"),
            "last_seen": to_date(row.get("last_seen"), "last_seen"),
        },
    )


def _end(row: dict[str, Any], side: str, ctx: Context) -> str:
    ref = cell_text(row.get(side), side)
    if not ref:
        raise RowError(side, f"the claim has no {side}")
    typ = cell_text(row.get(f"{side}_type"), f"{side}_type")
    label = None
    if typ:
        label = label_of(typ, f"{side}_type")
    found = ctx.find(label, ref)
    if found is None:
        raise RowError(side, f"no {label or 'entity'} with this id, name or alias (add it first, or above)", ref)
    return found


def _claim(row: dict[str, Any], source: Source, ctx: Context, options: Options) -> Claim:
    rel = cell_text(row.get("relation"), "relation") or ""
    try:
        rel_type = ontology().rel(rel.strip().upper().replace(" ", "_").replace("-", "_"))
    except Exception as exc:
        raise RowError("relation", "not a relationship type of the ontology", rel) from exc
    subject, obj = _end(row, "subject", ctx), _end(row, "object", ctx)
    props: dict[str, Any] = {}
    for col, value in row.items():
        if col in CLAIM_COLUMNS or col in SOURCE_COLUMNS or col in ENTITY_COLUMNS or not col:
            continue
        text = cell_text(value, col)
        if text is not None:
            key = slug(col)
            props[key if key not in RESERVED else f"{key}_value"] = text
    grade = to_grade(row.get("grade"), "grade") or f"{source.reliability}{options.grade.credibility}"
    return build(
        Claim,
        {
            "type": rel_type,
            "subject": subject,
            "object": obj,
            "source": source.id,
            "grade": grade,
            "valid_from": to_date(row.get("valid_from"), "valid_from"),
            "valid_to": to_date(row.get("valid_to"), "valid_to"),
            "first_seen": to_date(row.get("first_seen"), "first_seen"),
            "last_seen": to_date(row.get("last_seen"), "last_seen"),
            "handling": cell_text(row.get("handling"), "handling") or options.handling,
            "quote": cell_text(row.get("quote"), "quote") or "",
            "key": cell_text(row.get("key"), "key") or "",
            "properties": props,
        },
    )


def read_spreadsheet(path: Path, options: Options, ctx: Context) -> Iterator[Item]:
    """Entities and claims of a filled-in template; each bad row becomes a Reject naming its field."""
    sources = _Sources(path, options)
    rows = iter_rows(path)
    first = next(rows, None)  # unreadable files fail here, before anything is written
    if first is None:
        return
    for sheet, where, row in _chain(first, rows):
        try:
            if "__invalid__" in row:
                raise RowError("record", "expected an object of column: value pairs")
            new, src = sources.for_row(row)
            for s in new:
                yield s, where
            if cell_text(row.get("relation"), "relation"):
                claim = _claim(row, src, ctx, options)
                yield claim, where
                continue
            typ = cell_text(row.get("type"), "type") or _type_from_name(sheet) or _type_from_name(path.stem)
            if not typ:
                raise RowError("type", "no entity type: fill the 'type' column (e.g. Compound, Person)")
            label = label_of(typ, "type")
            entity = _entity(row, label, src, options)
            ctx.remember(entity)
            yield entity, where
        except RowError as exc:
            yield Reject(str(path), where, exc.field, exc.reason, exc.value)


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest
