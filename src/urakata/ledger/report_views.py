"""Report pages: 試算表 (and by department), 損益計算書, 貸借対照表, 総勘定元帳, 消費税集計,
each with CSV / Excel export. Drill-down links lead from a report to an account's ledger, from
there to the entry and its evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from urakata.core.error_pages import flash_error
from urakata.core.errors import NotFound, ValidationFailed
from urakata.ledger import cache, exports, reports, selectors
from urakata.ledger.views import _default_range, _export, _label


@login_required
def trial_balance(request: HttpRequest) -> HttpResponseBase:
    """試算表 (month or range, optionally one department) with CSV / Excel export."""
    start, end = _default_range(request)
    department = request.GET.get("department", "").strip() or None
    try:
        tb = reports.trial_balance(
            actor=request.user, from_period=start, to_period=end, department_code=department
        )
    except (ValidationFailed, NotFound) as error:
        flash_error(request, error)
        tb = reports.TrialBalance(start, end, None)
        tb.totals = {"debit": 0, "credit": 0}
    exported = _export(
        request,
        f"trial_balance_{start}_{end}",
        exports.trial_balance_table(tb),
        title=f"試算表 {_label(start)}〜{_label(end)}"
        + (f"(部門 {department})" if department else ""),
    )
    if exported:
        return exported
    from urakata.org.models import Department

    return render(
        request,
        "ledger/trial_balance.html",
        {
            "tb": tb,
            "from": _label(start),
            "to": _label(end),
            "department": department or "",
            "departments": Department.objects.order_by("code"),
        },
    )


@login_required
def trial_balance_by_department(request: HttpRequest) -> HttpResponseBase:
    """部門別損益: closing balance per account and department (P/L accounts only)."""
    start, end = _default_range(request)
    matrix = reports.trial_balance_by_department(
        actor=request.user, from_period=start, to_period=end
    )
    headers = ["科目コード", "勘定科目", *[c["name"] for c in matrix["columns"]], "合計"]
    table = [
        [r["account_code"], r["account_name"], *r["cells"], r["total"]] for r in matrix["rows"]
    ]
    exported = _export(
        request,
        f"trial_balance_by_department_{start}_{end}",
        (headers, table),
        title=f"部門別損益 {_label(start)}〜{_label(end)}",
    )
    if exported:
        return exported
    return render(
        request,
        "ledger/trial_balance_by_department.html",
        {"matrix": matrix, "from": _label(start), "to": _label(end)},
    )


@login_required
def profit_and_loss(request: HttpRequest) -> HttpResponseBase:
    """損益計算書 with CSV / Excel export."""
    start, end = _default_range(request)
    pl = reports.profit_and_loss(actor=request.user, from_period=start, to_period=end)
    exported = _export(
        request,
        f"profit_and_loss_{start}_{end}",
        exports.profit_and_loss_table(pl),
        title=f"損益計算書 {_label(start)}〜{_label(end)}",
    )
    if exported:
        return exported
    return render(
        request, "ledger/profit_and_loss.html", {"pl": pl, "from": _label(start), "to": _label(end)}
    )


@login_required
def balance_sheet(request: HttpRequest) -> HttpResponseBase:
    """貸借対照表 at the end of a month, with CSV / Excel export."""
    _start, end = _default_range(request)
    try:
        as_of = selectors.parse_month(request.GET.get("as_of") or end, "as_of")
    except ValidationFailed:
        as_of = end
    bs = reports.balance_sheet(actor=request.user, as_of=as_of)
    exported = _export(
        request,
        f"balance_sheet_{as_of}",
        exports.balance_sheet_table(bs),
        title=f"貸借対照表 {_label(as_of)}",
    )
    if exported:
        return exported
    return render(request, "ledger/balance_sheet.html", {"bs": bs, "as_of": _label(as_of)})


@login_required
def general_ledger(request: HttpRequest) -> HttpResponseBase:
    """総勘定元帳 for one account (drill-down from the reports)."""
    start, end = _default_range(request)
    code = request.GET.get("account", "1140")
    gl = reports.general_ledger(
        actor=request.user,
        account_code=code,
        from_period=start,
        to_period=end,
        department_code=request.GET.get("department") or None,
    )
    headers = ["日付", "伝票番号", "摘要", "相手科目", "借方", "貸方", "残高"]
    table: list[list[Any]] = [["", "", gl["opening_label"], "", "", "", gl["opening"]]]
    for r in gl["rows"]:
        table.append(
            [
                r["date"],
                r["number"],
                r["description"],
                r["counter_account"],
                r["debit"],
                r["credit"],
                r["balance"],
            ]
        )
        if r["month_end"]:
            m = r["month_end"]
            table.append(["", "", f"{m['period']} 月計", "", m["debit"], m["credit"], ""])
            table.append(
                ["", "", "累計", "", m["cumulative_debit"], m["cumulative_credit"], m["balance"]]
            )
    exported = _export(
        request,
        f"general_ledger_{code}_{start}_{end}",
        (headers, table),
        title=f"総勘定元帳 {code} {_label(start)}〜{_label(end)}",
    )
    if exported:
        return exported
    accounts = sorted(cache.chart().accounts_by_code.values(), key=lambda a: a.code)
    return render(
        request,
        "ledger/general_ledger.html",
        {"gl": gl, "from": _label(start), "to": _label(end), "accounts": accounts},
    )


@login_required
def tax_summary(request: HttpRequest) -> HttpResponseBase:
    """消費税集計 by tax code."""
    start, end = _default_range(request)
    rows = reports.tax_summary(actor=request.user, from_period=start, to_period=end)
    headers = ["税区分", "名称", "対象額(税抜)", "消費税額", "明細数"]
    table = [[r["tax_code"], r["name"], r["base"], r["tax"], r["lines"]] for r in rows]
    exported = _export(
        request,
        f"tax_summary_{start}_{end}",
        (headers, table),
        title=f"消費税集計表 {_label(start)}〜{_label(end)}",
    )
    if exported:
        return exported
    return render(
        request, "ledger/tax_summary.html", {"rows": rows, "from": _label(start), "to": _label(end)}
    )


@login_required
def tax_return_page(request: HttpRequest) -> HttpResponse:
    """消費税申告: the return's figures for a range; POST posts the settlement entry."""
    from urakata.ledger import tax_return

    source = request.POST if request.method == "POST" else request.GET
    start, end = _default_range(request)
    if request.method == "POST":
        try:
            start = selectors.parse_month(source.get("from", ""), "from")
            end = selectors.parse_month(source.get("to", ""), "to")
        except ValidationFailed as error:
            messages.error(request, error.message)
    options: dict[str, Any] = {
        "method": source.get("method") or None,
        "credit_method": source.get("credit_method") or None,
        "category": _small_int(source.get("category")),
        "interim_national": _small_int(source.get("interim_national")) or 0,
        "interim_local": _small_int(source.get("interim_local")) or 0,
    }
    result = None
    try:
        if request.method == "POST":
            entry = tax_return.tax_settlement_post(
                actor=request.user, from_period=start, to_period=end, **options
            )
            messages.success(
                request,
                _("精算仕訳 %(number)s を記帳しました。") % {"number": entry.display_number},
            )
        result = tax_return.tax_return(
            actor=request.user, from_period=start, to_period=end, **options
        )
    except ValidationFailed as error:  # the page shows the form again with the problems
        flash_error(request, error)
    names = {code: a.name for code, a in cache.chart().accounts_by_code.items()}
    return render(
        request,
        "ledger/tax_return.html",
        {
            "r": result,
            "from": _label(start),
            "to": _label(end),
            "options": options,
            "account_names": names,
        },
        status=200 if result is not None else 400,
    )


def _small_int(value: str | None) -> int | None:
    text = (value or "").replace(",", "").strip()
    return int(text) if text.isdigit() and len(text) < 15 else None


@login_required
def monthly_trend_page(request: HttpRequest) -> HttpResponseBase:
    """月次推移表 of a fiscal year (?fy=2025), with CSV / Excel / PDF export."""
    from django.utils import timezone

    from urakata.ledger import monthly

    fy_text = request.GET.get("fy", "")
    fiscal_year = (
        int(fy_text)
        if fy_text.isdigit() and len(fy_text) == 4
        else cache.fiscal_year_of(timezone.localdate())
    )
    department = request.GET.get("department", "").strip() or None
    trend = monthly.monthly_trend(
        actor=request.user, fiscal_year=fiscal_year, department_code=department
    )
    headers = ["勘定科目", *trend["months"], "合計"]
    table: list[list[Any]] = [["【損益】", *[""] * (len(trend["months"]) + 1)]]
    table += [
        [f"{r['account_code']} {r['account_name']}", *r["months"], r["total"]]
        for r in trend["profit_and_loss"]
    ]
    table.append(["当期純利益", *trend["net_income"], sum(trend["net_income"])])
    table.append(["【貸借】", *[""] * (len(trend["months"]) + 1)])
    table += [
        [f"{r['account_code']} {r['account_name']}", *r["months"], ""]
        for r in trend["balance_sheet"]
    ]
    exported = _export(
        request,
        f"monthly_trend_{fiscal_year}",
        (headers, table),
        title=f"月次推移表 {fiscal_year}年度",
    )
    if exported:
        return exported
    return render(
        request,
        "ledger/monthly_trend.html",
        {"trend": trend, "fiscal_year": fiscal_year, "department": department or ""},
    )


@login_required
def sub_account_balances_page(request: HttpRequest) -> HttpResponseBase:
    """補助科目残高一覧 of one account for a range."""
    from urakata.ledger import monthly

    start, end = _default_range(request)
    code = request.GET.get("account", "1140")
    result = monthly.sub_account_balances(
        actor=request.user, account_code=code, from_period=start, to_period=end
    )
    headers = ["補助コード", "補助科目", "前月繰越", "借方", "貸方", "残高"]
    table = [
        [
            r["sub_account_code"],
            r["sub_account_name"],
            r["opening"],
            r["debit"],
            r["credit"],
            r["balance"],
        ]
        for r in result["rows"]
    ]
    exported = _export(
        request,
        f"sub_accounts_{code}_{start}_{end}",
        (headers, table),
        title=f"補助科目残高一覧 {code} {_label(start)}〜{_label(end)}",
    )
    if exported:
        return exported
    accounts = sorted(cache.chart().accounts_by_code.values(), key=lambda a: a.code)
    return render(
        request,
        "ledger/sub_account_balances.html",
        {"r": result, "from": _label(start), "to": _label(end), "accounts": accounts},
    )
