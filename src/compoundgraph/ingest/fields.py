"""Turning cells into checked values: dates, countries, grades, coordinates, numbers, lists, identifiers.

Shared by the spreadsheet, FtM and curated-dataset readers so that "KH", "KHM" and "Cambodia" all land as
``KH``, and a latitude of 200 is refused with the field's name instead of drawing a point off the map.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import InvalidInput
from ..grades import Grade
from ..ids import entity_id
from ..models import iso_date
from ..ontology import ontology
from .addresses import AddressError, validate_address
from .base import RowError, formula_like
from .gazetteer import country_code
from .identifiers import normalize_email, normalize_handle, normalize_phone

__all__ = [
    "cell_text",
    "coerce_property",
    "to_date",
    "to_country",
    "to_grade",
    "split_list",
    "wallet_id",
    "slug",
    "LIST_SEP",
    "MAX_CELL",
]

LIST_SEP = re.compile(r"\s*[;|]\s*")
MAX_CELL = 20_000
_COUNTRY_PROPS = {"country", "nationality"}
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), start=1
    )
}
_LONG_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")


def cell_text(value: Any, field: str) -> str | None:
    """A cell as trimmed text; formulas and oversized cells are refused, never evaluated."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    if len(text) > MAX_CELL:
        raise RowError(field, f"cell is {len(text):,} characters; the limit is {MAX_CELL:,}", text[:60])
    if "\udc80" <= max(text) and any("\udc80" <= ch <= "\udcff" for ch in text):
        raise RowError(field, "not UTF-8 text (wrong encoding?)", text.encode("utf-8", "replace")[:60])
    if formula_like(text):
        raise RowError(field, "looks like a spreadsheet formula (formula injection); refused", text)
    return text


def slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]+", "_", name.strip()).strip("_").lower()
    if not s or not s[0].isalpha():
        s = f"col_{s}"
    return s[:64]


def to_date(value: Any, field: str) -> str | None:
    """A cell as ``YYYY-MM-DD``: what the models take (:func:`~compoundgraph.models.iso_date`), plus the date of
    a timestamp and a long date such as '10 March 2025'."""
    text = str(value).strip() if value is not None else ""
    if isinstance(value, dt.date) or not text or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return iso_date(value if isinstance(value, dt.date) else text, field)
        except InvalidInput as exc:
            raise RowError(field, "not a real date", text) from exc
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?", text):
        return text[:10]
    m = _LONG_DATE.match(text)
    if m and m.group(2).lower() in _MONTHS:
        try:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))).isoformat()
        except ValueError as exc:
            raise RowError(field, "not a real date", text) from exc
    raise RowError(field, "expected a date as YYYY-MM-DD (or '10 March 2025')", text)


def to_country(value: Any, field: str) -> str | None:
    text = cell_text(value, field)
    if text is None:
        return None
    code = country_code(text)
    if code is None:
        raise RowError(field, "unknown country (use an ISO code like KH or a name like Cambodia)", text)
    return code


def to_grade(value: Any, field: str) -> str | None:
    text = cell_text(value, field)
    if text is None:
        return None
    try:
        return str(Grade.parse(text))
    except Exception as exc:
        raise RowError(field, "not an Admiralty grade (A-F then 1-6, e.g. B2)", text) from exc


def split_list(value: Any, field: str) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = [cell_text(v, field) for v in value]
    else:
        text = cell_text(value, field)
        items = LIST_SEP.split(text) if text else []
    return [i for i in items if i]


def wallet_id(chain: str, address: str) -> str:
    """The one id a wallet has everywhere: chain + canonical address, exactly as the ``Entity`` model
    computes it for a Wallet without an id (``key_only``: the name does not count)."""
    return entity_id("Wallet", "", [chain, address])


def coerce_property(label: str, name: str, value: Any, region: str | None = None) -> Any:
    """Check one property against the ontology's declared type (unknown properties are kept as text)."""
    field = name
    kind = ontology().labels[label].properties.get(name, "string")
    if value is None or value == "":
        return None
    if name in _COUNTRY_PROPS:
        return to_country(value, field)
    if kind == "date":
        return to_date(value, field)
    if kind in ("int", "float"):
        if isinstance(value, bool):
            raise RowError(field, f"expected a number, got {value!r}", value)
        text = cell_text(value, field)
        try:
            number = float(str(text).replace(",", "")) if kind == "float" else int(str(text).replace(",", ""))
        except ValueError as exc:
            raise RowError(field, f"expected {'a number' if kind == 'float' else 'a whole number'}", text) from exc
        if name == "lat" and not -90 <= number <= 90:
            raise RowError(field, "latitude must be between -90 and 90", text)
        if name == "lon" and not -180 <= number <= 180:
            raise RowError(field, "longitude must be between -180 and 180", text)
        return number
    if kind == "list":
        return split_list(value, field)
    text = cell_text(value, field)
    if text is None:
        return None
    if kind.startswith("enum:"):
        allowed = kind[5:].split("|")
        if text.lower() not in allowed:
            raise RowError(field, f"must be one of {', '.join(allowed)}", text)
        return text.lower()
    if label == "Account" and name == "phone":
        e164 = normalize_phone(text, region)
        if e164 is None:
            raise RowError(field, "not a valid phone number (write it with its +country code)", text)
        return e164
    if label == "Account" and name == "email":
        email = normalize_email(text)
        if email is None:
            raise RowError(field, "not an e-mail address", text)
        return email
    if label == "Account" and name == "handle":
        return text.lstrip("@")
    if label == "Account" and name in ("iban", "bic"):
        return bank_code(name, text)
    if label == "Wallet" and name == "chain":
        from .addresses import normalize_chain

        try:
            return normalize_chain(text)
        except AddressError as exc:
            raise RowError(field, str(exc), text) from exc
    return text


def check_wallet(chain: str | None, address: str, field: str = "address") -> tuple[str, str]:
    try:
        w = validate_address(address, chain)
    except AddressError as exc:
        raise RowError(field, f"invalid wallet address: {exc}", address) from exc
    return w.chain, w.address


def telegram_handle(text: str) -> str | None:
    return normalize_handle(text)


def bank_code(kind: str, text: str) -> str:
    """An IBAN (checksum, length and bank code for its country) or a BIC, validated with ``schwifty`` and
    returned in compact form; a RowError naming the field otherwise."""
    from schwifty import BIC, IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        return str(IBAN(text).compact if kind == "iban" else BIC(text).compact)
    except SchwiftyException as exc:
        raise RowError(kind, f"not a valid {kind.upper()}: {exc}", text) from exc


def bank_account(props: dict[str, Any]) -> dict[str, Any]:
    """A bank account's properties: platform ``bank``, the handle that identifies it (the IBAN, else bank +
    account number) and, from an IBAN, its country."""
    iban, bank, number = props.get("iban"), props.get("bank"), props.get("account_number")
    if not iban and not (bank and number):
        raise RowError("iban", "a bank account needs an IBAN, or a bank and an account number")
    out = {**props, "platform": "bank"}
    out["handle"] = str(iban) if iban else f"{bank}:{number}"
    if iban and not out.get("country"):
        out["country"] = str(iban)[:2]
    return out
