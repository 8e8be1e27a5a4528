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
from pathlib import Path
from typing import Any

import yaml

from ..errors import InvalidInput
from ..ids import claim_id
from ..models import Claim, Entity, check_text
from .addresses import AddressError, WalletAddress, normalize_chain, validate_address
from .base import Context, Item, Options, Reject, RowError, file_source
from .fields import wallet_id

__all__ = ["Mapping", "load_mapping", "mappings", "match_mapping", "read_chain", "MAPPINGS_DIR"]

MAPPINGS_DIR = Path(__file__).resolve().parents[3] / "ingest" / "mappings"
_HASH = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
FIELDS = ("tx_hash", "log_index", "from", "to", "amount", "asset", "decimals", "timestamp", "chain",
          "token_contract")


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
            raise InvalidInput(f"mapping {self.name!r}: the header has no column for {', '.join(missing)} "
                               f"(expected one of {[self.columns.get(m) for m in missing]})")
        return out


def load_mapping(path: Path) -> Mapping:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        name=str(data.get("name") or path.stem), description=str(data.get("description") or ""),
        chain=normalize_chain(chain) if chain else None, columns=cols,
        detect_any=[[str(c).strip().lower() for c in d] for d in detect],
        amount_is_raw=bool(data.get("amount_is_raw")), timestamp_format=str(data.get("timestamp_format") or "auto"),
        defaults=dict(data.get("defaults") or {}), path=str(path),
    )


@lru_cache(maxsize=1)
def mappings() -> dict[str, Mapping]:
    return {m.name: m for m in (load_mapping(p) for p in sorted(MAPPINGS_DIR.glob("*.yaml")))}


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


def _amount(text: str, raw: bool, decimals: int) -> str:
    t = text.strip().replace(",", "").replace("_", "")
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
    "Claim": {"id", "type", "subject", "object", "source", "grade", "valid_from", "valid_to", "first_seen",
              "last_seen", "handling", "quote", "key", "properties"},
    "Entity": {"id", "label", "name", "aliases", "identifiers", "properties", "sources", "first_seen", "last_seen",
               "referents"},
}


@lru_cache(maxsize=4)
def _defaults(cls: type[Entity] | type[Claim]) -> dict[str, Any]:
    return {name: (lambda f=f: f.get_default(call_default_factory=True))
            for name, f in cls.model_fields.items() if name not in _KNOWN.get(cls.__name__, set())}


def _construct(cls: type[Entity] | type[Claim], **fields: Any) -> Any:
    """A model from values already checked field by field (what ``model_construct`` does, minus its
    per-field default handling: every field is given here)."""
    missing = _defaults(cls)
    if missing:  # fields the model gained since this reader was written take their defaults
        fields = {**{k: v() for k, v in missing.items() if k not in fields}, **fields}
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def read_chain(path: Path, options: Options, ctx: Context) -> Iterator[Item]:
    """Wallets (each once per file) and one TRANSFERRED claim per row; bad rows become Rejects."""
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
            raise InvalidInput("no chain mapping matches this header; pass --mapping (see ingest/mappings/)",
                               where=str(path))
        try:
            cols = mapping.resolve(header)
        except InvalidInput as exc:
            raise InvalidInput(exc.detail, where=str(path)) from exc
        source = file_source(path, options, kind="chain-export",
                             description=f"transfer export read with mapping {mapping.name}")
        yield source, "file"
        grade = str(options.grade)
        default_chain = normalize_chain(options.chain) if options.chain else mapping.chain
        default_asset = str(mapping.defaults.get("asset") or "")
        default_decimals = int(mapping.defaults.get("decimals") or 0)
        chains = {c: c for c in ("tron", "ethereum", "bitcoin")}
        seen: dict[WalletAddress, str] = {}  # each wallet once per file, its id computed once
        g = cols.get
        i_hash, i_from, i_to, i_amount = cols["tx_hash"], cols["from"], cols["to"], cols["amount"]
        i_log, i_asset, i_dec, i_ts = g("log_index"), g("asset"), g("decimals"), g("timestamp")
        i_chain, i_contract = g("chain"), g("token_contract")
        for row in reader:
            where = f"line {reader.line_num}"
            if not row or not any(row):
                continue
            try:
                if len(row) < len(header):
                    row = row + [""] * (len(header) - len(row))
                try:
                    "".join(row).encode("utf-8")  # undecodable bytes arrive as lone surrogates
                except UnicodeEncodeError:
                    raise RowError("row", "not UTF-8 text (wrong encoding?)") from None
                chain = chains.get(row[i_chain]) or normalize_chain(row[i_chain]) if (
                    i_chain is not None and row[i_chain]) else default_chain
                tx = row[i_hash].strip()
                if not _HASH.match(tx) and not (chain == "bitcoin" and re.fullmatch(r"[0-9a-fA-F]{64}", tx)):
                    raise RowError(mapping.columns["tx_hash"][0], "not a transaction hash (64 hex digits)", tx)
                tx = tx.lower()
                ends = []
                for idx, name in ((i_from, "from"), (i_to, "to")):
                    try:
                        w = validate_address(row[idx], chain)
                    except AddressError as exc:
                        raise RowError(mapping.columns[name][0], f"invalid address: {exc}", row[idx]) from exc
                    ends.append(w)
                decimals = default_decimals
                if i_dec is not None and row[i_dec].strip():
                    if not row[i_dec].strip().isdigit() or int(row[i_dec]) > 77:
                        raise RowError(mapping.columns["decimals"][0], "decimals must be 0-77", row[i_dec])
                    decimals = int(row[i_dec])
                amount = _amount(row[i_amount], mapping.amount_is_raw, decimals)
                asset = (row[i_asset].strip() if i_asset is not None else "") or default_asset
                log = row[i_log].strip() if i_log is not None else ""
                if log and not log.isdigit():
                    raise RowError(mapping.columns["log_index"][0], "a log index is a whole number", log)
                ts = _timestamp(row[i_ts], mapping.timestamp_format) if i_ts is not None else None
                props: dict[str, Any] = {"tx_hash": tx, "amount": amount, "chain": ends[0].chain}
                if log:
                    props["log_index"] = int(log)
                    key = f"{tx}:{int(log)}"
                else:
                    # no log index in the export: hash + ends + amount tells transfers in one tx apart
                    key = f"{tx}:{ends[0].address}:{ends[1].address}:{amount}"
                if asset:
                    props["asset"] = check_text(asset, "asset", 100)
                if ts:
                    props["timestamp"] = ts
                if i_contract is not None and row[i_contract].strip():
                    props["token_contract"] = check_text(row[i_contract].strip(), "token_contract", 200)
                ids = []
                for w in ends:
                    wid = seen.get(w)
                    ids.append(wid or "")
                    if wid is None:
                        wid = ids[-1] = seen[w] = wallet_id(w.chain, w.address)
                        wprops: dict[str, Any] = {"chain": w.chain, "address": w.address}
                        if asset:
                            wprops["asset"] = props["asset"]
                        e = _construct(
                            Entity, id=wid, label="Wallet", name=w.address, aliases=[], identifiers=[w.address],
                            properties=wprops, sources=[source.id], first_seen=None, last_seen=None,
                            referents=[],
                        )
                        ctx.labels[wid] = "Wallet"
                        yield e, where
                # every field above is checked as the model would check it; constructing without the
                # validators is what lets a million transfers load in seconds rather than minutes
                c = _construct(
                    Claim, id=claim_id(ids[0], "TRANSFERRED", ids[1], source.id, key), type="TRANSFERRED",
                    subject=ids[0], object=ids[1], source=source.id, grade=grade, valid_from=ts[:10] if ts else None,
                    valid_to=None, first_seen=None, last_seen=None, handling=options.handling,
                    quote="", key=key, properties=props,
                )
                yield c, where
            except RowError as exc:
                yield Reject(str(path), where, exc.field, exc.reason, exc.value)
            except (InvalidInput, AddressError) as exc:
                yield Reject(str(path), where, "row", str(exc))


def sniff_is_chain(path: Path) -> bool:
    try:
        return match_mapping(read_header(path)) is not None
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


