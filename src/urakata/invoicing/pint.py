"""JP PINT (Peppol International invoice, Japan) export: an invoice as UBL 2.1 XML.

Identifiers and business terms per facts.md §7: CustomizationID `urn:peppol:pint:billing-1@jp-1`,
ProfileID `urn:peppol:bis:billing`, type code 380 (a credit note is a UBL CreditNote, 381), seller
tax identifier = 登録番号, one TaxSubtotal per category and rate with the tax rounded once
(the stored per-rate totals; a 税込 invoice is written tax-exclusive, see pint_amounts), JPY
amounts as integers, the invoice period (ibg-14) always given.
Elements are written in the order the UBL 2.1 schema requires.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from urakata.invoicing.calc import RATES
from urakata.invoicing.models import Invoice
from urakata.invoicing.pint_amounts import PintAmounts, pint_amounts

NS = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CREDIT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CUSTOMIZATION_ID = "urn:peppol:pint:billing-1@jp-1"
PROFILE_ID = "urn:peppol:bis:billing"
CORPORATE_NUMBER_SCHEME = "0188"
UNIT_CODES = {
    "": "H87",
    "個": "H87",
    "式": "C62",
    "時間": "HUR",
    "月": "MON",
    "日": "DAY",
    "kg": "KGM",
}
CAC = "{" + NS["cac"] + "}"
CBC = "{" + NS["cbc"] + "}"


def _cbc(parent: ET.Element, tag: str, text: Any, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, CBC + tag, dict(attrs))
    node.text = str(text)
    return node


def _cac(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, CAC + name)


def _amount(parent: ET.Element, name: str, value: int) -> None:
    _cbc(parent, name, value, currencyID="JPY")


def _percent(category: str) -> str:
    return str(int(RATES[category] * 100))


def _tax_category(parent: ET.Element, name: str, category: str) -> None:
    node = _cac(parent, name)
    _cbc(node, "ID", category)
    _cbc(node, "Percent", _percent(category))
    if name == "TaxCategory" and category in ("E", "G"):
        reason = "非課税" if category == "E" else "輸出免税"
        _cbc(node, "TaxExemptionReason", reason)
    scheme = _cac(node, "TaxScheme")
    _cbc(scheme, "ID", "VAT")


def _party(
    parent: ET.Element,
    *,
    name: str,
    corporate_number: str,
    tax_id: str,
    postal_code: str = "",
    address: str = "",
) -> None:
    party = _cac(parent, "Party")
    if corporate_number:
        _cbc(party, "EndpointID", corporate_number, schemeID=CORPORATE_NUMBER_SCHEME)
    postal = _cac(party, "PostalAddress")
    if address:
        _cbc(postal, "StreetName", address)
    if postal_code:
        _cbc(postal, "PostalZone", postal_code)
    country = _cac(postal, "Country")
    _cbc(country, "IdentificationCode", "JP")
    if tax_id:
        scheme = _cac(party, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", tax_id)
        tax_scheme = _cac(scheme, "TaxScheme")
        _cbc(tax_scheme, "ID", "VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", name)


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _header(root: ET.Element, invoice: Invoice, credit: bool) -> None:
    """ibt-024/023 ids, number, dates, type code, currency, invoice period (ibg-14), and the
    preceding invoice (ibg-03) of a credit note."""
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", invoice.number or f"DRAFT-{invoice.pk}")
    _cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if invoice.due_date and not credit:
        _cbc(root, "DueDate", invoice.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    if invoice.notes:
        _cbc(root, "Note", invoice.notes[:1000])
    _cbc(root, "DocumentCurrencyCode", "JPY")
    period = _cac(root, "InvoicePeriod")
    _cbc(period, "StartDate", (invoice.period_start or invoice.transaction_date).isoformat())
    _cbc(period, "EndDate", invoice.transaction_date.isoformat())
    if credit and invoice.original is not None:
        ref = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(ref, "ID", invoice.original.number)
        _cbc(ref, "IssueDate", invoice.original.issue_date.isoformat())


def _parties(root: ET.Element, invoice: Invoice, company: Any) -> None:
    _party(
        _cac(root, "AccountingSupplierParty"),
        name=getattr(company, "name", ""),
        corporate_number=getattr(company, "corporate_number", ""),
        tax_id=getattr(company, "registration_number", ""),
        postal_code=getattr(company, "postal_code", ""),
        address=getattr(company, "address", ""),
    )
    cp = invoice.counterparty
    _party(
        _cac(root, "AccountingCustomerParty"),
        name=invoice.recipient_name or (cp.name if cp else "") or "-",
        corporate_number=cp.corporate_number if cp else "",
        tax_id="",
        postal_code=cp.postal_code if cp else "",
        address=cp.address if cp else "",
    )


def _payment_means(root: ET.Element, company: Any) -> None:
    """ibg-16/17: credit transfer to the company's account."""
    if not getattr(company, "account_number", None):
        return
    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", "30", name="Credit transfer")
    account = _cac(means, "PayeeFinancialAccount")
    _cbc(account, "ID", company.account_number)
    if company.account_holder_kana:
        _cbc(account, "Name", company.account_holder_kana)
    if company.bank_code or company.branch_code:
        branch = _cac(account, "FinancialInstitutionBranch")
        _cbc(branch, "ID", f"{company.bank_code}{company.branch_code}")


def _allowances(root: ET.Element, invoice: Invoice, amounts: PintAmounts) -> None:
    """ibg-20 / ibg-21: document-level allowances and charges with their tax category + rate."""
    for item in invoice.allowances.all():
        node = _cac(root, "AllowanceCharge")
        _cbc(node, "ChargeIndicator", "true" if item.is_charge else "false")
        _cbc(node, "AllowanceChargeReason", item.reason)
        _amount(node, "Amount", amounts.allowances[item.pk])
        _tax_category(node, "TaxCategory", item.tax_category)


def _totals(root: ET.Element, invoice: Invoice, amounts: PintAmounts) -> None:
    """ibg-23 one subtotal per category and rate (tax rounded once), ibg-22 document totals."""
    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", invoice.tax_total)
    for block in invoice.tax_totals.all():
        sub = _cac(tax_total, "TaxSubtotal")
        _amount(sub, "TaxableAmount", amounts.taxable[block.tax_category])
        _amount(sub, "TaxAmount", block.tax)
        _tax_category(sub, "TaxCategory", block.tax_category)
    net = sum(amounts.taxable.values())
    extras = list(invoice.allowances.all())
    allowance = sum(amounts.allowances[a.pk] for a in extras if not a.is_charge)
    charge = sum(amounts.allowances[a.pk] for a in extras if a.is_charge)
    totals = _cac(root, "LegalMonetaryTotal")
    for name, value in (
        ("LineExtensionAmount", net + allowance - charge),
        ("TaxExclusiveAmount", net),
        ("TaxInclusiveAmount", net + invoice.tax_total),
        ("AllowanceTotalAmount", allowance),
        ("ChargeTotalAmount", charge),
        ("PrepaidAmount", 0),
        ("PayableRoundingAmount", amounts.rounding),
        ("PayableAmount", invoice.total),
    ):
        _amount(totals, name, value)


def _lines(root: ET.Element, invoice: Invoice, credit: bool, amounts: PintAmounts) -> None:
    for line in invoice.lines.all():
        node = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(node, "ID", line.position)
        unit = UNIT_CODES.get(line.unit, "H87")
        quantity_tag = "CreditedQuantity" if credit else "InvoicedQuantity"
        _cbc(node, quantity_tag, _quantity(line.quantity), unitCode=unit)
        _amount(node, "LineExtensionAmount", amounts.net[line.pk])
        item = _cac(node, "Item")
        _cbc(item, "Name", line.description)
        _tax_category(item, "ClassifiedTaxCategory", line.tax_category)
        price = _cac(node, "Price")
        if invoice.prices_include_tax:  # the net price of the whole quantity
            _amount(price, "PriceAmount", abs(amounts.net[line.pk]))
            _cbc(price, "BaseQuantity", _quantity(abs(line.quantity)), unitCode=unit)
        else:
            _amount(price, "PriceAmount", line.unit_price)
            _cbc(price, "BaseQuantity", "1", unitCode=unit)


def invoice_xml(invoice: Invoice, company: Any) -> bytes:
    """The invoice (as stored: lines and per-rate totals) as JP PINT UBL 2.1 XML bytes."""
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    root_ns = CREDIT_NS if credit else NS[""]
    root = ET.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}")
    _header(root, invoice, credit)
    _parties(root, invoice, company)
    if not credit:
        _payment_means(root, company)
    amounts = pint_amounts(invoice)
    _allowances(root, invoice, amounts)
    _totals(root, invoice, amounts)
    _lines(root, invoice, credit, amounts)
    ET.register_namespace("", root_ns)
    ET.register_namespace("cac", NS["cac"])
    ET.register_namespace("cbc", NS["cbc"])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
