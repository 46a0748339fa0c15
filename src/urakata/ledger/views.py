"""Ledger pages: journal list/detail/form, reports with CSV/Excel export, month close, bank lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core import tables
from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, DomainError, ValidationFailed
from urakata.core.http import querystring_without_page
from urakata.core.permissions import can, require
from urakata.ledger import bank_import, cache, closing, exports, selectors, services
from urakata.ledger.models import (
    BankFeed,
    BankRule,
    BankTransaction,
    JournalEntry,
    LedgerSettings,
)
from urakata.org.models import Counterparty

PAGE_SIZE = 50
FORM_ROWS = 8


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _signed(value: str | None) -> int | None:
    text = (value or "").replace(",", "").strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _journal_download(
    request: HttpRequest, filters: selectors.EntryFilters, fmt: str
) -> HttpResponseBase:
    """仕訳帳のダウンロード (電帳法のダウンロードの求めに応じる): the page's entries, CSV or 弥生."""
    from urakata.ledger import interchange

    header, rows, _count = interchange.journal_export_table(
        actor=request.user, fmt=fmt, filters=filters
    )
    start = filters.date_from or dt.date(2000, 1, 1)
    end = filters.date_to or timezone.localdate()
    return tables.table_response(
        file_format="csv",
        header=header,
        rows=rows,
        filename=f"journal_{start:%Y%m%d}_{end:%Y%m%d}_{fmt}",
        encoding="cp932" if fmt == "yayoi" else "utf-8",
    )


def _default_range(request: HttpRequest) -> tuple[int, int]:
    """?from=YYYY-MM&to=YYYY-MM, else the current fiscal year up to this month."""
    today = timezone.localdate()
    first, _last = cache.fiscal_year_bounds(cache.fiscal_year_of(today))
    this_month = today.year * 100 + today.month
    try:
        start = selectors.parse_month(request.GET.get("from") or first, "from")
        end = selectors.parse_month(request.GET.get("to") or this_month, "to")
    except ValidationFailed:
        start, end = first, this_month
    return start, end


def _label(period: int) -> str:
    return f"{period // 100}-{period % 100:02d}"


def _export(
    request: HttpRequest,
    name: str,
    table: tuple[list[str], list[list[Any]]],
    title: str = "",
) -> HttpResponseBase | None:
    """`?format=csv|xlsx|pdf` of a report page: the table the page shows, one audit event."""
    fmt = request.GET.get("format", "")
    if fmt not in ("csv", "xlsx", "pdf"):
        return None
    headers, rows = table
    tables.audit_export(
        actor=request.user,
        action="ledger.report.export",
        file_format=fmt,
        rows=len(rows),
        filters={"report": name, **{k: v for k, v in request.GET.items() if k != "format"}},
    )
    if fmt == "pdf":
        response = HttpResponse(
            exports.table_pdf(title or name, headers, rows), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return tables.table_response(
        file_format=fmt, header=headers, rows=rows, filename=name, title=name
    )


# ---------------------------------------------------------------- journal


@login_required
def entry_list(request: HttpRequest) -> HttpResponseBase:
    """仕訳帳: search by description/number, filter by date, account and source."""
    filters = selectors.entry_filters(request.GET)
    entries = selectors.entry_list(actor=request.user, filters=filters)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "yayoi"):
        return _journal_download(request, filters, fmt)
    context = {
        "page_obj": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "sources": JournalEntry.Source.choices,
        "counterparties": Counterparty.objects.order_by("code"),
        "querystring": querystring_without_page(request),
        "can_post": can(request.user, "ledger.post"),
    }
    template = "ledger/partials/_entry_table.html" if request.htmx else "ledger/entry_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    """仕訳の詳細: lines, evidence, and the 訂正削除履歴 it belongs to."""
    entry = selectors.entry_get(actor=request.user, entry_id=entry_id)
    history = selectors.entry_history(actor=request.user, entry=entry)
    return render(
        request,
        "ledger/entry_detail.html",
        {
            "entry": entry,
            "history": history,
            "can_post": can(request.user, "ledger.post"),
            "corrected": bool(entry.reversed_by.all()),
        },
    )


def _form_lines(request: HttpRequest) -> list[dict[str, Any]]:
    lines = []
    for index in range(FORM_ROWS):
        get = request.POST.get
        account = (get(f"account_{index}") or "").strip()
        debit = (get(f"debit_{index}") or "").strip()
        credit = (get(f"credit_{index}") or "").strip()
        if not account and not debit and not credit:
            continue
        lines.append(
            {
                "account": account,
                "sub_account": (get(f"sub_account_{index}") or "").strip() or None,
                "debit": debit,
                "credit": credit,
                "tax_code": (get(f"tax_code_{index}") or "").strip() or None,
                "department_id": (get(f"department_{index}") or "").strip() or None,
                "memo": (get(f"memo_{index}") or "").strip(),
            }
        )
    return lines


@login_required
def entry_new(request: HttpRequest) -> HttpResponse:
    """仕訳入力 (also the replacement form of a correction when ?corrects=<id>)."""
    require(request.user, "ledger.post")
    from urakata.org.models import Department

    corrects_id = request.POST.get("corrects") or request.GET.get("corrects")
    original = None
    if corrects_id and corrects_id.isdigit():
        original = selectors.entry_get(actor=request.user, entry_id=int(corrects_id))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        lines = _form_lines(request)
        day = _date(request.POST.get("date"))
        try:
            if original is not None:
                _reversal, entry = services.journal_entry_correct(
                    actor=request.user,
                    entry=original,
                    reason=request.POST.get("reason", ""),
                    date=day,
                    description=request.POST.get("description", ""),
                    lines=lines,
                    tax_entry=request.POST.get("tax_entry") or None,
                )
            else:
                entry = services.journal_entry_post(
                    actor=request.user,
                    date=day,
                    description=request.POST.get("description", ""),
                    lines=lines,
                    tax_entry=request.POST.get("tax_entry") or None,
                )
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
            values = request.POST.dict()
        else:
            assert entry is not None
            messages.success(request, f"仕訳 {entry.display_number} を記帳しました。")
            return redirect("ledger:entry_detail", entry_id=entry.pk)
    elif original is not None:
        values = {"date": original.date.isoformat(), "description": original.description}
        values["tax_entry"] = "none"
        for index, line in enumerate(original.lines.all()):
            values[f"account_{index}"] = line.account.code
            values[f"sub_account_{index}"] = line.sub_account.code if line.sub_account else ""
            values[f"debit_{index}"] = line.debit or ""
            values[f"credit_{index}"] = line.credit or ""
            values[f"tax_code_{index}"] = line.tax_code.code if line.tax_code else ""
            values[f"department_{index}"] = line.department_id or ""
            values[f"memo_{index}"] = line.memo
    chart = cache.chart()
    rows = [
        {
            key: values.get(f"{key}_{index}", "")
            for key in (
                "account",
                "sub_account",
                "debit",
                "credit",
                "tax_code",
                "department",
                "memo",
            )
        }
        for index in range(FORM_ROWS)
    ]
    return render(
        request,
        "ledger/entry_form.html",
        {
            "values": values,
            "rows": rows,
            "errors": errors,
            "original": original,
            "accounts": sorted(
                (a for a in chart.accounts_by_code.values() if a.is_active), key=lambda a: a.code
            ),
            "tax_codes": sorted(chart.tax_by_code.values(), key=lambda t: t.code),
            "departments": Department.objects.filter(is_active=True).order_by("code"),
            "tax_entries": [*LedgerSettings.TaxEntry.choices, ("none", "税額を自動計算しない")],
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def entry_cancel(request: HttpRequest, entry_id: int) -> HttpResponse:
    """取消: post the reversal only (the original stays, linked)."""
    try:
        require(request.user, "ledger.post")
        entry = selectors.entry_get(actor=request.user, entry_id=entry_id)
        reversal, _replacement = services.journal_entry_correct(
            actor=request.user, entry=entry, reason=request.POST.get("reason", "")
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
        return redirect("ledger:entry_detail", entry_id=entry_id)
    messages.success(request, f"取消仕訳 {reversal.display_number} を記帳しました。")
    return redirect("ledger:entry_detail", entry_id=reversal.pk)


# ---------------------------------------------------------------- periods


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    """月次締め: the months of a fiscal year, closed or open, with entry counts."""
    today = timezone.localdate()
    fy_text = request.GET.get("fy", "")
    fiscal_year = int(fy_text) if fy_text.isdigit() else cache.fiscal_year_of(today)
    months = selectors.period_list(actor=request.user, fiscal_year=fiscal_year)
    return render(
        request,
        "ledger/period_list.html",
        {
            "months": months,
            "fiscal_year": fiscal_year,
            "year_closed": closing.fiscal_year_is_closed(fiscal_year),
            "can_close": can(request.user, "ledger.close"),
        },
    )


@login_required
@require_POST
def fiscal_year_toggle(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """決算確定 of a year, or a request to reopen it (approved by another accountant)."""
    try:
        require(request.user, "ledger.close")
        if request.POST.get("action") == "reopen":
            closing.reopen_request_submit(
                actor=request.user,
                kind="year",
                period=fiscal_year,
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request,
                _("%(year)s年度の締め解除を申請しました。") % {"year": fiscal_year},
            )
        else:
            closing.fiscal_year_close(actor=request.user, fiscal_year=fiscal_year)
            messages.success(request, _("%(year)s年度を決算確定しました。") % {"year": fiscal_year})
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect(f"/ledger/periods/?fy={fiscal_year}")


@login_required
@require_POST
def period_toggle(request: HttpRequest, period: int) -> HttpResponse:
    """Close or reopen one month (POST, audited)."""
    try:
        require(request.user, "ledger.close")
        if request.POST.get("action") == "reopen":
            closing.reopen_request_submit(
                actor=request.user,
                kind="month",
                period=period,
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request,
                _("%(label)s の締め解除を申請しました。別の経理担当者の承認で解除されます。")
                % {"label": _label(period)},
            )
        else:
            services.period_close(actor=request.user, period=period)
            messages.success(request, f"{_label(period)} を締めました。")
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    year = cache.fiscal_year_of(dt.date(period // 100, period % 100, 1))
    return redirect(f"/ledger/periods/?fy={year}")


# ---------------------------------------------------------------- bank


def _bank_import(request: HttpRequest) -> str:
    upload = request.FILES["file"]
    assert not isinstance(upload, list)
    result = bank_import.statement_import(
        actor=request.user,
        feed_name=request.POST.get("feed", ""),
        preset=request.POST.get("preset", ""),
        data=upload.read(),
    )
    return _("%(imported)s件を取り込みました(重複 %(duplicates)s件)。") % result


def _bank_suggest(request: HttpRequest) -> str:
    result = bank_import.suggestions_refresh(actor=request.user)
    return _("ルール %(rule)s件、学習 %(learned)s件を提案しました。") % result


def _bank_rule(request: HttpRequest) -> str:
    rule = bank_import.bank_rule_create(
        actor=request.user,
        data={
            "name": request.POST.get("name", ""),
            "pattern": request.POST.get("pattern", ""),
            "match": request.POST.get("match", "contains"),
            "account": request.POST.get("account", ""),
            "tax_code": request.POST.get("tax_code") or None,
            "amount_min": _signed(request.POST.get("amount_min")),
            "amount_max": _signed(request.POST.get("amount_max")),
            "priority": request.POST.get("priority") or 100,
        },
    )
    return _("ルール「%(name)s」を登録しました。") % {"name": rule.name}


def _bank_confirm(request: HttpRequest) -> str:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 19]
    # The 摘要 field of each selected line (the statement text, or a suggestion).
    descriptions = {
        pk: request.POST[f"description_{pk}"]
        for pk in ids
        if request.POST.get(f"description_{pk}", "").strip()
    }
    result = bank_import.transactions_confirm(
        actor=request.user, ids=ids, descriptions=descriptions
    )
    return _("%(n)s件を記帳しました。") % {"n": result["confirmed"]}


_BANK_ACTIONS = {
    "import": _bank_import,
    "suggest": _bank_suggest,
    "rule": _bank_rule,
    "confirm": _bank_confirm,
}


@login_required
def bank_list(request: HttpRequest) -> HttpResponse:
    """銀行・カード明細: import a CSV, refresh suggestions, confirm in bulk."""
    require(request.user, "ledger.bank_import")
    if request.method == "POST":
        action = request.POST.get("action", "")
        handler = _BANK_ACTIONS.get(action)
        try:
            if handler is not None and (action != "import" or request.FILES.get("file")):
                messages.success(request, handler(request))
        except DomainError as error:
            flash_error(request, error)
        return redirect("ledger:bank_list")
    status = request.GET.get("status", "suggested")
    queryset = bank_import.transaction_list(actor=request.user, status=status)
    return render(
        request,
        "ledger/bank_list.html",
        {
            "page_obj": Paginator(queryset, 100).get_page(request.GET.get("page")),
            "status": status,
            "statuses": BankTransaction.Status.choices,
            "feeds": BankFeed.objects.order_by("name"),
            "presets": [(k, v["label"]) for k, v in bank_import.PRESETS.items()],
            "rules": BankRule.objects.select_related("account", "tax_code").order_by(
                "priority", "pk"
            ),
            "accounts": sorted(cache.chart().accounts_by_code.values(), key=lambda a: a.code),
            "tax_codes": sorted(cache.chart().tax_by_code.values(), key=lambda t: t.code),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Attach evidence (証憑) to an entry."""
    try:
        require(request.user, "ledger.post")
        entry = selectors.entry_get(actor=request.user, entry_id=entry_id)
        upload = request.FILES.get("file")
        if upload is None or isinstance(upload, list):
            raise ValidationFailed("ファイルを選択してください。", errors={"file": ["必須です。"]})
        services.attachment_add(
            actor=request.user, entry=entry, filename=upload.name or "", content=upload
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    else:
        messages.success(request, "証憑を添付しました。")
    return redirect("ledger:entry_detail", entry_id=entry_id)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """Serve evidence with its sniffed type; only for those who may see the entry."""

    from urakata.core.files import stored_file_response

    attachment = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    return stored_file_response(attachment.stored, download=request.GET.get("download") == "1")
