"""Chain transfer exports: CSV rows -> Wallet entities and TRANSFERRED claims, through a column mapping.

Mappings live in ``ingest/mappings/*.yaml`` (generic, TRC20, ERC-20); a file is matched to one by its
header, or named with ``--mapping``. Every address is checked against its chain's checksum; amounts stay
exact (``Decimal``; raw integer amounts are divided by the token's decimals, never through a float);
each transfer is one claim keyed by transaction hash and log index, so re-loading an export, or the same
transfer seen in two overlapping exports of one source, changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources.abc import Traversable
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from ..errors import InvalidInput
from ..ids import claim_id
from ..models import Claim, Entity, check_text
from ..resources import mappings_dir
from .addresses import AddressError, WalletAddress, normalize_chain, validate_address, validate_addresses
from .base import Context, Item, Options, Reject, RowError, file_source
from .fields import wallet_id
from .yaml_input import load_yaml

__all__ = ["Mapping", "load_mapping", "mappings", "match_mapping", "read_chain", "MAPPINGS_DIR"]

MAPPINGS_DIR = mappings_dir()  # shipped in the package (importlib.resources), or the checkout's ingest/mappings
_HASH = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
FIELDS = ("tx_hash", "log_index", "from", "to", "amount", "asset", "decimals", "timestamp", "chain", "token_contract")


@dataclass
class Mapping:
    name: str
    description: str
    chain: str | None
    columns: dict[str, list[str]]
    detect_any: list[list[str]]
    amount_is_raw: bool = False
    timestamp_format: str = "auto"
    defaults: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    def resolve(self, header: list[str]) -> dict[str, int]:
        """Field -> column index for this file's header (first candidate present wins)."""
        index = {h: i for i, h in enumerate(header)}
        out = {}
        for f, candidates in self.columns.items():
            for c in candidates:
                if c in index:
                    out[f] = index[c]
                    break
        missing = [f for f in ("tx_hash", "from", "to", "amount") if f not in out]
        if missing:
            raise InvalidInput(
                f"mapping {self.name!r}: the header has no column for {', '.join(missing)} "
                f"(expected one of {[self.columns.get(m) for m in missing]})"
            )
        return out


def load_mapping(path: Path | Traversable) -> Mapping:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(f"cannot read mapping: {exc}", where=str(path)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise InvalidInput("a mapping needs a 'columns' table", where=str(path))
    cols = {}
    for f, v in data["columns"].items():
        if f not in FIELDS:
            raise InvalidInput(f"unknown mapping field {f!r}; known: {', '.join(FIELDS)}", where=str(path))
        cols[f] = [str(c).strip().lower() for c in (v if isinstance(v, list) else [v]) if c]
    detect = data.get("detect_any") or ([data["detect"]] if data.get("detect") else [])
    chain = data.get("chain")
    return Mapping(
        name=str(data.get("name") or path.name.rsplit(".", 1)[0]),
        description=str(data.get("description") or ""),
        chain=normalize_chain(chain) if chain else None,
        columns=cols,
        detect_any=[[str(c).strip().lower() for c in d] for d in detect],
        amount_is_raw=bool(data.get("amount_is_raw")),
        timestamp_format=str(data.get("timestamp_format") or "auto"),
        defaults=dict(data.get("defaults") or {}),
        path=str(path),
    )


@lru_cache(maxsize=1)
def mappings() -> dict[str, Mapping]:
    files = sorted((p for p in MAPPINGS_DIR.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)
    return {m.name: m for m in (load_mapping(p) for p in files)}


def match_mapping(header: list[str]) -> Mapping | None:
    """The most specific mapping whose detection columns are all in ``header``."""
    cols = set(header)
    best: tuple[int, Mapping] | None = None
    for m in mappings().values():
        for d in m.detect_any:
            if d and set(d) <= cols and (best is None or len(d) > best[0] or (len(d) == best[0] and m.chain)):
                best = (len(d), m)
    return best[1] if best else None


def get_mapping(name_or_path: str) -> Mapping:
    if name_or_path in mappings():
        return mappings()[name_or_path]
    p = Path(name_or_path)
    if p.exists():
        return load_mapping(p)
    raise InvalidInput(f"no mapping {name_or_path!r}; ready ones: {', '.join(mappings())}, or a YAML path")


def read_header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        row = next(csv.reader(f), None)
    return [h.strip().lower() for h in row] if row else []


_PLAIN = re.compile(r"^(\d+)(?:\.(\d*))?$")


def _amount(text: str, raw: bool, decimals: int) -> str:
    """The amount as exact fixed-point text: what ``format(Decimal(text).normalize(), "f")`` gives."""
    t = text.strip().replace(",", "").replace("_", "")
    plain = _PLAIN.match(t) if not raw and len(t) <= 28 else None
    if plain:  # the common case, by string: leading and trailing zeros off (normalize() rounds past 28 digits)
        whole, frac = plain.group(1).lstrip("0") or "0", (plain.group(2) or "").rstrip("0")
        return f"{whole}.{frac}" if frac else whole
    try:
        value = Decimal(t)
    except InvalidOperation as exc:
        raise RowError("amount", "not a number", text) from exc
    if not value.is_finite():
        raise RowError("amount", "not a finite number", text)
    if value < 0:
        raise RowError("amount", "a transfer amount cannot be negative", text)
    if raw:
        if value != value.to_integral_value():
            raise RowError("amount", "a raw amount must be a whole number of the token's smallest unit", text)
        value = value.scaleb(-decimals)
    out = format(value.normalize(), "f") if value else "0"
    return out


_ISO_Z = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$")


def _timestamp(text: str, fmt: str) -> str | None:
    t = text.strip()
    if not t:
        return None
    if fmt in ("auto", "iso") and _ISO_Z.match(t):
        return t  # already the stored form
    try:
        if fmt in ("unix", "unix_ms") or (fmt == "auto" and re.fullmatch(r"\d{9,14}(\.\d+)?", t)):
            n = Decimal(t)
            if fmt == "unix_ms" or (fmt == "auto" and n > 10**11):
                n = n / 1000
            moment = dt.datetime.fromtimestamp(float(n), tz=dt.UTC)
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        moment = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
    except (ValueError, OverflowError, InvalidOperation) as exc:
        raise RowError("timestamp", "not a timestamp (ISO 8601 or unix seconds/milliseconds)", text) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # block explorers write UTC
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_KNOWN = {
    "Claim": {
        "id",
        "type",
        "subject",
        "object",
        "source",
        "grade",
        "valid_from",
        "valid_to",
        "first_seen",
        "last_seen",
        "handling",
        "quote",
        "key",
        "properties",
    },
    "Entity": {
        "id",
        "label",
        "name",
        "aliases",
        "identifiers",
        "properties",
        "sources",
        "first_seen",
        "last_seen",
        "referents",
    },
}


@lru_cache(maxsize=4)
def _defaults(cls: type[Entity] | type[Claim]) -> dict[str, Any]:
    return {
        name: (lambda f=f: f.get_default(call_default_factory=True))
        for name, f in cls.model_fields.items()
        if name not in _KNOWN.get(cls.__name__, set())
    }


_new, _set = object.__new__, object.__setattr__


def _construct(cls: type[Entity] | type[Claim], fields: dict[str, Any]) -> Any:
    """A model from values already checked field by field (what ``model_construct`` does, minus its
    per-field default handling: every field is given here)."""
    missing = _defaults(cls)
    if missing:  # fields the model gained since this reader was written take their defaults
        fields = {**{k: v() for k, v in missing.items() if k not in fields}, **fields}
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", set(fields))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_CHUNK = 4_096  # rows read ahead, so the Ethereum checksums of their new addresses are computed in one batch


def read_chain(path: Path, options: Options, ctx: Context) -> Iterator[Item]:
    """Wallets (each once per file) and one TRANSFERRED claim per row; bad rows become Rejects.

    Every field is checked here as the models would check it (checksums, exact amounts, timestamps, text),
    and the records are then built without running the model validators again: the ids are the models'
    own (``claim_id``, ``wallet_id``), and ``tests/ingest/test_ingest_fast_path.py`` holds the two to the same
    records. Addresses are validated once per distinct (address, chain) in a file - a million transfers
    run between some tens of thousands of wallets - with the Ethereum checksums of each chunk of rows
    computed in one vectorised batch.
    """
    mapping = get_mapping(options.mapping) if options.mapping else None
    try:
        handle = path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise InvalidInput(f"cannot read: {exc.strerror}", where=str(path)) from exc
    with handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        if not header:
            raise InvalidInput("the file is empty (no header row)", where=str(path))
        mapping = mapping or match_mapping(header)
        if mapping is None:
            raise InvalidInput(
                "no chain mapping matches this header; pass --mapping (see ingest/mappings/)", where=str(path)
            )
        try:
            cols = mapping.resolve(header)
        except InvalidInput as exc:
            raise InvalidInput(exc.detail, where=str(path)) from exc
        source = file_source(
            path, options, kind="chain-export", description=f"transfer export read with mapping {mapping.name}"
        )
        yield source, "file"
        rows = _Rows(mapping, cols, len(header), options, source.id, str(path))
        while True:
            chunk = [(reader.line_num, row) for row in islice(reader, _CHUNK)]
            if not chunk:
                break
            rows.prepare(chunk)
            out: list[Item] = []
            for line, row in chunk:
                rows.read(line, row, out)
            for wid in rows.fresh:
                ctx.labels[wid] = "Wallet"
            rows.fresh.clear()
            yield from out


class _Rows:
    """One file's rows to records, with what repeats across rows (wallets, chains, grades) worked out once."""

    def __init__(
        self, mapping: Mapping, cols: dict[str, int], width: int, options: Options, source_id: str, file: str
    ) -> None:
        self.mapping, self.width, self.source_id, self.file = mapping, width, source_id, file
        self.grade, self.handling = str(options.grade), options.handling
        self.default_chain = normalize_chain(options.chain) if options.chain else mapping.chain
        self.default_asset = str(mapping.defaults.get("asset") or "")
        self.default_decimals = int(mapping.defaults.get("decimals") or 0)
        g = cols.get
        self.i_hash, self.i_from, self.i_to, self.i_amount = cols["tx_hash"], cols["from"], cols["to"], cols["amount"]
        self.i_log, self.i_asset, self.i_dec, self.i_ts = g("log_index"), g("asset"), g("decimals"), g("timestamp")
        self.i_chain, self.i_contract = g("chain"), g("token_contract")
        self.name = {f: mapping.columns[f][0] for f in mapping.columns}  # the column a reject names
        self.chains: dict[str, str | AddressError] = {}  # chain cell -> chain, or why not
        # (address cell, chain) -> (canonical address, wallet id), or why the address is refused
        self.wallets: dict[tuple[str, str | None], tuple[WalletAddress, str] | AddressError] = {}
        self.emitted: set[str] = set()  # wallet ids already yielded (each wallet once per file)
        self.fresh: list[str] = []  # wallet ids yielded in the current chunk
        self.assets: dict[str, str] = {}

    def chain_of(self, row: list[str]) -> str | None:
        if self.i_chain is None or self.i_chain >= len(row) or not row[self.i_chain]:
            return self.default_chain
        cell = row[self.i_chain]
        found = self.chains.get(cell)
        if found is None:
            try:
                found = self.chains[cell] = normalize_chain(cell)
            except AddressError as exc:
                found = self.chains[cell] = exc
        if isinstance(found, AddressError):
            raise RowError(self.name["chain"], str(found), cell)
        return found

    def prepare(self, chunk: list[tuple[int, list[str]]]) -> None:
        """Validate the chunk's new addresses together (one vectorised batch of Ethereum checksums)."""
        new: dict[tuple[str, str | None], None] = {}
        wallets = self.wallets
        for _line, row in chunk:
            try:
                chain = self.chain_of(row)
            except RowError:
                continue  # read() rejects the row
            for idx in (self.i_from, self.i_to):
                if idx < len(row) and (row[idx], chain) not in wallets:
                    new[(row[idx], chain)] = None
        if new:
            for key, found in validate_addresses(list(new)).items():
                wallets[key] = (
                    found if isinstance(found, AddressError) else (found, wallet_id(found.chain, found.address))
                )

    def read(self, line: int, row: list[str], out: list[Item]) -> None:
        """Append the row's records (new wallets, then its claim) or its reject to ``out``."""
        if not row or not any(row):
            return
        where = f"line {line}"
        try:
            self._records(where, row, out)
        except RowError as exc:
            out.append(Reject(self.file, where, exc.field, exc.reason, exc.value))
        except (InvalidInput, AddressError) as exc:
            out.append(Reject(self.file, where, "row", str(exc)))

    def _records(self, where: str, row: list[str], out: list[Item]) -> None:
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        joined = "".join(row)
        if not joined.isascii():
            try:
                joined.encode("utf-8")  # undecodable bytes arrive as lone surrogates
            except UnicodeEncodeError:
                raise RowError("row", "not UTF-8 text (wrong encoding?)") from None
        chain = self.chain_of(row)
        tx = row[self.i_hash].strip()
        if not _HASH.match(tx) and not (chain == "bitcoin" and _HEX64.match(tx)):
            raise RowError(self.name["tx_hash"], "not a transaction hash (64 hex digits)", tx)
        tx = tx.lower()
        ends = []
        for idx, end in ((self.i_from, "from"), (self.i_to, "to")):
            found = self.wallets.get((row[idx], chain))
            if found is None:  # not prepared (a row read on its own): validate it now
                try:
                    w = validate_address(row[idx], chain)
                except AddressError as exc:
                    found = exc
                else:
                    found = (w, wallet_id(w.chain, w.address))
                self.wallets[(row[idx], chain)] = found
            if isinstance(found, AddressError):
                raise RowError(self.name[end], f"invalid address: {found}", row[idx])
            ends.append(found)
        decimals = self.default_decimals
        if self.i_dec is not None:
            cell = row[self.i_dec].strip()
            if cell:
                if not cell.isdigit() or int(cell) > 77:
                    raise RowError(self.name["decimals"], "decimals must be 0-77", row[self.i_dec])
                decimals = int(cell)
        amount = _amount(row[self.i_amount], self.mapping.amount_is_raw, decimals)
        asset = (row[self.i_asset].strip() if self.i_asset is not None else "") or self.default_asset
        log = row[self.i_log].strip() if self.i_log is not None else ""
        if log and not log.isdigit():
            raise RowError(self.name["log_index"], "a log index is a whole number", log)
        ts = _timestamp(row[self.i_ts], self.mapping.timestamp_format) if self.i_ts is not None else None
        (w_from, id_from), (w_to, id_to) = ends
        # the model's canonical amount is str(Decimal(...)), which writes amounts under 1e-6 as "1E-18";
        # every other fixed-point amount is already that string
        props: dict[str, Any] = {
            "tx_hash": tx,
            "amount": str(Decimal(amount)) if amount.startswith("0.000000") else amount,
            "chain": w_from.chain,
        }
        if log:
            props["log_index"] = int(log)
            key = f"{tx}:{int(log)}"
        else:
            # no log index in the export: hash + ends + amount tells transfers in one tx apart
            key = f"{tx}:{w_from.address}:{w_to.address}:{amount}"
        if asset:
            checked = self.assets.get(asset)
            if checked is None:
                checked = self.assets[asset] = check_text(asset, "asset", 100)
            props["asset"] = checked
        if ts:
            props["timestamp"] = ts
        if self.i_contract is not None and row[self.i_contract].strip():
            props["token_contract"] = check_text(row[self.i_contract].strip(), "token_contract", 200)
        emitted = self.emitted
        if id_from not in emitted or id_to not in emitted:
            for w, wid in ends:
                if wid not in emitted:
                    emitted.add(wid)
                    self.fresh.append(wid)
                    out.append((self.wallet(w, wid, props.get("asset")), where))
        out.append(
            (
                _construct(
                    Claim,
                    {
                        "id": claim_id(id_from, "TRANSFERRED", id_to, self.source_id, key),
                        "type": "TRANSFERRED",
                        "subject": id_from,
                        "object": id_to,
                        "source": self.source_id,
                        "grade": self.grade,
                        "valid_from": ts[:10] if ts else None,
                        "valid_to": None,
                        "first_seen": None,
                        "last_seen": None,
                        "handling": self.handling,
                        "quote": "",
                        "key": key,
                        "properties": props,
                    },
                ),
                where,
            )
        )

    def wallet(self, w: WalletAddress, wid: str, asset: str | None) -> Entity:
        props: dict[str, Any] = {"chain": w.chain, "address": w.address}
        if asset:
            props["asset"] = asset
        return _construct(  # type: ignore[no-any-return]
            Entity,
            {
                "id": wid,
                "label": "Wallet",
                "name": w.address,
                "aliases": [],
                "identifiers": [w.address],
                "properties": props,
                "sources": [self.source_id],
                "first_seen": None,
                "last_seen": None,
                "referents": [],
            },
        )


def sniff_is_chain(path: Path) -> bool:
    try:
        return match_mapping(read_header(path)) is not None
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
