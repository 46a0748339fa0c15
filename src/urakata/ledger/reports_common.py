"""What the financial reports share: range checks, the fresh chart, signed amounts and the
balance sums they read (used by ``reports``, ``reports_ledger`` and ``monthly``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound, ValidationFailed
from urakata.ledger import cache
from urakata.ledger.models import Account, Balance, Category
from urakata.org.models import Department

BS_CATEGORIES = (Category.ASSET, Category.LIABILITY, Category.EQUITY)
RETAINED_EARNINGS = "4150"  # 繰越利益剰余金


def _check_range(from_period: int, to_period: int) -> None:
    if from_period > to_period:
        raise ValidationFailed(
            _("期間の開始が終了より後です。"), errors={"from": [str(from_period)]}
        )


def department_by_code(code: str | None) -> Department | None:
    """The department for a report filter, or NotFound."""
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("部門「%(code)s」が見つかりません。") % {"code": code})
    return department


def _fresh_chart() -> cache.ChartCache:
    """The cached chart, reloaded when another process changed it (renamed, deactivated) or an
    account exists that this process has not seen yet, so no balance row is ever dropped."""
    chart = cache.chart_fresh()
    known = len(chart.accounts_by_id)
    if Account.objects.count() != known:
        chart = cache.chart(reload=True)
    return chart


def signed(account: Account, debit: int, credit: int) -> int:
    """A balance on the account's normal side (資産・費用は借方、負債・純資産・収益は貸方)."""
    return debit - credit if account.normal_side == "debit" else credit - debit


def bs_amount(account: Account, debit: int, credit: int) -> int:
    """An amount as the balance sheet adds it: assets debit − credit, liabilities and equity
    credit − debit, so contra accounts (貸倒引当金, 減価償却累計額, 自己株式) come out negative."""
    return debit - credit if account.category == Category.ASSET else credit - debit


def _fy_start(period: int) -> int:
    year, month = period // 100, period % 100
    fiscal_year = cache.fiscal_year_of(dt.date(year, month, 1))
    return cache.fiscal_year_bounds(fiscal_year)[0]


def _balance_sums(
    from_period: int, to_period: int, department: Department | None, group_department: bool
) -> QuerySet[Any]:
    """One grouped query: opening and movement per account (and department)."""
    fy_start = _fy_start(from_period)
    bs_ids = [a.pk for a in cache.chart().accounts_by_id.values() if a.is_balance_sheet]
    queryset = Balance.objects.filter(period__lte=to_period).filter(
        Q(period__gte=fy_start) | Q(account_id__in=bs_ids)
    )
    if department is not None:
        queryset = queryset.filter(dept_key=department.pk)
    in_range = Q(period__gte=from_period)
    keys = ["account_id", "dept_key"] if group_department else ["account_id"]
    return (
        queryset.values(*keys)
        .annotate(
            open_debit=Coalesce(Sum(Case(When(~in_range, then=F("debit")), default=0)), 0),
            open_credit=Coalesce(Sum(Case(When(~in_range, then=F("credit")), default=0)), 0),
            debit_sum=Coalesce(Sum(Case(When(in_range, then=F("debit")), default=0)), 0),
            credit_sum=Coalesce(Sum(Case(When(in_range, then=F("credit")), default=0)), 0),
        )
        .order_by(*keys)
    )


def prior_years_profit(fy_start: int, department: Department | None = None) -> int:
    """Profit of every fiscal year before `fy_start` (credit − debit of P/L accounts).

    It is the part of 繰越利益剰余金 that no entry carries: each year's P/L closes into it when
    the next year opens (繰越), so reports add it to that account's opening balance.
    """
    pl_ids = [a.pk for a in cache.chart().accounts_by_id.values() if not a.is_balance_sheet]
    queryset = Balance.objects.filter(period__lt=fy_start, account_id__in=pl_ids)
    if department is not None:
        queryset = queryset.filter(dept_key=department.pk)
    sums = queryset.aggregate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
    return int(sums["c"]) - int(sums["d"])
