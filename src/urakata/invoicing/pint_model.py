"""JP PINT reading: the document model, safe XML parsing and the problem collector.

See pint_read for the rules.

Parsing goes through defusedxml with DTDs forbidden: no external entity is fetched, no entity is
expanded (billion laughs), and a DOCTYPE is refused outright. `pint_validate` returns every
problem as {"id", "message", "location"}; rule ids are those of the JP PINT 1.1.3 Schematron
(aligned-ibr-jp-*, aligned-ibrp-*-jp) or of the PINT/EN 16931 base families (ibr-co-*) where the
rule comes from there, and `ubl-*` for structure checks of this implementation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
INVOICE_ROOT = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
CREDIT_ROOT = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
CUSTOMIZATIONS = ("urn:peppol:pint:billing-1@jp-1", "urn:fdc:peppol:jp:billing:3.0")
PROFILES = ("urn:peppol:bis:billing", "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
TAX_CATEGORIES = ("AA", "E", "S", "G", "O")
T_NUMBER = re.compile(r"^T[0-9]{13}$")
INVOICE_SYSTEM_START = dt.date(2023, 10, 1)
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Problem:
    id: str
    message: str
    location: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "message": self.message, "location": self.location}


@dataclass
class PintLine:
    line_id: str
    name: str
    quantity: Decimal
    unit_code: str
    net: Decimal
    price: Decimal
    category: str
    percent: Decimal


@dataclass
class PintSubtotal:
    category: str
    percent: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass
class PintInvoice:
    """What an import needs from a JP PINT document (amounts in the document currency)."""

    kind: str = "invoice"
    number: str = ""
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: str = "JPY"
    tax_currency: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    seller_name: str = ""
    seller_tax_id: str = ""
    seller_endpoint: str = ""
    buyer_name: str = ""
    buyer_endpoint: str = ""
    lines: list[PintLine] = field(default_factory=list)
    subtotals: list[PintSubtotal] = field(default_factory=list)
    # ibt-190 per category in the tax accounting currency (JPY) when the document is not in JPY
    tax_currency_subtotals: list[PintSubtotal] = field(default_factory=list)
    tax_total: Decimal = Decimal(0)
    tax_total_tax_currency: Decimal | None = None
    line_total: Decimal = Decimal(0)
    allowance_total: Decimal = Decimal(0)
    charge_total: Decimal = Decimal(0)
    tax_exclusive: Decimal = Decimal(0)
    tax_inclusive: Decimal = Decimal(0)
    prepaid: Decimal = Decimal(0)
    rounding: Decimal = Decimal(0)
    payable: Decimal = Decimal(0)
    notes: str = ""


class PintParseError(ValueError):
    """The bytes are not a well-formed, safe XML document."""


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML: DTDs, entities and external references are refused."""
    if len(data) > MAX_BYTES:
        raise PintParseError("XMLファイルが大きすぎます(5MBまで)。")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PintParseError(
            "XMLにDTD・実体参照・外部参照が含まれています(安全のため読み込みません)。"
        ) from exc
    except (ParseError, ValueError) as exc:
        raise PintParseError(f"XMLとして読み込めません: {exc}") from exc


def _text(node: Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _dec(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, rule: str, message: str, location: str) -> None:
        self.problems.append(Problem(rule, message, location))

    def warn(self, rule: str, message: str, location: str) -> None:
        self.warnings.append(Problem(rule, message, location))

    def amount(
        self, node: Element | None, path: str, location: str, *, required: bool = True
    ) -> Decimal:
        text = _text(node, path)
        if not text:
            if required:
                self.error("ubl-amount", f"{path.split('}')[-1]} がありません。", location)
            return Decimal(0)
        value = _dec(text)
        if value is None:
            self.error("ubl-amount", f"金額「{text}」が数値ではありません。", location)
            return Decimal(0)
        return value
