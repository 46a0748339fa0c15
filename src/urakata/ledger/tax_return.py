"""消費税申告: the figures of a consumption-tax return from the posted lines, and its settlement.

一般課税 (全額控除, 個別対応方式, 一括比例配分方式), 簡易課税 (事業区分 1–6, みなし仕入率) and
the 2割特例. Sales use the 割戻し calculation (課税標準額 = 税込売上 × 100/110, 千円未満切捨て);
purchases use the 積上げ calculation on the booked input tax (仮払消費税等 × 78/100), which is
what 税抜経理 with invoice-level tax amounts records. Rounding follows the return form:
課税標準額 千円未満切捨て, 差引税額 and 譲渡割額 百円未満切捨て, the rest 円未満切捨て.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db.models import Case, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require
from urakata.ledger import cache, services
from urakata.ledger.models import Balance, JournalEntry, JournalLine, LedgerSettings, TaxCode
from urakata.ledger.tax import rate_on

NATIONAL = {Decimal("0.10"): Decimal("0.078"), Decimal("0.08"): Decimal("0.0624")}
DEEMED_RATES = {
    1: Decimal("0.9"),
    2: Decimal("0.8"),
    3: Decimal("0.7"),
    4: Decimal("0.6"),
    5: Decimal("0.5"),
    6: Decimal("0.4"),
}
FULL_CREDIT_RATIO = Decimal("0.95")
FULL_CREDIT_SALES_LIMIT = 500_000_000  # 課税売上高 5億円 (annualised)
TRANSITIONAL_SUPPLIER_LIMIT = 100_000_000  # 経過措置 per supplier and year (facts.md §1.6)
TWO_TENTHS_LAST_DAY = dt.date(2026, 9, 30)
OUTPUT_TAX = "3240"  # 仮受消費税等
INPUT_TAX = "1570"  # 仮払消費税等
TAX_PAYABLE = "3180"  # 未払消費税等
TAX_RECEIVABLE = "1575"  # 未収消費税等
MISC_INCOME = "8130"  # 雑収入
MISC_LOSS = "8220"  # 雑損失
METHODS = ("general", "simplified", "two_tenths")


def _floor(value: Decimal, unit: int = 1) -> int:
    """Truncate towards zero to a multiple of `unit` (切捨て)."""
    whole = int(value.to_integral_value(rounding=ROUND_FLOOR)) if value >= 0 else -int(-value)
    return (whole // unit) * unit if whole >= 0 else -((-whole // unit) * unit)


def _months(from_period: int, to_period: int) -> int:
    return (to_period // 100 - from_period // 100) * 12 + to_period % 100 - from_period % 100 + 1


def _line_sums(from_period: int, to_period: int) -> list[Any]:
    """Per tax code and month: debit, credit, and the tax on each side (one grouped query)."""
    return list(
        JournalLine.objects.filter(
            period__gte=from_period, period__lte=to_period, tax_code__isnull=False
        )
        .values("tax_code_id", "period")
        .annotate(
            d=Coalesce(Sum("debit"), 0),
            c=Coalesce(Sum("credit"), 0),
            tax_d=Coalesce(Sum(Case(When(debit__gt=0, then=F("tax_amount")), default=0)), 0),
            tax_c=Coalesce(Sum(Case(When(credit__gt=0, then=F("tax_amount")), default=0)), 0),
        )
        .order_by("tax_code_id", "period")
    )


def _transitional_suppliers(from_period: int, to_period: int) -> list[dict[str, Any]]:
    """Purchases per supplier under the 経過措置 codes, flagged above the ¥100M/year limit."""
    from urakata.org.models import Counterparty

    rows = (
        JournalLine.objects.filter(
            period__gte=from_period,
            period__lte=to_period,
            tax_code__requires_unregistered=True,
        )
        .values("counterparty_id")
        .annotate(
            d=Coalesce(Sum("debit"), 0),
            c=Coalesce(Sum("credit"), 0),
            tax=Coalesce(Sum("tax_amount"), 0),
        )
        .order_by("counterparty_id")
    )
    names = dict(Counterparty.objects.values_list("pk", "name"))
    result = []
    for row in rows:
        amount = row["d"] - row["c"] + row["tax"]
        result.append(
            {
                "counterparty_id": row["counterparty_id"],
                "counterparty": names.get(row["counterparty_id"], ""),
                "amount": amount,
                "over_limit": amount > TRANSITIONAL_SUPPLIER_LIMIT,
            }
        )
    return result


def _validate(
    from_period: int, to_period: int, method: str, category: int | None
) -> tuple[dt.date, dt.date]:
    errors: dict[str, list[str]] = {}
    if from_period > to_period:
        errors["from"] = [_("期間の開始が終了より後です。")]
    if method not in METHODS:
        errors["method"] = [_("general / simplified / two_tenths のいずれかです。")]
    if category is not None and category not in DEEMED_RATES:
        errors["category"] = [_("事業区分は1〜6です。")]
    if errors:
        raise ValidationFailed(_("消費税申告の条件が正しくありません。"), errors=errors)
    first = dt.date(from_period // 100, from_period % 100, 1)
    last_month = dt.date(to_period // 100, to_period % 100, 1)
    last = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if method == "two_tenths" and first > TWO_TENTHS_LAST_DAY:
        raise ValidationFailed(
            _("2割特例は2026年9月30日を含む課税期間までしか使えません。"),
            errors={"method": [method]},
        )
    return first, last


@dataclass
class _Sums:
    """The period's taxed lines, summed the way the return form needs them."""

    sales: dict[str, dict[str, Any]] = field(default_factory=dict)
    returns_gross: dict[Decimal, int] = field(default_factory=dict)
    by_category: dict[int, Decimal] = field(default_factory=dict)
    exempt_sales: int = 0
    non_taxable_sales: int = 0
    input_tax: dict[str, int] = field(
        default_factory=lambda: {"taxable_sales": 0, "common": 0, "non_taxable_sales": 0}
    )
    transitional: dict[str, dict[str, int]] = field(default_factory=dict)


def _add_sales(
    sums: _Sums, code: TaxCode, row: dict[str, Any], rate: Decimal, default_category: int
) -> None:
    net = row["c"] - row["d"]
    tax = row["tax_c"] - row["tax_d"]
    if code.treatment == TaxCode.Treatment.EXPORT_EXEMPT:
        sums.exempt_sales += net
    elif code.treatment == TaxCode.Treatment.NON_TAXABLE:
        sums.non_taxable_sales += net
    elif code.treatment == TaxCode.Treatment.TAXABLE and code.is_return:
        sums.returns_gross[rate] = sums.returns_gross.get(rate, 0) - (net + tax)
        cat = code.business_category or default_category
        sums.by_category[cat] = sums.by_category.get(cat, Decimal(0)) + (net + tax) * NATIONAL.get(
            rate, Decimal(0)
        ) / (1 + rate)
    elif code.treatment == TaxCode.Treatment.TAXABLE:
        key = f"{int(rate * 100)}"
        bucket = sums.sales.setdefault(key, {"rate": rate, "net": 0, "tax": 0})
        bucket["net"] += net
        bucket["tax"] += tax
        cat = code.business_category or default_category
        sums.by_category[cat] = sums.by_category.get(cat, Decimal(0)) + (net + tax) * NATIONAL.get(
            rate, Decimal(0)
        ) / (1 + rate)


def _add_purchase(sums: _Sums, code: TaxCode, row: dict[str, Any], ratio: Decimal) -> None:
    booked = row["tax_d"] - row["tax_c"]
    sums.input_tax[code.purpose or "taxable_sales"] += booked
    if code.requires_unregistered:
        key = f"{int(ratio * 100)}"
        bucket_t = sums.transitional.setdefault(key, {"base": 0, "tax": 0})
        bucket_t["base"] += row["d"] - row["c"]
        bucket_t["tax"] += booked


def _sums(from_period: int, to_period: int, default_category: int) -> _Sums:
    chart = cache.chart_fresh()
    codes = {t.pk: t for t in TaxCode.objects.all()}
    sums = _Sums()
    for row in _line_sums(from_period, to_period):
        code = codes[row["tax_code_id"]]
        info = chart.tax_by_id.get(code.pk)
        day = dt.date(row["period"] // 100, row["period"] % 100, 1)
        rate, ratio = rate_on(info.rates, day) if info else (Decimal(0), Decimal(1))
        if code.kind == TaxCode.Kind.SALES:
            _add_sales(sums, code, row, rate, default_category)
        elif code.kind == TaxCode.Kind.PURCHASE and code.treatment == TaxCode.Treatment.TAXABLE:
            _add_purchase(sums, code, row, ratio)
    return sums


@dataclass
class _OutputTax:
    per_rate: list[dict[str, Any]]
    output_tax: int
    return_tax: int
    returns_total: int
    taxable_sales: int


def _output_tax(sums: _Sums) -> _OutputTax:
    """課税標準額 and 消費税額 per rate (割戻し), less the tax on returns."""
    per_rate = []
    output_tax = 0
    taxable_sales_net = Decimal(0)
    for key in sorted(sums.sales, reverse=True):
        bucket = sums.sales[key]
        rate = bucket["rate"]
        gross = bucket["net"] + bucket["tax"]
        standard = _floor(Decimal(gross) * 100 / (100 + rate * 100), 1000)
        national = _floor(Decimal(standard) * NATIONAL[rate])
        taxable_sales_net += Decimal(gross) * 100 / (100 + rate * 100)
        output_tax += national
        per_rate.append(
            {
                "rate": key,
                "sales_including_tax": gross,
                "taxable_base": standard,
                "national_tax": national,
            }
        )
    return_tax = 0
    returns_total = 0
    for rate, gross in sums.returns_gross.items():
        return_tax += _floor(Decimal(gross) * NATIONAL.get(rate, Decimal(0)) / (1 + rate))
        returns_total += gross
        taxable_sales_net -= Decimal(gross) / (1 + rate)
    return _OutputTax(per_rate, output_tax, return_tax, returns_total, _floor(taxable_sales_net))


@dataclass
class _Credit:
    ratio_value: Decimal
    annual: int
    national_input: dict[str, int]
    full_credit: bool
    deductible: int
    applied: str


def _credit(
    sums: _Sums,
    out: _OutputTax,
    *,
    method: str,
    credit_method: str,
    default_category: int,
    months: int,
) -> _Credit:
    """課税売上割合 and the deductible input tax under the chosen method."""
    numerator = out.taxable_sales + sums.exempt_sales
    denominator = numerator + sums.non_taxable_sales
    ratio_value = Decimal(numerator) / denominator if denominator > 0 else Decimal(1)
    annual = out.taxable_sales * 12 // max(months, 1)
    national_input = {k: _floor(Decimal(v) * Decimal("0.78")) for k, v in sums.input_tax.items()}
    total_input = sum(national_input.values())
    full_credit = ratio_value >= FULL_CREDIT_RATIO and annual <= FULL_CREDIT_SALES_LIMIT
    base_for_deemed = out.output_tax - out.return_tax
    if method == "simplified":
        total_cat = sum(sums.by_category.values(), Decimal(0))
        if total_cat > 0:
            weighted = (
                sum((v * DEEMED_RATES[c] for c, v in sums.by_category.items()), Decimal(0))
                / total_cat
            )
        else:
            weighted = DEEMED_RATES[default_category]
        deductible = _floor(Decimal(base_for_deemed) * weighted)
        applied = "simplified"
    elif method == "two_tenths":
        deductible = _floor(Decimal(base_for_deemed) * Decimal("0.8"))
        applied = "two_tenths"
    elif full_credit:
        deductible = total_input
        applied = "full"
    elif credit_method == "individual":
        deductible = national_input["taxable_sales"] + _floor(
            Decimal(national_input["common"]) * ratio_value
        )
        applied = "individual"
    else:
        deductible = _floor(Decimal(total_input) * ratio_value)
        applied = "proportional"
    return _Credit(ratio_value, annual, national_input, full_credit, deductible, applied)


def _dues(difference: int) -> tuple[int, int]:
    """(差引税額, 譲渡割額); 控除不足還付税額 (a negative difference) is not truncated."""
    national_due = _floor(Decimal(difference), 100) if difference >= 0 else difference
    local_due = (
        _floor(Decimal(national_due) * 22 / 78, 100)
        if national_due > 0
        else -_floor(Decimal(-national_due) * 22 / 78)
    )
    return national_due, local_due


def _figures(
    *,
    from_period: int,
    to_period: int,
    method: str,
    sums: _Sums,
    out: _OutputTax,
    credit: _Credit,
    dues: tuple[int, int, int],
    interim: tuple[int, int],
) -> dict[str, Any]:
    """The return's figures (keys in docs/modules/ledger.md), before the settlement."""
    difference, national_due, local_due = dues
    interim_national, interim_local = interim
    payable_national = national_due - interim_national
    payable_local = local_due - interim_local
    result: dict[str, Any] = {
        "from": f"{from_period // 100}-{from_period % 100:02d}",
        "to": f"{to_period // 100}-{to_period % 100:02d}",
        "method": method,
        "credit_method": credit.applied,
        "sales_by_rate": out.per_rate,
        "taxable_base_total": sum(r["taxable_base"] for r in out.per_rate),
        "national_tax": out.output_tax,
        "returns_including_tax": out.returns_total,
        "return_tax": out.return_tax,
        "taxable_sales": out.taxable_sales,
        "exempt_sales": sums.exempt_sales,
        "non_taxable_sales": sums.non_taxable_sales,
        "taxable_sales_ratio": str(credit.ratio_value.quantize(Decimal("0.0001"))),
        "annualised_taxable_sales": credit.annual,
        "full_credit_allowed": credit.full_credit,
        "input_tax_booked": sums.input_tax,
        "input_tax_national": credit.national_input,
        "transitional_purchases": sums.transitional,
        "transitional_suppliers": _transitional_suppliers(from_period, to_period),
        "deductible_input_tax": credit.deductible,
        "difference": difference,
        "national_due": national_due,
        "local_due": local_due,
        "interim_national": interim_national,
        "interim_local": interim_local,
        "payable_national": payable_national,
        "payable_local": payable_local,
        "payable_total": payable_national + payable_local,
    }
    return result


def tax_return(
    *,
    actor: Any,
    from_period: int,
    to_period: int,
    method: str | None = None,
    credit_method: str | None = None,
    category: int | None = None,
    interim_national: int = 0,
    interim_local: int = 0,
) -> dict[str, Any]:
    """The figures of a 消費税及び地方消費税の確定申告 for the months from..to (keys in
    docs/modules/ledger.md) and the settlement entry that clears 仮受/仮払消費税等."""
    require(actor, "ledger.view_reports")
    options = LedgerSettings.objects.order_by("pk").first() or LedgerSettings()
    method = method or options.tax_method
    credit_method = credit_method or options.credit_method
    _validate(from_period, to_period, method, category)
    if credit_method not in LedgerSettings.CreditMethod.values:
        raise ValidationFailed(
            _("消費税申告の条件が正しくありません。"),
            errors={"credit_method": [_("individual / proportional のいずれかです。")]},
        )
    default_category = category or options.simplified_category
    sums = _sums(from_period, to_period, default_category)
    out = _output_tax(sums)
    credit = _credit(
        sums,
        out,
        method=method,
        credit_method=credit_method,
        default_category=default_category,
        months=_months(from_period, to_period),
    )
    difference = out.output_tax - credit.deductible - out.return_tax
    national_due, local_due = _dues(difference)
    result = _figures(
        from_period=from_period,
        to_period=to_period,
        method=method,
        sums=sums,
        out=out,
        credit=credit,
        dues=(difference, national_due, local_due),
        interim=(interim_national, interim_local),
    )
    if method == "simplified":
        result["simplified_category"] = default_category
    settled = _settlement_entry(from_period, to_period)
    result["settled_entry"] = settled.display_number if settled else None
    result["settlement"] = (
        [] if settled else _settlement_lines(from_period, to_period, national_due + local_due)
    )
    return result


def _settlement_ref(from_period: int, to_period: int) -> str:
    return f"tax_return:{from_period}-{to_period}"


def _settlement_entry(from_period: int, to_period: int) -> JournalEntry | None:
    """The posted settlement of this return, unless it was reversed."""
    return (
        JournalEntry.objects.filter(
            source=JournalEntry.Source.ADJUSTMENT,
            source_ref=_settlement_ref(from_period, to_period),
            reversed_by__isnull=True,
        )
        .order_by("pk")
        .last()
    )


def tax_settlement_post(
    *,
    actor: Any,
    from_period: int,
    to_period: int,
    date: dt.date | None = None,
    **options: Any,
) -> JournalEntry:
    """Post the settlement entry of the return (未払消費税等; rounding to 雑収入/雑損失), once."""
    require(actor, "ledger.post")
    result = tax_return(actor=actor, from_period=from_period, to_period=to_period, **options)
    if result["settled_entry"]:
        raise Conflict(
            _("この期間の消費税の精算仕訳は記帳済みです(%(number)s)。")
            % {"number": result["settled_entry"]}
        )
    if not result["settlement"]:
        raise ValidationFailed(
            _("精算する消費税がありません。"),
            errors={"settlement": [_("仮受・仮払消費税等の残高がありません。")]},
        )
    if date is None:
        last_month = dt.date(to_period // 100, to_period % 100, 1)
        date = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return services.journal_entry_post(
        actor=actor,
        date=date,
        description=_("消費税等の精算 %(from)s〜%(to)s")
        % {"from": result["from"], "to": result["to"]},
        lines=result["settlement"],
        source=JournalEntry.Source.ADJUSTMENT,
        source_ref=_settlement_ref(from_period, to_period),
        tax_entry="none",
    )


def _settlement_lines(from_period: int, to_period: int, tax_due: int) -> list[dict[str, Any]]:
    """The closing entry: clear 仮受/仮払消費税等 against 未払(未収)消費税等; the rounding
    difference goes to 雑収入 or 雑損失 (interim payments stay where they were booked)."""
    chart = cache.chart()
    ids = {chart.accounts_by_code[c].pk: c for c in (OUTPUT_TAX, INPUT_TAX)}
    sums = {
        ids[row["account_id"]]: row["c"] - row["d"]
        for row in Balance.objects.filter(
            Q(period__gte=from_period) & Q(period__lte=to_period), account_id__in=list(ids)
        )
        .values("account_id")
        .annotate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
    }
    output = sums.get(OUTPUT_TAX, 0)  # credit balance
    paid_input = -sums.get(INPUT_TAX, 0)  # debit balance
    lines: list[dict[str, Any]] = []
    if output:
        lines.append(_line(OUTPUT_TAX, debit=output))
    if paid_input:
        lines.append(_line(INPUT_TAX, credit=paid_input))
    if tax_due > 0:
        lines.append(_line(TAX_PAYABLE, credit=tax_due))
    elif tax_due < 0:
        lines.append(_line(TAX_RECEIVABLE, debit=-tax_due))
    rest = output - paid_input - tax_due
    if rest > 0:
        lines.append(_line(MISC_INCOME, credit=rest))
    elif rest < 0:
        lines.append(_line(MISC_LOSS, debit=-rest))
    return [line for line in lines if line["debit"] or line["credit"]]


def _line(account: str, *, debit: int = 0, credit: int = 0) -> dict[str, Any]:
    if debit < 0 or credit < 0:
        debit, credit = max(-credit, 0) + max(debit, 0), max(-debit, 0) + max(credit, 0)
    return {"account": account, "debit": debit, "credit": credit, "tax_code": "OUT"}
