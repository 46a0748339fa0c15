"""JP PINT import and validation: safe parsing, the facts.md §7.3–7.4 rules and UBL structure.

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
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any
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


def _read(root: Element, check: _Checker) -> PintInvoice:
    credit = root.tag == CREDIT_ROOT
    doc = PintInvoice(kind="credit_note" if credit else "invoice")
    line_tag = CAC + ("CreditNoteLine" if credit else "InvoiceLine")
    qty_tag = CBC + ("CreditedQuantity" if credit else "InvoicedQuantity")
    for name, rule, allowed, bt in (
        ("CustomizationID", "aligned-ibrp-001-jp", CUSTOMIZATIONS, "ibt-024"),
        ("ProfileID", "aligned-ibrp-002-jp", PROFILES, "ibt-023"),
    ):
        value = _text(root, CBC + name)
        if not value:
            check.error(rule, f"{name} ({bt}) がありません。", f"/{name}")
        elif not value.startswith(allowed):
            check.error(rule, f"{name}「{value}」は JP PINT の値ではありません。", f"/{name}")
    doc.number = _text(root, CBC + "ID")
    if not doc.number:
        check.error("ubl-ibt-001", "請求書番号 (ibt-001) がありません。", "/ID")
    doc.issue_date = _date(_text(root, CBC + "IssueDate"))
    if doc.issue_date is None:
        check.error("ubl-ibt-002", "発行日 (ibt-002) がないか日付ではありません。", "/IssueDate")
    doc.due_date = _date(_text(root, CBC + "DueDate"))
    type_name = "CreditNoteTypeCode" if credit else "InvoiceTypeCode"
    type_code = _text(root, CBC + type_name)
    expected = "381" if credit else "380"
    if type_code != expected:
        check.error(
            "aligned-ibrp-cl-02-jp",
            f"{type_name} (ibt-003) は {expected} です(「{type_code}」)。",
            f"/{type_name}",
        )
    doc.currency = _text(root, CBC + "DocumentCurrencyCode")
    if not doc.currency:
        check.error("ubl-ibt-005", "通貨コード (ibt-005) がありません。", "/DocumentCurrencyCode")
    doc.tax_currency = _text(root, CBC + "TaxCurrencyCode")
    if doc.tax_currency and doc.tax_currency != "JPY":
        check.error(
            "aligned-ibr-jp-05", "税額の計上通貨 (ibt-006) は JPY です。", "/TaxCurrencyCode"
        )
    doc.notes = _text(root, CBC + "Note")
    period = root.find(CAC + "InvoicePeriod")
    doc.period_start = _date(_text(period, CBC + "StartDate"))
    doc.period_end = _date(_text(period, CBC + "EndDate"))
    _read_parties(root, doc, check)
    _read_tax(root, doc, check)
    _read_totals(root, doc, check)
    lines = root.findall(line_tag)
    if not lines:
        check.error("ubl-ibg-25", "明細 (ibg-25) が1行もありません。", f"/{line_tag.split('}')[1]}")
    line_periods = False
    for index, node in enumerate(lines, start=1):
        where = f"/{line_tag.split('}')[1]}[{index}]"
        if node.find(CAC + "InvoicePeriod") is not None:
            line_periods = True
        quantity = check.amount(node, qty_tag, where)
        qty_node = node.find(qty_tag)
        net = check.amount(node, CBC + "LineExtensionAmount", where)
        item = node.find(CAC + "Item")
        tax = item.find(CAC + "ClassifiedTaxCategory") if item is not None else None
        category = _text(tax, CBC + "ID")
        percent_text = _text(tax, CBC + "Percent")
        if not category or not percent_text:
            check.error(
                "aligned-ibrp-050-jp",
                "明細には税区分 (ibt-151) と税率 (ibt-152) が必要です。",
                where + "/Item/ClassifiedTaxCategory",
            )
        elif category not in TAX_CATEGORIES:
            check.error(
                "aligned-ibrp-cl-01-jp",
                f"税区分「{category}」は AA, E, S, G, O のいずれかです。",
                where + "/Item/ClassifiedTaxCategory/ID",
            )
        name = _text(item, CBC + "Name")
        if not name:
            check.error("ubl-ibt-153", "品名 (ibt-153) がありません。", where + "/Item/Name")
        price = check.amount(node.find(CAC + "Price"), CBC + "PriceAmount", where + "/Price")
        doc.lines.append(
            PintLine(
                line_id=_text(node, CBC + "ID"),
                name=name,
                quantity=quantity,
                unit_code=qty_node.get("unitCode", "") if qty_node is not None else "",
                net=net,
                price=price,
                category=category,
                percent=_dec(percent_text) or Decimal(0),
            )
        )
    if period is None and not line_periods:
        check.error(
            "aligned-ibrp-052-jp",
            "請求期間 (ibg-14) か明細の期間 (ibg-26) のどちらかが必要です。",
            "/InvoicePeriod",
        )
    return doc


def _read_parties(root: Element, doc: PintInvoice, check: _Checker) -> None:
    seller = root.find(CAC + "AccountingSupplierParty/" + CAC + "Party")
    if seller is None:
        check.error("ubl-ibg-04", "売り手 (ibg-04) がありません。", "/AccountingSupplierParty")
    doc.seller_name = _text(seller, CAC + "PartyLegalEntity/" + CBC + "RegistrationName")
    if seller is not None and not doc.seller_name:
        check.error(
            "ubl-ibt-027",
            "売り手の名称 (ibt-027) がありません。",
            "/AccountingSupplierParty/Party/PartyLegalEntity",
        )
    doc.seller_endpoint = _text(seller, CBC + "EndpointID")
    tax_ids = [
        scheme
        for scheme in (seller.findall(CAC + "PartyTaxScheme") if seller is not None else [])
        if _text(scheme, CAC + "TaxScheme/" + CBC + "ID") == "VAT"
    ]
    if not tax_ids:
        check.error(
            "aligned-ibr-jp-04",
            "売り手の登録番号 (ibt-031) がありません。",
            "/AccountingSupplierParty/Party/PartyTaxScheme",
        )
    elif len(tax_ids) > 1:
        check.error(
            "aligned-ibr-jp-04",
            "売り手の登録番号 (ibt-031) は1つだけです。",
            "/AccountingSupplierParty/Party/PartyTaxScheme",
        )
    else:
        doc.seller_tax_id = _text(tax_ids[0], CBC + "CompanyID")
    buyer = root.find(CAC + "AccountingCustomerParty/" + CAC + "Party")
    if buyer is None:
        check.error("ubl-ibg-07", "買い手 (ibg-07) がありません。", "/AccountingCustomerParty")
    doc.buyer_name = _text(buyer, CAC + "PartyLegalEntity/" + CBC + "RegistrationName")
    if buyer is not None and not doc.buyer_name:
        check.error(
            "ubl-ibt-044",
            "買い手の名称 (ibt-044) がありません。",
            "/AccountingCustomerParty/Party/PartyLegalEntity",
        )
    doc.buyer_endpoint = _text(buyer, CBC + "EndpointID")
    for scheme in root.iter(CAC + "TaxScheme"):
        value = _text(scheme, CBC + "ID")
        if value != "VAT":
            check.error(
                "aligned-ibr-jp-03", f"税の種類は VAT です(「{value}」)。", "//TaxScheme/ID"
            )
            break


def _currency(node: Element | None) -> str:
    return node.get("currencyID", "") if node is not None else ""


def _read_tax(root: Element, doc: PintInvoice, check: _Checker) -> None:
    totals = root.findall(CAC + "TaxTotal")
    in_document = [t for t in totals if _currency(t.find(CBC + "TaxAmount")) == doc.currency]
    if len(in_document) != 1:
        check.error(
            "aligned-ibrp-053-jp",
            "文書通貨の税額合計 (ibt-110) はちょうど1つです。",
            "/TaxTotal",
        )
    for tax_total in totals:
        amount_node = tax_total.find(CBC + "TaxAmount")
        currency = amount_node.get("currencyID", "") if amount_node is not None else ""
        total = check.amount(tax_total, CBC + "TaxAmount", "/TaxTotal")
        subtotals = []
        seen: set[tuple[str, Decimal]] = set()
        for index, sub in enumerate(tax_total.findall(CAC + "TaxSubtotal"), start=1):
            where = f"/TaxTotal/TaxSubtotal[{index}]"
            category = _text(sub, CAC + "TaxCategory/" + CBC + "ID")
            percent = _dec(_text(sub, CAC + "TaxCategory/" + CBC + "Percent") or "0") or Decimal(0)
            if category not in TAX_CATEGORIES:
                check.error(
                    "aligned-ibrp-cl-01-jp",
                    f"税区分「{category}」は AA, E, S, G, O のいずれかです。",
                    where,
                )
            key = (category, percent)
            if key in seen:
                check.error(
                    "aligned-ibrp-045-jp",
                    f"税区分 {category}・税率 {percent}% の内訳が重複しています。",
                    where,
                )
            seen.add(key)
            taxable = check.amount(
                sub, CBC + "TaxableAmount", where, required=currency == doc.currency
            )
            tax = check.amount(sub, CBC + "TaxAmount", where)
            if currency == "JPY" and tax != tax.to_integral_value():
                check.error(
                    "aligned-ibr-jp-06", f"円の税額 {tax} に小数があります。", where + "/TaxAmount"
                )
            if currency == doc.currency:
                exact = taxable * percent / 100
                low = exact.to_integral_value(rounding=ROUND_FLOOR)
                high = exact.to_integral_value(rounding=ROUND_CEILING)
                if doc.currency == "JPY" and not low <= tax <= high:
                    check.error(
                        "aligned-ibrp-051-jp",
                        f"税額 {tax} は 対象額 {taxable} × {percent}% の端数処理({low}〜{high})と合いません。",
                        where + "/TaxAmount",
                    )
            subtotals.append(PintSubtotal(category, percent, taxable, tax))
        if currency == "JPY" and total != total.to_integral_value():
            check.error(
                "aligned-ibr-jp-06", f"円の税額 {total} に小数があります。", "/TaxTotal/TaxAmount"
            )
        if currency == doc.currency:
            doc.subtotals = subtotals
            doc.tax_total = total
            if subtotals and sum(s.tax for s in subtotals) != total:
                check.error(
                    "ibr-co-14",
                    "税額合計 (ibt-110) が内訳の税額 (ibt-117) の合計と一致しません。",
                    "/TaxTotal/TaxAmount",
                )
        elif currency == "JPY":
            doc.tax_currency_subtotals = subtotals
            doc.tax_total_tax_currency = total


def _read_totals(root: Element, doc: PintInvoice, check: _Checker) -> None:
    node = root.find(CAC + "LegalMonetaryTotal")
    if node is None:
        check.error("ubl-ibg-22", "合計 (ibg-22) がありません。", "/LegalMonetaryTotal")
        return
    where = "/LegalMonetaryTotal"
    doc.line_total = check.amount(node, CBC + "LineExtensionAmount", where)
    doc.tax_exclusive = check.amount(node, CBC + "TaxExclusiveAmount", where)
    doc.tax_inclusive = check.amount(node, CBC + "TaxInclusiveAmount", where)
    doc.allowance_total = check.amount(node, CBC + "AllowanceTotalAmount", where, required=False)
    doc.charge_total = check.amount(node, CBC + "ChargeTotalAmount", where, required=False)
    doc.prepaid = check.amount(node, CBC + "PrepaidAmount", where, required=False)
    doc.rounding = check.amount(node, CBC + "PayableRoundingAmount", where, required=False)
    doc.payable = check.amount(node, CBC + "PayableAmount", where)


def _allowances(root: Element, check: _Checker) -> dict[str, Decimal]:
    """Document-level allowances (−) and charges (+) per tax category."""
    per_category: dict[str, Decimal] = {}
    for index, node in enumerate(root.findall(CAC + "AllowanceCharge"), start=1):
        where = f"/AllowanceCharge[{index}]"
        charge = _text(node, CBC + "ChargeIndicator") == "true"
        amount = check.amount(node, CBC + "Amount", where)
        category = _text(node, CAC + "TaxCategory/" + CBC + "ID")
        percent = _text(node, CAC + "TaxCategory/" + CBC + "Percent")
        if category != "O" and (not category or not percent):
            check.error(
                "aligned-ibrp-037-jp" if charge else "aligned-ibrp-032-jp",
                "文書レベルの値引・請求には税区分と税率が必要です。",
                where + "/TaxCategory",
            )
        per_category[category] = per_category.get(category, Decimal(0)) + (
            amount if charge else -amount
        )
    return per_category


def _arithmetic(root: Element, doc: PintInvoice, check: _Checker) -> None:
    lines_sum = sum((line.net for line in doc.lines), Decimal(0))
    if doc.lines and lines_sum != doc.line_total:
        check.error(
            "ibr-co-10",
            f"明細金額の合計 {lines_sum} が ibt-106 {doc.line_total} と一致しません。",
            "/LegalMonetaryTotal/LineExtensionAmount",
        )
    adjust = _allowances(root, check)
    allowances = -sum((v for v in adjust.values() if v < 0), Decimal(0))
    if doc.tax_exclusive != doc.line_total - doc.allowance_total + doc.charge_total:
        check.error(
            "ibr-co-13",
            "税抜合計 (ibt-109) = 明細合計 − 値引 + 請求 になっていません。",
            "/LegalMonetaryTotal/TaxExclusiveAmount",
        )
    if doc.tax_inclusive != doc.tax_exclusive + doc.tax_total:
        check.error(
            "ibr-co-15",
            "税込合計 (ibt-112) = 税抜合計 + 税額合計 になっていません。",
            "/LegalMonetaryTotal/TaxInclusiveAmount",
        )
    if doc.payable != doc.tax_inclusive - doc.prepaid + doc.rounding:
        check.error(
            "ibr-co-16",
            "支払金額 (ibt-115) = 税込合計 − 前払 + 端数調整 になっていません。",
            "/LegalMonetaryTotal/PayableAmount",
        )
    del allowances
    per_category: dict[str, Decimal] = {}
    for line in doc.lines:
        per_category[line.category] = per_category.get(line.category, Decimal(0)) + line.net
    for category, value in adjust.items():
        per_category[category] = per_category.get(category, Decimal(0)) + value
    stated: dict[str, Decimal] = {}
    for sub in doc.subtotals:
        stated[sub.category] = stated.get(sub.category, Decimal(0)) + sub.taxable
    for category in sorted(set(per_category) | set(stated)):
        if per_category.get(category, Decimal(0)) != stated.get(category, Decimal(0)):
            check.error(
                f"ibr-{category.lower()}-08",
                f"税区分 {category} の対象額 {stated.get(category, 0)} が明細・値引・請求の合計 "
                f"{per_category.get(category, 0)} と一致しません。",
                "/TaxTotal/TaxSubtotal",
            )
    if doc.subtotals and sum((s.taxable for s in doc.subtotals), Decimal(0)) != doc.tax_exclusive:
        check.error(
            "ibr-co-tax-base",
            "内訳の対象額の合計が税抜合計 (ibt-109) と一致しません。",
            "/TaxTotal",
        )


def _registration(doc: PintInvoice, check: _Checker) -> None:
    from stdnum.jp import cn

    dates = [d for d in (doc.issue_date, doc.period_start, doc.period_end) if d]
    if not doc.seller_tax_id:
        return
    if any(d >= INVOICE_SYSTEM_START for d in dates) and not T_NUMBER.fullmatch(doc.seller_tax_id):
        check.error(
            "aligned-ibr-jp-01",
            f"登録番号「{doc.seller_tax_id}」は「T」と13桁の数字ではありません。",
            "/AccountingSupplierParty/Party/PartyTaxScheme/CompanyID",
        )
    elif T_NUMBER.fullmatch(doc.seller_tax_id) and not cn.is_valid(doc.seller_tax_id[1:]):
        # facts.md §1.5: a sole proprietor's number may not carry the 法人番号 check digit.
        check.warn(
            "urakata-registration-check-digit",
            f"登録番号「{doc.seller_tax_id}」は法人番号のチェックデジットと合いません(個人事業者なら問題ありません)。",
            "/AccountingSupplierParty/Party/PartyTaxScheme/CompanyID",
        )


def pint_read(data: bytes) -> tuple[PintInvoice | None, list[Problem], list[Problem]]:
    """(document, errors, warnings) of JP PINT bytes; the document is None when unreadable."""
    check = _Checker()
    try:
        root = parse_xml(data)
    except PintParseError as exc:
        return None, [Problem("xml-wellformed", str(exc), "/")], []
    if root.tag not in (INVOICE_ROOT, CREDIT_ROOT):
        check.error("ubl-root", "UBL 2.1 の Invoice / CreditNote ではありません。", "/")
        return None, check.problems, []
    doc = _read(root, check)
    _arithmetic(root, doc, check)
    _registration(doc, check)
    return doc, check.problems, check.warnings


def pint_validate(data: bytes) -> dict[str, Any]:
    """`{"valid", "errors": [{"id", "message", "location"}], "warnings": [...]}` for a file."""
    _doc, errors, warnings = pint_read(data)
    from urakata.invoicing.pint_official import official_problems

    errors = errors + official_problems(data)
    return {
        "valid": not errors,
        "errors": [e.as_dict() for e in errors],
        "warnings": [w.as_dict() for w in warnings],
    }
