"""Report pages: 試算表 (and by department), 損益計算書, 貸借対照表, 総勘定元帳, 消費税集計,
each with CSV / Excel export. Drill-down links lead from a report to an account's ledger, from
there to the entry and its evidence."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

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
    """部門別試算表: closing balance per account and department."""
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
        title=f"部門別試算表 {_label(start)}〜{_label(end)}",
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
    table = [
        [
            r["date"],
            r["number"],
            r["description"],
            r["counter_account"],
            r["debit"],
            r["credit"],
            r["balance"],
        ]
        for r in gl["rows"]
    ]
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
