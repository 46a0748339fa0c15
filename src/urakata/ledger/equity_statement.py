"""株主資本等変動計算書 (statement of changes in net assets, 会社計算規則 96条) for a fiscal year.

Columns are the equity accounts grouped as the statement prints them (資本金, 資本剰余金,
利益剰余金, 自己株式, then 評価・換算差額等); rows are 当期首残高, the year's changes by kind and
当期末残高. The kind of a change is read from the entry that made it:

- an entry touching 自己株式 → 自己株式の取得 (debit) / 自己株式の処分 (credit), or 自己株式の消却
  when it moves only equity accounts;
- an entry moving only equity accounts → 積立金の積立 when 繰越利益剰余金 funds a reserve
  (利益準備金, 別途積立金), else 株主資本の計数の変動;
- an entry that debits 繰越利益剰余金 against a non-equity account → 剰余金の配当 (a 利益準備金
  set aside in the same entry shows on that row, as the statement does);
- an entry that credits 資本金 / 資本剰余金 against a non-equity account → 新株の発行;
- 当期純利益 is the year's P/L (carried into 繰越利益剰余金 by the reports, not by an entry);
- movements of accounts outside 株主資本 → 株主資本以外の項目の当期変動額(純額); anything else → その他.

当期末残高 equals the 純資産の部 of the 貸借対照表 at the year's last month.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from urakata.core.permissions import require
from urakata.ledger import cache
from urakata.ledger.models import Balance, Category, JournalLine
from urakata.ledger.reports import RETAINED_EARNINGS, _fresh_chart, prior_years_profit

TREASURY_PREFIX = "416"
RESERVE_PREFIXES = ("413", "414")  # 利益準備金, 別途積立金 and other 任意積立金

# (code prefix, group label), first match wins; the last is the catch-all outside 株主資本.
GROUPS: list[tuple[str, str]] = [
    ("411", "資本金"),
    ("412", "資本剰余金"),
    ("413", "利益剰余金"),
    ("414", "利益剰余金"),
    ("415", "利益剰余金"),
    ("416", "自己株式"),
    ("4", "評価・換算差額等"),
]
SHAREHOLDERS_GROUPS = ("資本金", "資本剰余金", "利益剰余金", "自己株式")

KINDS: list[tuple[str, str]] = [
    ("issue", "新株の発行"),
    ("dividend", "剰余金の配当"),
    ("reserve", "積立金の積立"),
    ("net_income", "当期純利益"),
    ("treasury_acquired", "自己株式の取得"),
    ("treasury_disposed", "自己株式の処分"),
    ("treasury_retired", "自己株式の消却"),
    ("transfer", "株主資本の計数の変動"),
    ("other", "その他"),
    ("non_shareholders", "株主資本以外の項目の当期変動額(純額)"),
]
KIND_LABELS = dict(KINDS)


def group_of(code: str) -> str:
    """The statement's column group of an equity account code."""
    return next(label for prefix, label in GROUPS if code.startswith(prefix))


def _entry_kind(lines: list[tuple[str, bool, int, int]]) -> str:
    """The kind of an equity change from all lines of its entry: (code, is_equity, debit, credit)."""
    equity = [line for line in lines if line[1]]
    only_equity = len(equity) == len(lines)

    def net_credit(prefixes: tuple[str, ...]) -> int:
        return sum(c - d for code, _eq, d, c in equity if code.startswith(prefixes))

    treasury = net_credit((TREASURY_PREFIX,))
    if any(code.startswith(TREASURY_PREFIX) for code, *_rest in equity):
        if treasury > 0 and only_equity:
            return "treasury_retired"
        return "treasury_disposed" if treasury > 0 else "treasury_acquired"
    if only_equity:
        funded = net_credit(RESERVE_PREFIXES) > 0 and net_credit((RETAINED_EARNINGS,)) < 0
        return "reserve" if funded else "transfer"
    if net_credit((RETAINED_EARNINGS,)) < 0:
        return "dividend"
    if net_credit(("411", "412")) > 0:
        return "issue"
    return "other"


def _row(kind: str, label: str, cells: list[int], columns: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, int] = {}
    for column, value in zip(columns, cells, strict=True):
        groups[column["group"]] = groups.get(column["group"], 0) + value
    shareholders = sum(v for g, v in groups.items() if g in SHAREHOLDERS_GROUPS)
    return {
        "kind": kind,
        "label": label,
        "cells": cells,
        "groups": groups,
        "shareholders_equity": shareholders,
        "net_assets": sum(cells),
    }


def _opening(first: int, index: dict[int, int], retained_pk: int) -> list[int]:
    """当期首残高 per account: everything before the year, plus earlier years' profit."""
    opening = [0] * len(index)
    for row in (
        Balance.objects.filter(period__lt=first, account_id__in=index)
        .values("account_id")
        .annotate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
    ):
        opening[index[row["account_id"]]] += int(row["c"]) - int(row["d"])
    opening[index[retained_pk]] += prior_years_profit(first)
    return opening


def _changes(
    chart: cache.ChartCache, first: int, last: int, index: dict[int, int]
) -> dict[str, list[int]]:
    """The year's movements of each equity account by kind, read from whole entries."""
    changes: dict[str, list[int]] = {}
    entry_ids = set(
        JournalLine.objects.filter(
            period__gte=first, period__lte=last, account_id__in=index
        ).values_list("entry_id", flat=True)
    )
    by_entry: dict[int, list[tuple[int, int, int]]] = {}
    for entry_id, account_id, debit, credit in (
        JournalLine.objects.filter(entry_id__in=entry_ids)
        .order_by("entry_id", "line_no")
        .values_list("entry_id", "account_id", "debit", "credit")
    ):
        by_entry.setdefault(entry_id, []).append((account_id, debit, credit))
    for lines in by_entry.values():
        kind = _entry_kind(
            [(chart.accounts_by_id[pk].code, pk in index, d, c) for pk, d, c in lines]
        )
        for pk, debit, credit in lines:
            if pk not in index:
                continue
            shareholders = group_of(chart.accounts_by_id[pk].code) in SHAREHOLDERS_GROUPS
            cells = changes.setdefault(
                kind if shareholders else "non_shareholders", [0] * len(index)
            )
            cells[index[pk]] += credit - debit
    return changes


def _net_income(chart: cache.ChartCache, first: int, last: int) -> int:
    pl_ids = [a.pk for a in chart.accounts_by_id.values() if not a.is_balance_sheet]
    profit = Balance.objects.filter(
        Q(period__gte=first) & Q(period__lte=last), account_id__in=pl_ids
    ).aggregate(d=Coalesce(Sum("debit"), 0), c=Coalesce(Sum("credit"), 0))
    return int(profit["c"]) - int(profit["d"])


def equity_statement(*, actor: Any, fiscal_year: int) -> dict[str, Any]:
    """株主資本等変動計算書 of one fiscal year (amounts in yen, 自己株式 negative)."""
    require(actor, "ledger.view_reports")
    chart = _fresh_chart()
    first, last = cache.fiscal_year_bounds(fiscal_year)
    accounts = sorted(
        (a for a in chart.accounts_by_id.values() if a.category == Category.EQUITY),
        key=lambda a: a.code,
    )
    index = {a.pk: i for i, a in enumerate(accounts)}
    retained_pk = chart.accounts_by_code[RETAINED_EARNINGS].pk
    opening = _opening(first, index, retained_pk)
    changes = _changes(chart, first, last, index)
    net_income = _net_income(chart, first, last)
    if net_income:
        changes.setdefault("net_income", [0] * len(accounts))[index[retained_pk]] += net_income
    total_change = [sum(cells[i] for cells in changes.values()) for i in range(len(accounts))]
    closing = [o + t for o, t in zip(opening, total_change, strict=True)]
    keep = [
        i
        for i, account in enumerate(accounts)
        if account.is_active or opening[i] or closing[i] or total_change[i]
    ]
    columns = [
        {"code": accounts[i].code, "name": accounts[i].name, "group": group_of(accounts[i].code)}
        for i in keep
    ]

    def row(kind: str, label: str, cells: list[int]) -> dict[str, Any]:
        return _row(kind, label, [cells[i] for i in keep], columns)

    return {
        "fiscal_year": fiscal_year,
        "from": f"{first // 100}-{first % 100:02d}",
        "to": f"{last // 100}-{last % 100:02d}",
        "columns": columns,
        "opening": row("opening", "当期首残高", opening),
        "changes": [row(kind, label, changes[kind]) for kind, label in KINDS if kind in changes],
        "total_change": row("total_change", "当期変動額合計", total_change),
        "closing": row("closing", "当期末残高", closing),
        "net_income": net_income,
    }


def equity_statement_table(statement: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The statement as a table for CSV / Excel / PDF: a row per line, accounts across with a
    合計 after each group of several accounts, then 株主資本合計 and 純資産合計."""
    columns = statement["columns"]
    # ("account", index) | ("group", label) | ("shareholders", None) | ("net", None)
    layout: list[tuple[str, Any]] = []
    headers = ["項目"]
    for i, column in enumerate(columns):
        layout.append(("account", i))
        headers.append(f"{column['group']} {column['name']}")
        following = columns[i + 1]["group"] if i + 1 < len(columns) else None
        members = [c for c in columns if c["group"] == column["group"]]
        if following != column["group"] and len(members) > 1:
            layout.append(("group", column["group"]))
            headers.append(f"{column['group']}合計")
        if column["group"] in SHAREHOLDERS_GROUPS and following not in SHAREHOLDERS_GROUPS:
            layout.append(("shareholders", None))
            headers.append("株主資本合計")
    if not any(kind == "shareholders" for kind, _v in layout):
        layout.append(("shareholders", None))
        headers.append("株主資本合計")
    layout.append(("net", None))
    headers.append("純資産合計")

    def cells(row: dict[str, Any]) -> list[Any]:
        out: list[Any] = [row["label"]]
        for kind, value in layout:
            if kind == "account":
                out.append(row["cells"][value])
            elif kind == "group":
                out.append(row["groups"].get(value, 0))
            elif kind == "shareholders":
                out.append(row["shareholders_equity"])
            else:
                out.append(row["net_assets"])
        return out

    table = [cells(statement["opening"])]
    table += [cells(row) for row in statement["changes"]]
    table.append(cells(statement["total_change"]))
    table.append(cells(statement["closing"]))
    return headers, table
