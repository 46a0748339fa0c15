"""月次推移表 (the year's months side by side) and 補助科目 balances."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.ledger import cache
from urakata.ledger.models import Balance, JournalLine
from urakata.ledger.reports import (
    RETAINED_EARNINGS,
    _check_range,
    _fresh_chart,
    _fy_start,
    bs_amount,
    department_by_code,
    prior_years_profit,
    signed,
)


def _months(first: int, last: int) -> list[int]:
    months = []
    year, month = first // 100, first % 100
    while year * 100 + month <= last:
        months.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_trend(
    *, actor: Any, fiscal_year: int, department_code: str | None = None
) -> dict[str, Any]:
    """月次推移表: P/L accounts' monthly amounts and B/S accounts' month-end balances."""
    require(actor, "ledger.view_reports")
    department = department_by_code(department_code)
    chart = _fresh_chart()
    first, last = cache.fiscal_year_bounds(fiscal_year)
    months = _months(first, last)
    index = {month: i for i, month in enumerate(months)}
    queryset = Balance.objects.filter(period__lte=last)
    if department is not None:
        queryset = queryset.filter(dept_key=department.pk)
    pl: dict[int, list[int]] = {}
    bs: dict[int, list[int]] = {}
    opening: dict[int, int] = {}
    net_income = [0] * len(months)
    for row in queryset.values("account_id", "period").annotate(d=Sum("debit"), c=Sum("credit")):
        account = chart.accounts_by_id[row["account_id"]]
        if account.is_balance_sheet:
            amount = bs_amount(account, row["d"], row["c"])
            if row["period"] < first:
                opening[account.pk] = opening.get(account.pk, 0) + amount
            else:
                bs.setdefault(account.pk, [0] * len(months))[index[row["period"]]] += amount
        elif row["period"] >= first:
            values = pl.setdefault(account.pk, [0] * len(months))
            values[index[row["period"]]] += signed(account, row["d"], row["c"])
            net_income[index[row["period"]]] += row["c"] - row["d"]
    carried = prior_years_profit(first, department)
    if carried:
        retained = chart.accounts_by_code[RETAINED_EARNINGS].pk
        opening[retained] = opening.get(retained, 0) + carried
    pl_rows = [
        {
            "account_code": chart.accounts_by_id[pk].code,
            "account_name": chart.accounts_by_id[pk].name,
            "months": values,
            "total": sum(values),
        }
        for pk, values in sorted(pl.items(), key=lambda item: chart.accounts_by_id[item[0]].code)
        if any(values)
    ]
    bs_rows = []
    for pk in sorted(set(bs) | set(opening), key=lambda pk: chart.accounts_by_id[pk].code):
        running = opening.get(pk, 0)
        balances = []
        for movement in bs.get(pk, [0] * len(months)):
            running += movement
            balances.append(running)
        if any(balances) or opening.get(pk):
            account = chart.accounts_by_id[pk]
            bs_rows.append(
                {
                    "account_code": account.code,
                    "account_name": account.name,
                    "opening": opening.get(pk, 0),
                    "months": balances,
                }
            )
    return {
        "fiscal_year": fiscal_year,
        "department": department_code,
        "months": [f"{m // 100}-{m % 100:02d}" for m in months],
        "profit_and_loss": pl_rows,
        "net_income": net_income,
        "balance_sheet": bs_rows,
    }


def sub_account_balances(
    *, actor: Any, account_code: str, from_period: int, to_period: int
) -> dict[str, Any]:
    """補助科目残高一覧: per sub-account of one account, opening, debit, credit and balance."""
    require(actor, "ledger.view_reports")
    _check_range(from_period, to_period)
    account = cache.account_by_code(account_code)
    if account is None:
        raise NotFound(_("勘定科目が見つかりません。"))
    lines = JournalLine.objects.filter(account=account, period__lte=to_period)
    if not account.is_balance_sheet:
        lines = lines.filter(period__gte=_fy_start(from_period))
    in_range = Q(period__gte=from_period)
    rows = []
    totals = {"opening": 0, "debit": 0, "credit": 0, "balance": 0}
    for row in (
        lines.values("sub_account_id", "sub_account__code", "sub_account__name")
        .annotate(
            open_d=Coalesce(Sum(Case(When(~in_range, then=F("debit")), default=0)), 0),
            open_c=Coalesce(Sum(Case(When(~in_range, then=F("credit")), default=0)), 0),
            d=Coalesce(Sum(Case(When(in_range, then=F("debit")), default=0)), 0),
            c=Coalesce(Sum(Case(When(in_range, then=F("credit")), default=0)), 0),
        )
        .order_by("sub_account__code")
    ):
        opening = signed(account, row["open_d"], row["open_c"])
        balance = opening + signed(account, row["d"], row["c"])
        if not (opening or row["d"] or row["c"]):
            continue
        item = {
            "sub_account_code": row["sub_account__code"] or "",
            "sub_account_name": row["sub_account__name"] or _("(補助科目なし)"),
            "opening": opening,
            "debit": row["d"],
            "credit": row["c"],
            "balance": balance,
        }
        rows.append(item)
        for key in totals:
            totals[key] += item[key]
    return {
        "account_code": account.code,
        "account_name": account.name,
        "from": f"{from_period // 100}-{from_period % 100:02d}",
        "to": f"{to_period // 100}-{to_period % 100:02d}",
        "rows": rows,
        "totals": totals,
    }
