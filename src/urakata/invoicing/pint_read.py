"""JP PINT import and validation: safe parsing, the facts.md §7.3–7.4 rules and UBL structure.

Parsing goes through defusedxml with DTDs forbidden: no external entity is fetched, no entity is
expanded (billion laughs), and a DOCTYPE is refused outright. `pint_validate` returns every
problem as {"id", "message", "location"}; rule ids are those of the JP PINT 1.1.3 Schematron
(aligned-ibr-jp-*, aligned-ibrp-*-jp) or of the PINT/EN 16931 base families (ibr-co-*) where the
rule comes from there, and `ubl-*` for structure checks of this implementation.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any
from xml.etree.ElementTree import Element

from urakata.invoicing.pint_model import (
    CAC,
    CBC,
    CREDIT_ROOT,
    CUSTOMIZATIONS,
    INVOICE_ROOT,
    PROFILES,
    TAX_CATEGORIES,
    PintInvoice,
    PintLine,
    PintParseError,
    PintSubtotal,
    Problem,
    _Checker,
    _date,
    _dec,
    _text,
    parse_xml,
)
from urakata.invoicing.pint_rules import arithmetic, registration

__all__ = ["PintParseError", "parse_xml", "pint_read", "pint_validate"]


def _read_header(root: Element, doc: PintInvoice, check: _Checker, credit: bool) -> None:
    """ibt-024/023 (aligned-ibrp-001/002-jp), number, dates, type code, currencies, period."""
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
        check.error("ibr-002", "請求書番号 (ibt-001) がありません。", "/ID")
    doc.issue_date = _date(_text(root, CBC + "IssueDate"))
    if doc.issue_date is None:
        check.error("ibr-003", "発行日 (ibt-002) がないか日付ではありません。", "/IssueDate")
    doc.due_date = _date(_text(root, CBC + "DueDate"))
    type_name = "CreditNoteTypeCode" if credit else "InvoiceTypeCode"
    type_code = _text(root, CBC + type_name)
    expected = "381" if credit else "380"
    if type_code != expected:
        message = f"{type_name} (ibt-003) は {expected} です(「{type_code}」)。"
        check.error("aligned-ibrp-cl-02-jp", message, f"/{type_name}")
    doc.currency = _text(root, CBC + "DocumentCurrencyCode")
    if not doc.currency:
        check.error("ibr-005", "通貨コード (ibt-005) がありません。", "/DocumentCurrencyCode")
    doc.tax_currency = _text(root, CBC + "TaxCurrencyCode")
    if doc.tax_currency and doc.tax_currency != "JPY":
        message = "税額の計上通貨 (ibt-006) は JPY です。"
        check.error("aligned-ibr-jp-05", message, "/TaxCurrencyCode")
    doc.notes = _text(root, CBC + "Note")
    period = root.find(CAC + "InvoicePeriod")
    doc.period_start = _date(_text(period, CBC + "StartDate"))
    doc.period_end = _date(_text(period, CBC + "EndDate"))


def _read_line(node: Element, where: str, qty_tag: str, check: _Checker) -> PintLine:
    """One invoice line: quantity, net amount, item name, tax category + rate, price."""
    quantity = check.amount(node, qty_tag, where)
    qty_node = node.find(qty_tag)
    net = check.amount(node, CBC + "LineExtensionAmount", where)
    item = node.find(CAC + "Item")
    tax = item.find(CAC + "ClassifiedTaxCategory") if item is not None else None
    category = _text(tax, CBC + "ID")
    percent_text = _text(tax, CBC + "Percent")
    if not category or not percent_text:
        message = "明細には税区分 (ibt-151) と税率 (ibt-152) が必要です。"
        check.error("aligned-ibrp-050-jp", message, where + "/Item/ClassifiedTaxCategory")
    elif category not in TAX_CATEGORIES:
        message = f"税区分「{category}」は AA, E, S, G, O のいずれかです。"
        check.error("aligned-ibrp-cl-01-jp", message, where + "/Item/ClassifiedTaxCategory/ID")
    name = _text(item, CBC + "Name")
    if not name:
        check.error("ibr-025", "品名 (ibt-153) がありません。", where + "/Item/Name")
    price = check.amount(node.find(CAC + "Price"), CBC + "PriceAmount", where + "/Price")
    return PintLine(
        line_id=_text(node, CBC + "ID"),
        name=name,
        quantity=quantity,
        unit_code=qty_node.get("unitCode", "") if qty_node is not None else "",
        net=net,
        price=price,
        category=category,
        percent=_dec(percent_text) or Decimal(0),
    )


def _read(root: Element, check: _Checker) -> PintInvoice:
    credit = root.tag == CREDIT_ROOT
    doc = PintInvoice(kind="credit_note" if credit else "invoice")
    line_name = "CreditNoteLine" if credit else "InvoiceLine"
    qty_tag = CBC + ("CreditedQuantity" if credit else "InvoicedQuantity")
    _read_header(root, doc, check, credit)
    _read_parties(root, doc, check)
    _read_tax(root, doc, check)
    _read_totals(root, doc, check)
    lines = root.findall(CAC + line_name)
    if not lines:
        check.error("ibr-016", "明細 (ibg-25) が1行もありません。", f"/{line_name}")
    line_periods = False
    for index, node in enumerate(lines, start=1):
        line_periods = line_periods or node.find(CAC + "InvoicePeriod") is not None
        doc.lines.append(_read_line(node, f"/{line_name}[{index}]", qty_tag, check))
    if root.find(CAC + "InvoicePeriod") is None and not line_periods:
        message = "請求期間 (ibg-14) か明細の期間 (ibg-26) のどちらかが必要です。"
        check.error("aligned-ibrp-052", message, "/InvoicePeriod")
    return doc


def _read_parties(root: Element, doc: PintInvoice, check: _Checker) -> None:
    seller = root.find(CAC + "AccountingSupplierParty/" + CAC + "Party")
    if seller is None:
        check.error("ubl-ibg-04", "売り手 (ibg-04) がありません。", "/AccountingSupplierParty")
    doc.seller_name = _text(seller, CAC + "PartyLegalEntity/" + CBC + "RegistrationName")
    if seller is not None and not doc.seller_name:
        check.error(
            "ibr-006",
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
            "ibr-007",
            "買い手の名称 (ibt-044) がありません。",
            "/AccountingCustomerParty/Party/PartyLegalEntity",
        )
    doc.buyer_endpoint = _text(buyer, CBC + "EndpointID")
    for party, found, rule, who in (
        (seller, doc.seller_endpoint, "ibr-081", "売り手"),
        (buyer, doc.buyer_endpoint, "ibr-080", "買い手"),
    ):
        if party is not None and not found:
            check.error(
                rule,
                f"{who}の電子アドレス (Peppol ID、法人番号など) がありません。"
                "Peppol で送るには法人番号を登録してください。",
                "/EndpointID",
            )
    for scheme in root.iter(CAC + "TaxScheme"):
        value = _text(scheme, CBC + "ID")
        if value != "VAT":
            check.error(
                "aligned-ibr-jp-03", f"税の種類は VAT です(「{value}」)。", "//TaxScheme/ID"
            )
            break


def _currency(node: Element | None) -> str:
    return node.get("currencyID", "") if node is not None else ""


def _read_subtotal(
    sub: Element, where: str, currency: str, doc: PintInvoice, check: _Checker
) -> PintSubtotal:
    """One ibg-23 block: category code list, JPY without decimals, tax within floor/ceiling."""
    category = _text(sub, CAC + "TaxCategory/" + CBC + "ID")
    percent = _dec(_text(sub, CAC + "TaxCategory/" + CBC + "Percent") or "0") or Decimal(0)
    if category not in TAX_CATEGORIES:
        message = f"税区分「{category}」は AA, E, S, G, O のいずれかです。"
        check.error("aligned-ibrp-cl-01-jp", message, where)
    in_document = currency == doc.currency
    taxable = check.amount(sub, CBC + "TaxableAmount", where, required=in_document)
    tax = check.amount(sub, CBC + "TaxAmount", where)
    if currency == "JPY" and tax != tax.to_integral_value():
        message = f"円の税額 {tax} に小数があります。"
        check.error("aligned-ibr-jp-06", message, where + "/TaxAmount")
    if in_document and doc.currency == "JPY":
        exact = taxable * percent / 100
        low = exact.to_integral_value(rounding=ROUND_FLOOR)
        high = exact.to_integral_value(rounding=ROUND_CEILING)
        if not low <= tax <= high:
            message = f"税額 {tax} は 対象額 {taxable} × {percent}% の端数処理({low}〜{high})と合いません。"
            check.error("aligned-ibrp-051-jp", message, where + "/TaxAmount")
    return PintSubtotal(category, percent, taxable, tax)


def _read_tax(root: Element, doc: PintInvoice, check: _Checker) -> None:
    """ibg-23 per currency: one TaxTotal in the document currency (aligned-ibrp-053-jp), at
    most one block per category and rate, ibt-110 = Σ ibt-117 (ibr-co-14)."""
    totals = root.findall(CAC + "TaxTotal")
    in_document = [t for t in totals if _currency(t.find(CBC + "TaxAmount")) == doc.currency]
    if len(in_document) != 1:
        message = "文書通貨の税額合計 (ibt-110) はちょうど1つです。"
        check.error("aligned-ibrp-053-jp", message, "/TaxTotal")
    for tax_total in totals:
        currency = _currency(tax_total.find(CBC + "TaxAmount"))
        total = check.amount(tax_total, CBC + "TaxAmount", "/TaxTotal")
        subtotals: list[PintSubtotal] = []
        for index, sub in enumerate(tax_total.findall(CAC + "TaxSubtotal"), start=1):
            where = f"/TaxTotal/TaxSubtotal[{index}]"
            block = _read_subtotal(sub, where, currency, doc, check)
            if any((s.category, s.percent) == (block.category, block.percent) for s in subtotals):
                message = f"税区分 {block.category}・税率 {block.percent}% の内訳が重複しています。"
                check.error("ubl-ibg-23-unique", message, where)
            subtotals.append(block)
        if currency == "JPY" and total != total.to_integral_value():
            message = f"円の税額 {total} に小数があります。"
            check.error("aligned-ibr-jp-06", message, "/TaxTotal/TaxAmount")
        if currency == doc.currency:
            doc.subtotals, doc.tax_total = subtotals, total
            if subtotals and sum(s.tax for s in subtotals) != total:
                message = "税額合計 (ibt-110) が内訳の税額 (ibt-117) の合計と一致しません。"
                check.error("ibr-co-14", message, "/TaxTotal/TaxAmount")
        elif currency == "JPY":
            doc.tax_currency_subtotals, doc.tax_total_tax_currency = subtotals, total


def _read_totals(root: Element, doc: PintInvoice, check: _Checker) -> None:
    node = root.find(CAC + "LegalMonetaryTotal")
    if node is None:
        check.error("ibr-015", "合計 (ibg-22) がありません。", "/LegalMonetaryTotal")
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
    arithmetic(root, doc, check)
    registration(doc, check)
    return doc, check.problems, check.warnings


def pint_validate(data: bytes) -> dict[str, Any]:
    """`{"valid", "errors": [{"id", "message", "location"}], "warnings": [...]}` for a file."""
    doc, errors, warnings = pint_read(data)
    from urakata.invoicing.pint_official import official_problems

    if doc is not None:
        # Only a file our safe parser accepted (no DTD, no entities) reaches Saxon. The official
        # rules repeat several of our checks: keep ours (with the Japanese message) once.
        ours = {e.id for e in errors}
        errors = errors + [p for p in official_problems(data) if p.id not in ours]
    return {
        "valid": not errors,
        "errors": [e.as_dict() for e in errors],
        "warnings": [w.as_dict() for w in warnings],
    }
