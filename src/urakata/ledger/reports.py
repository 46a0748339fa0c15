"""Financial reports from the maintained balances (O(accounts × months), never the whole journal).

Trial balance (試算表), 損益計算書, 貸借対照表 and the consumption-tax summary read the
(account, month, department) balances; the general ledger (総勘定元帳) and journal book
(仕訳帳) read lines of one account / one range only.

Shared helpers are in ``reports_common``, the general ledger in ``reports_ledger``; both are
re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, Sum, When
from django.db.models.functions import Coalesce

from urakata.core.permissions import require
from urakata.ledger.models import Account, Balance, JournalLine, Section, TaxCode
from urakata.ledger.reports_common import BS_CATEGORIES as BS_CATEGORIES
from urakata.ledger.reports_common import RETAINED_EARNINGS as RETAINED_EARNINGS
from urakata.ledger.reports_common import _balance_sums as _balance_sums
from urakata.ledger.reports_common import _check_range as _check_range
from urakata.ledger.reports_common import _fresh_chart as _fresh_chart
from urakata.ledger.reports_common import _fy_start as _fy_start
from urakata.ledger.reports_common import bs_amount as bs_amount
from urakata.ledger.reports_common import department_by_code as department_by_code
from urakata.ledger.reports_common import prior_years_profit as prior_years_profit
from urakata.ledger.reports_common import signed as signed
from urakata.ledger.reports_ledger import TAX_ACCOUNTS as TAX_ACCOUNTS
from urakata.ledger.reports_ledger import general_ledger as general_ledger
from urakata.org.models import Department


@dataclass
class TrialBalance:
    """残高試算表: per account 前月繰越 (opening), 借方, 貸方 and 残高 on its normal side."""

    from_period: int
    to_period: int
    department: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        """Opening and closing balances each balance (借方科目計 = 貸方科目計)."""
        t = self.totals
        return bool(t) and (
            t.get("debit_side_opening") == t.get("credit_side_opening")
            and t.get("debit_side_balance") == t.get("credit_side_balance")
            and t.get("debit") == t.get("credit")
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": f"{self.from_period // 100}-{self.from_period % 100:02d}",
            "to": f"{self.to_period // 100}-{self.to_period % 100:02d}",
            "department": self.department,
            "rows": self.rows,
            "totals": self.totals,
            "balanced": self.balanced,
        }


def trial_balance(
    *, actor: Any, from_period: int, to_period: int, department_code: str | None = None
) -> TrialBalance:
    """残高試算表 for a month or a range, optionally for one department.

    Balance-sheet accounts open with everything before `from_period`; P/L accounts with this
    fiscal year's months before it; 繰越利益剰余金 also carries the profit of earlier years, so
    the opening and the closing balances balance for any range of any year.
    """
    require(actor, "ledger.view_reports")
    _check_range(from_period, to_period)
    department = department_by_code(department_code)
    chart = _fresh_chart()
    result = TrialBalance(from_period, to_period, department_code)
    totals = dict.fromkeys(
        (
            "debit",
            "credit",
            "debit_balance",
            "credit_balance",
            "debit_side_opening",
            "credit_side_opening",
            "debit_side_balance",
            "credit_side_balance",
        ),
        0,
    )
    sums = {
        row["account_id"]: dict(row)
        for row in _balance_sums(from_period, to_period, department, False)
    }
    carried = prior_years_profit(_fy_start(from_period), department)
    if carried:
        retained = chart.accounts_by_code[RETAINED_EARNINGS]
        row = sums.setdefault(
            retained.pk,
            {"open_debit": 0, "open_credit": 0, "debit_sum": 0, "credit_sum": 0},
        )
        row["open_credit"] += carried
    for account in sorted(chart.accounts_by_id.values(), key=lambda a: a.code):
        found = sums.get(account.pk)
        if found is None:
            continue
        row = found
        opening = signed(account, row["open_debit"], row["open_credit"])
        closing = opening + signed(account, row["debit_sum"], row["credit_sum"])
        if not (opening or row["debit_sum"] or row["credit_sum"] or closing):
            continue
        result.rows.append(
            {
                "account_code": account.code,
                "account_name": account.name,
                "category": account.category,
                "normal_side": account.normal_side,
                "opening": opening,
                "debit": row["debit_sum"],
                "credit": row["credit_sum"],
                "balance": closing,
            }
        )
        totals["debit"] += row["debit_sum"]
        totals["credit"] += row["credit_sum"]
        side = "debit_side" if account.normal_side == "debit" else "credit_side"
        totals[f"{side}_opening"] += opening
        totals[f"{side}_balance"] += closing
        net = row["open_debit"] + row["debit_sum"] - row["open_credit"] - row["credit_sum"]
        if net >= 0:
            totals["debit_balance"] += net
        else:
            totals["credit_balance"] -= net
    result.totals = totals
    return result


def trial_balance_by_department(*, actor: Any, from_period: int, to_period: int) -> dict[str, Any]:
    """部門別損益: the P/L accounts' amounts for the range per department (balance-sheet
    accounts are company-wide and are left out)."""
    require(actor, "ledger.view_reports")
    _check_range(from_period, to_period)
    chart = _fresh_chart()
    departments = {d.pk: d for d in Department.objects.all()}
    matrix: dict[int, dict[int, int]] = {}
    for row in _balance_sums(from_period, to_period, None, True):
        account = chart.accounts_by_id[row["account_id"]]
        if account.is_balance_sheet:
            continue
        value = signed(account, row["debit_sum"], row["credit_sum"])
        if value:
            matrix.setdefault(account.pk, {})[row["dept_key"]] = value
    used = sorted({key for cells in matrix.values() for key in cells})
    columns: list[dict[str, Any]] = [
        {"key": key, "name": departments[key].name if key in departments else "(部門なし)"}
        for key in used
    ]
    rows = []
    for account_id in sorted(matrix, key=lambda pk: chart.accounts_by_id[pk].code):
        account = chart.accounts_by_id[account_id]
        rows.append(
            {
                "account_code": account.code,
                "account_name": account.name,
                "cells": [matrix[account_id].get(c["key"], 0) for c in columns],
                "total": sum(matrix[account_id].values()),
            }
        )
    return {"columns": columns, "rows": rows}


PL_LAYOUT: list[tuple[str, Any]] = [
    ("section", Section.SALES),
    ("section", Section.COST_OF_SALES),
    ("subtotal", ("gross_profit", "売上総利益")),
    ("section", Section.SGA),
    ("subtotal", ("operating_income", "営業利益")),
    ("section", Section.NON_OPERATING_INCOME),
    ("section", Section.NON_OPERATING_EXPENSE),
    ("subtotal", ("ordinary_income", "経常利益")),
    ("section", Section.EXTRAORDINARY_INCOME),
    ("section", Section.EXTRAORDINARY_LOSS),
    ("subtotal", ("pretax_income", "税引前当期純利益")),
    ("section", Section.INCOME_TAXES),
    ("subtotal", ("net_income", "当期純利益")),
]


def profit_and_loss(
    *, actor: Any, from_period: int, to_period: int, department_code: str | None = None
) -> dict[str, Any]:
    """損益計算書 for a range: sections, their accounts, and the staged profits."""
    require(actor, "ledger.view_reports")
    _check_range(from_period, to_period)
    department = department_by_code(department_code)
    chart = _fresh_chart()
    contributions: dict[str, list[tuple[Account, int]]] = {}
    for row in _balance_sums(from_period, to_period, department, False):
        account = chart.accounts_by_id[row["account_id"]]
        if account.is_balance_sheet:
            continue
        contribution = row["credit_sum"] - row["debit_sum"]  # to profit
        if contribution:
            contributions.setdefault(account.section, []).append((account, contribution))
    running = 0
    sections: list[dict[str, Any]] = []
    profits: dict[str, int] = {}
    for kind, item in PL_LAYOUT:
        if kind == "section":
            sign = 1 if item in _REVENUE_SECTIONS else -1
            items = sorted(contributions.get(item, []), key=lambda pair: pair[0].code)
            rows = [
                {"account_code": a.code, "account_name": a.name, "amount": sign * value}
                for a, value in items
            ]
            section_total = sum(value for _a, value in items)
            sections.append(
                {
                    "kind": "section",
                    "key": item,
                    "label": Section(item).label,
                    "rows": rows,
                    "total": sign * section_total,
                }
            )
            running += section_total
        else:
            key, label = item
            profits[key] = running
            sections.append({"kind": "subtotal", "key": key, "label": label, "total": running})
    return {
        "from": from_period,
        "to": to_period,
        "department": department_code,
        "sections": sections,
        **profits,
    }


_REVENUE_SECTIONS = (
    Section.SALES,
    Section.NON_OPERATING_INCOME,
    Section.EXTRAORDINARY_INCOME,
)


BS_LAYOUT = [
    ("assets", "資産の部", [Section.CURRENT_ASSET, Section.FIXED_ASSET, Section.DEFERRED_ASSET]),
    ("liabilities", "負債の部", [Section.CURRENT_LIABILITY, Section.FIXED_LIABILITY]),
    ("equity", "純資産の部", [Section.EQUITY]),
]


# 会社計算規則 74条・76条: 固定資産 in three parts, 純資産 as 株主資本 in its parts. Accounts fall
# into a part by their code's leading digits (the seeded numbering; new accounts follow it).
BS_GROUPS: dict[str, list[tuple[str, str]]] = {
    Section.FIXED_ASSET: [
        ("21", "有形固定資産"),
        ("22", "無形固定資産"),
        ("23", "投資その他の資産"),
    ],
    Section.EQUITY: [
        ("411", "資本金"),
        ("412", "資本剰余金"),
        ("413", "利益剰余金"),
        ("414", "利益剰余金"),
        ("415", "利益剰余金"),
        ("416", "自己株式"),
        ("4", "評価・換算差額等"),
    ],
}


def _bs_groups(section: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The section's rows in their 会社計算規則 parts (empty for sections without parts)."""
    spec = BS_GROUPS.get(section)
    if not spec:
        return []
    groups: dict[str, dict[str, Any]] = {}
    for row in items:
        code = row["account_code"] or RETAINED_EARNINGS  # 当期純利益 belongs to 利益剰余金
        label = next((name for prefix, name in spec if code.startswith(prefix)), spec[-1][1])
        group = groups.setdefault(label, {"label": label, "rows": [], "total": 0})
        group["rows"].append(row)
        group["total"] += row["amount"]
    return list(groups.values())


def balance_sheet(*, actor: Any, as_of: int) -> dict[str, Any]:
    """貸借対照表 at the end of a month; this year's profit shows in 繰越利益剰余金's block."""
    require(actor, "ledger.view_reports")
    chart = _fresh_chart()
    fy_start = _fy_start(as_of)
    rows = (
        Balance.objects.filter(period__lte=as_of)
        .values("account_id")
        .annotate(
            d=Sum("debit"),
            c=Sum("credit"),
            prior_d=Coalesce(Sum(Case(When(period__lt=fy_start, then=F("debit")), default=0)), 0),
            prior_c=Coalesce(Sum(Case(When(period__lt=fy_start, then=F("credit")), default=0)), 0),
        )
        .order_by("account_id")
    )
    by_section: dict[str, list[dict[str, Any]]] = {}
    prior_profit = 0
    current_profit = 0
    for row in rows:
        account = chart.accounts_by_id[row["account_id"]]
        if not account.is_balance_sheet:
            prior = row["prior_c"] - row["prior_d"]
            prior_profit += prior
            current_profit += (row["c"] - row["d"]) - prior
            continue
        value = bs_amount(account, row["d"], row["c"])
        if value:
            by_section.setdefault(account.section, []).append(
                {"account_code": account.code, "account_name": account.name, "amount": value}
            )
    equity_rows = by_section.setdefault(Section.EQUITY, [])
    retained = next((r for r in equity_rows if r["account_code"] == RETAINED_EARNINGS), None)
    if prior_profit:
        if retained is None:
            account = chart.accounts_by_code[RETAINED_EARNINGS]
            retained = {"account_code": account.code, "account_name": account.name, "amount": 0}
            equity_rows.append(retained)
        retained["amount"] += prior_profit
    if current_profit:
        equity_rows.append(
            {"account_code": "", "account_name": "当期純利益", "amount": current_profit}
        )
    result: dict[str, Any] = {"as_of": as_of, "blocks": []}
    for key, label, sections in BS_LAYOUT:
        block: dict[str, Any] = {"key": key, "label": label, "sections": [], "total": 0}
        for section in sections:
            items = sorted(
                by_section.get(section, []), key=lambda r: r["account_code"] or RETAINED_EARNINGS
            )
            total = sum(r["amount"] for r in items)
            block["sections"].append(
                {
                    "key": section,
                    "label": Section(section).label,
                    "rows": items,
                    "total": total,
                    "groups": _bs_groups(section, items),
                }
            )
            block["total"] += total
        result["blocks"].append(block)
        result[key] = block["total"]
    result["liabilities_and_equity"] = result["liabilities"] + result["equity"]
    result["balanced"] = result["assets"] == result["liabilities_and_equity"]
    return result


def tax_summary(*, actor: Any, from_period: int, to_period: int) -> list[dict[str, Any]]:
    """消費税集計: per tax code, the net base amount, the tax split off, and the line count."""
    require(actor, "ledger.view_reports")
    _check_range(from_period, to_period)
    codes = {t.pk: t for t in TaxCode.objects.all()}
    rows = (
        JournalLine.objects.filter(
            period__gte=from_period, period__lte=to_period, tax_code__isnull=False
        )
        .values("tax_code_id")
        .annotate(
            d=Sum("debit"),
            c=Sum("credit"),
            tax_credit=Coalesce(Sum(Case(When(credit__gt=0, then=F("tax_amount")), default=0)), 0),
            tax_debit=Coalesce(Sum(Case(When(debit__gt=0, then=F("tax_amount")), default=0)), 0),
            n=Count("pk"),
        )
        .order_by("tax_code_id")
    )
    result = []
    for row in rows:
        code = codes[row["tax_code_id"]]
        sign = 1 if code.kind == TaxCode.Kind.SALES else -1
        base = sign * (row["c"] - row["d"])
        result.append(
            {
                "tax_code": code.code,
                "name": code.name,
                "kind": code.kind,
                "base": base,
                "tax": sign * (row["tax_credit"] - row["tax_debit"]),
                "lines": row["n"],
                "sort": code.sort_order,
            }
        )
    result.sort(key=lambda r: r["sort"])
    return result
