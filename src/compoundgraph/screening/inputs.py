"""Rows to screen: read from CSV / TSV / XLSX / JSON / JSON lines, or given as dicts, and checked cell by cell.

A row may carry any of: a wallet address (and its chain), phone, e-mail, handle, domain, name, date of birth,
country, registration number, and a key of the caller's own. Headers are matched loosely (``Wallet Address``,
``wallet_address`` and ``address`` are one column; see :data:`COLUMNS`); columns that are none of these are
listed, never silently used. A cell may hold several values separated by ``;`` or ``|``.

Every value is brought to the form the graph stores (checksum-validated canonical wallet address, E.164
phone, lower-case e-mail, handle and domain). A value that fails is reported on its row with the reason -
a wallet's checksum failure is named - and the rest of the row is still screened.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CompoundGraphError, InvalidInput, TooLarge
from ..ids import normalize
from ..ingest.addresses import AddressError, validate_address
from ..ingest.base import RowError
from ..ingest.fields import cell_text, to_country
from ..ingest.identifiers import domain_of, normalize_email, normalize_handle, normalize_phone
from ..ingest.spreadsheet import iter_rows

__all__ = ["COLUMNS", "Ident", "ScreenRow", "Batch", "read_file", "from_records", "parse_row", "MAX_ROWS"]

MAX_ROWS = 1_000_000
# field -> header spellings (after folding to lower case with "_" between words)
COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("key", "id", "ref", "reference", "row_id", "customer_id", "case_ref"),
    "name": (
        "name",
        "full_name",
        "fullname",
        "entity",
        "entity_name",
        "customer",
        "customer_name",
        "company",
        "company_name",
        "person",
        "person_name",
        "alias",
    ),
    "wallet": ("wallet", "address", "wallet_address", "crypto_address", "deposit_address", "wallet_addresses"),
    "chain": ("chain", "network", "blockchain"),
    "phone": ("phone", "phone_number", "mobile", "telephone", "tel", "whatsapp"),
    "email": ("email", "e_mail", "email_address", "mail"),
    "handle": ("handle", "telegram", "telegram_handle", "username", "user_name", "account"),
    "domain": ("domain", "website", "url", "site"),
    "dob": ("dob", "date_of_birth", "birth_date", "birthdate", "born", "birth_year"),
    "country": ("country", "nationality", "jurisdiction", "citizenship", "country_code"),
    "registration": (
        "registration",
        "registration_number",
        "registration_id",
        "reg_no",
        "company_number",
        "registration_no",
    ),
}
_HEADER = {spelling: f for f, spellings in COLUMNS.items() for spelling in spellings}
_SPLIT = re.compile(r"\s*[;|\n]\s*")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)(?:-(\d\d)(?:-(\d\d))?)?$")


@dataclass(frozen=True)
class Ident:
    """One identifier of a row: its kind, as written, and in the graph's form (``chain`` for a wallet)."""

    kind: str  # wallet | phone | email | handle | domain | registration
    raw: str
    value: str
    chain: str = ""


@dataclass
class ScreenRow:
    """One input row, checked: what can be screened, and what was wrong with it."""

    n: int  # 1-based position in the input
    where: str  # "line 3", "sheet A row 4"
    key: str = ""
    names: list[str] = field(default_factory=list)
    identifiers: list[Ident] = field(default_factory=list)
    birth_year: int | None = None
    country: str | None = None
    errors: list[str] = field(default_factory=list)

    def input(self) -> dict[str, Any]:
        """What was screened, as plain values (for the report)."""
        out: dict[str, Any] = {}
        if self.key:
            out["key"] = self.key
        if self.names:
            out["name"] = self.names
        for i in self.identifiers:
            out.setdefault(i.kind, []).append(i.value)
        if self.birth_year:
            out["birth_year"] = self.birth_year
        if self.country:
            out["country"] = self.country
        return out


@dataclass
class Batch:
    rows: list[ScreenRow]
    unknown_columns: list[str]


def _fold(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(header).strip().lower()).strip("_")


def _values(value: Any, column: str) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = [cell_text(v, column) for v in value]
    else:
        text = cell_text(value, column)
        items = _SPLIT.split(text) if text else []
    return [i for i in items if i]


def _birth_year(text: str) -> int:
    m = _YEAR.match(text.strip())
    if not m:
        raise RowError("dob", "not a date of birth (YYYY-MM-DD or a year)", text)
    return int(m.group(1))


def parse_row(n: int, where: str, cells: dict[str, Any]) -> tuple[ScreenRow, list[str]]:
    """Check one row; returns it and the column names that are not screening fields."""
    row = ScreenRow(n, where)
    by_field: dict[str, list[tuple[str, Any]]] = {}
    unknown: list[str] = []
    for column, value in cells.items():
        f = _HEADER.get(_fold(column))
        if f is None:
            if str(column).strip():
                unknown.append(str(column))
            continue
        by_field.setdefault(f, []).append((str(column), value))

    def each(f: str) -> Iterator[tuple[str, str]]:
        for column, value in by_field.get(f, []):
            try:
                for v in _values(value, column):
                    yield column, v
            except RowError as exc:
                row.errors.append(f"{column}: {exc.reason}")

    for _column, v in each("key"):
        row.key = row.key or v[:200]
    for column, v in each("country"):
        try:
            row.country = row.country or to_country(v, column)
        except RowError as exc:
            row.errors.append(f"{column}: {exc.reason} ({v[:60]!r})")
    for column, v in each("dob"):
        try:
            row.birth_year = row.birth_year or _birth_year(v)
        except RowError as exc:
            row.errors.append(f"{column}: {exc.reason} ({v[:60]!r})")
    for _column, v in each("name"):
        if normalize(v) and v not in row.names:
            row.names.append(v[:500])
    chains = [v for _c, v in each("chain")]
    for column, v in each("wallet"):
        try:
            w = validate_address(v, chains[0] if chains else None)
        except AddressError as exc:
            row.errors.append(f"{column}: invalid wallet address {v[:64]!r}: {exc}")
            continue
        row.identifiers.append(Ident("wallet", v, w.address, w.chain))
    checks = (
        ("phone", lambda v: normalize_phone(v, row.country), "not a valid phone number (write it with +country code)"),
        ("email", normalize_email, "not an e-mail address"),
        ("handle", normalize_handle, "not a handle (5-32 letters, digits or _, or a t.me link)"),
        ("domain", lambda v: domain_of(v) if "." in domain_of(v) else None, "not a domain or URL"),
        ("registration", lambda v: v.strip() or None, "empty registration number"),
    )
    for kind, fn, reason in checks:
        for column, v in each(kind):
            value = fn(v)
            if value is None:
                row.errors.append(f"{column}: {reason} ({v[:60]!r})")
            else:
                row.identifiers.append(Ident(kind, v, value))
    if not row.names and not row.identifiers and not row.errors:
        row.errors.append("nothing to screen: no name or identifier in this row")
    return row, unknown


def from_records(records: Iterable[tuple[str, dict[str, Any]]], max_rows: int = MAX_ROWS) -> Batch:
    """Rows from ``(where, cells)`` pairs (the API's JSON body, a file's rows); at most ``max_rows``."""
    rows: list[ScreenRow] = []
    unknown: dict[str, None] = {}
    for n, (where, cells) in enumerate(records, start=1):
        if n > max_rows:
            raise TooLarge(f"more than {max_rows:,} rows; split the input", where=where)
        if not isinstance(cells, dict) or "__invalid__" in cells:
            row = ScreenRow(n, where, errors=["not a record of named fields"])
            rows.append(row)
            continue
        row, extra = parse_row(n, where, cells)
        rows.append(row)
        unknown.update(dict.fromkeys(extra))
    return Batch(rows, list(unknown))


def _jsonl(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8", errors="surrogateescape") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {n}", {"__invalid__": f"not JSON: {exc.msg}"}
                continue
            yield f"line {n}", value if isinstance(value, dict) else {"__invalid__": value}


def read_file(path: Path, max_rows: int = MAX_ROWS) -> Batch:
    """Rows of a CSV, TSV, XLSX, JSON or JSON-lines file (at most ``max_rows``); a file that cannot be read
    is one clear error."""
    if not path.is_file():
        raise InvalidInput("no such file", where=str(path))
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            return from_records(_jsonl(path), max_rows)
        return from_records(((where, cells) for _sheet, where, cells in iter_rows(path)), max_rows)
    except TooLarge:
        raise
    except CompoundGraphError as exc:
        raise InvalidInput(f"cannot read the file: {exc.detail}", where=str(path)) from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"cannot read the file: {exc}", where=str(path)) from exc
