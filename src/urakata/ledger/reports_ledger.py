"""総勘定元帳 (general ledger): the lines of one account over a range of months, each with its
相手科目 and running balance, with 前期繰越 / 前月繰越, 月計 and 累計."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.ledger import cache
from urakata.ledger.models import Account, Balance, JournalLine
from urakata.ledger.reports_common import (
    RETAINED_EARNINGS,
    _check_range,
    _fresh_chart,
    _fy_start,
    department_by_code,
    prior_years_profit,
    signed,
)

TAX_ACCOUNTS = ("1570", "3240")  # 仮払消費税等, 仮受消費税等: split off, not the counter account


def _counter_names(entry_ids: set[int], account: Account) -> dict[tuple[int, bool], str]:
    """相手科目 per (entry, side of the ledger line): the one account on the other side, the
    tax line left out (an expense paid from the bank shows the expense, not 諸口); 諸口 when
    several accounts remain."""
    chart = _fresh_chart()
    other: dict[tuple[int, bool], set[str]] = {}
    for entry_id, account_id, debit in (
        JournalLine.objects.filter(entry_id__in=entry_ids)
        .exclude(account=account)
        .values_list("entry_id", "account_id", "debit")
    ):
        code = chart.accounts_by_id[account_id].code
        # a line on the debit side of this ledger has its counter accounts on the credit side
        other.setdefault((entry_id, debit == 0), set()).add(code)
    names: dict[tuple[int, bool], str] = {}
    for key, codes in other.items():
        main = codes - set(TAX_ACCOUNTS) if account.code not in TAX_ACCOUNTS else codes
        chosen = main or codes
        names[key] = chart.accounts_by_code[next(iter(chosen))].name if len(chosen) == 1 else "諸口"
    return names


def general_ledger(
    *,
    actor: Any,
    account_code: str,
    from_period: int,
    to_period: int,
    department_code: str | None = None,
    limit: int = 5000,
) -> dict[str, Any]:
    """総勘定元帳: 前期繰越 / 前月繰越, each line with its 相手科目 and running balance, and per
    month 月計 and 累計 (from the start of the fiscal year, from the balances table)."""
    require(actor, "ledger.view_reports")
    _check_range(from_period, to_period)
    account = cache.account_by_code(account_code)
    if account is None:
        raise NotFound(_("勘定科目が見つかりません。"))
    department = department_by_code(department_code)
    fy_start = _fy_start(from_period)
    balances = Balance.objects.filter(account=account, period__lte=to_period)
    if not account.is_balance_sheet:
        balances = balances.filter(period__gte=fy_start)
    if department is not None:
        balances = balances.filter(dept_key=department.pk)
    per_month: dict[int, list[int]] = {}
    opening_d = opening_c = 0
    for period, debit, credit in balances.values_list("period", "debit", "credit"):
        if period < from_period:
            opening_d, opening_c = opening_d + debit, opening_c + credit
        month = per_month.setdefault(period, [0, 0])
        month[0] += debit
        month[1] += credit
    opening = signed(account, opening_d, opening_c)
    if account.code == RETAINED_EARNINGS:
        opening += prior_years_profit(fy_start, department)
    lines_qs = JournalLine.objects.filter(
        account=account, period__gte=from_period, period__lte=to_period
    )
    if department is not None:
        lines_qs = lines_qs.filter(department=department)
    lines = list(
        lines_qs.select_related("entry", "sub_account", "tax_code").order_by(
            "date", "entry__number", "line_no"
        )[:limit]
    )
    counters = _counter_names({line.entry_id for line in lines}, account)
    cumulative = [
        sum(v[0] for p, v in per_month.items() if fy_start <= p < from_period),
        sum(v[1] for p, v in per_month.items() if fy_start <= p < from_period),
    ]
    month_ends: dict[int, dict[str, Any]] = {}
    running_month = opening
    for period in sorted(p for p in per_month if from_period <= p <= to_period):
        debit, credit = per_month[period]
        cumulative = [cumulative[0] + debit, cumulative[1] + credit]
        running_month += signed(account, debit, credit)
        month_ends[period] = {
            "period": f"{period // 100}-{period % 100:02d}",
            "debit": debit,
            "credit": credit,
            "cumulative_debit": cumulative[0],
            "cumulative_credit": cumulative[1],
            "balance": running_month,
        }
    running = opening
    rows = []
    for index, line in enumerate(lines):
        running += signed(account, line.debit, line.credit)
        last_of_month = index + 1 == len(lines) or lines[index + 1].period != line.period
        rows.append(
            {
                "date": line.date,
                "entry_id": line.entry_id,
                "number": line.entry.display_number,
                "description": line.entry.description,
                "counter_account": counters.get((line.entry_id, line.debit > 0), ""),
                "sub_account": line.sub_account.name if line.sub_account else "",
                "debit": line.debit,
                "credit": line.credit,
                "balance": running,
                "memo": line.memo,
                "month_end": month_ends.get(line.period) if last_of_month else None,
            }
        )
    return {
        "account_code": account.code,
        "account_name": account.name,
        "opening_label": "前期繰越" if from_period == fy_start else "前月繰越",
        "opening": opening,
        "closing": running if len(lines) == limit else running_month,
        "months": list(month_ends.values()),
        "rows": rows,
        "truncated": len(lines) == limit,
    }
