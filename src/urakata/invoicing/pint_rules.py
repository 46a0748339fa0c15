"""JP PINT arithmetic and identifier rules: totals that add up (ibr-co-*), per-category taxable
amounts, document allowances/charges (aligned-ibrp-032/037-jp), the 登録番号 (aligned-ibr-jp-01)."""

from __future__ import annotations

from decimal import Decimal
from xml.etree.ElementTree import Element

from urakata.invoicing.pint_model import (
    CAC,
    CBC,
    INVOICE_SYSTEM_START,
    T_NUMBER,
    PintInvoice,
    _Checker,
    _text,
)


def allowances(root: Element, check: _Checker) -> dict[str, Decimal]:
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


def arithmetic(root: Element, doc: PintInvoice, check: _Checker) -> None:
    lines_sum = sum((line.net for line in doc.lines), Decimal(0))
    if doc.lines and lines_sum != doc.line_total:
        check.error(
            "ibr-co-10",
            f"明細金額の合計 {lines_sum} が ibt-106 {doc.line_total} と一致しません。",
            "/LegalMonetaryTotal/LineExtensionAmount",
        )
    adjust = allowances(root, check)
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
            "urakata-tax-base",
            "内訳の対象額の合計が税抜合計 (ibt-109) と一致しません。",
            "/TaxTotal",
        )


def registration(doc: PintInvoice, check: _Checker) -> None:
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
