"""Ledger reads: accounts, tax codes, entries (list/detail with correction history), periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    Period,
    SubAccount,
    TaxCode,
)


def parse_month(value: str | int, field: str = "period") -> int:
    """'2025-04' / '202504' / 202504 → 202504; ValidationFailed otherwise."""
    text = str(value or "").strip().replace("-", "").replace("/", "")
    if (
        len(text) != 6
        or not text.isdigit()
        or not 1 <= int(text[4:]) <= 12
        or not 1900 <= int(text[:4]) <= 2100
    ):
        raise ValidationFailed(
            _("年月は YYYY-MM(1900-01〜2100-12)で指定してください。"),
            errors={field: [str(value)[:20]]},
        )
    return int(text)


def account_list(*, actor: Any, q: str = "", active: bool | None = None) -> QuerySet[Account]:
    """The chart of accounts (勘定科目) with sub-accounts."""
    require(actor, "ledger.view")
    queryset = Account.objects.select_related("default_tax_code").prefetch_related(
        Prefetch("sub_accounts", queryset=SubAccount.objects.order_by("code"))
    )
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset.order_by("code")


def account_get(*, actor: Any, account_id: int | None = None, code: str = "") -> Account:
    """One account by id or code."""
    queryset = account_list(actor=actor)
    account = (
        queryset.filter(pk=account_id).first() if account_id else queryset.filter(code=code).first()
    )
    if account is None:
        raise NotFound(_("勘定科目が見つかりません。"))
    return account


def chart_list(*, actor: Any, q: str = "", active: bool | None = None) -> QuerySet[Account]:
    """The chart for the maintenance pages: accounts with their sub-account counts (one query)."""
    require(actor, "ledger.view_reports")
    queryset = Account.objects.select_related("default_tax_code").annotate(
        sub_account_count=Count("sub_accounts")
    )
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset.order_by("code")


def chart_account_get(*, actor: Any, account_id: int) -> Account:
    """One account with its sub-accounts, for the chart pages."""
    require(actor, "ledger.view_reports")
    account = (
        Account.objects.select_related("default_tax_code")
        .prefetch_related(Prefetch("sub_accounts", queryset=SubAccount.objects.order_by("code")))
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        raise NotFound(gettext("勘定科目が見つかりません。"))
    return account


def tax_code_list(*, actor: Any) -> QuerySet[TaxCode]:
    """Tax codes (税区分) with their dated rates."""
    require(actor, "ledger.view")
    return TaxCode.objects.prefetch_related("rates").order_by("sort_order", "code")


@dataclass
class EntryFilters:
    """Filters for the journal list (仕訳一覧)."""

    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    account_code: str = ""
    source: str = ""
    fiscal_year: int | None = None
    amount_min: int | None = None  # 電帳法の検索要件: 金額の範囲
    amount_max: int | None = None
    counterparty_id: int | None = None  # 取引先

    def as_dict(self) -> dict[str, Any]:
        """The filters as JSON-ready values (for the export's audit event)."""
        return {
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in asdict(self).items()
            if value not in ("", None)
        }


def _query_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def _query_int(value: str | None) -> int | None:
    text = (value or "").replace(",", "").strip()
    return int(text) if text.isdigit() else None


def entry_filters(query: Mapping[str, str]) -> EntryFilters:
    """The journal page's query string as filters: the page, its CSV and 弥生 downloads all read
    the filters here, so a download holds exactly the entries the page lists."""
    return EntryFilters(
        q=(query.get("q") or "").strip(),
        date_from=_query_date(query.get("date_from")),
        date_to=_query_date(query.get("date_to")),
        account_code=(query.get("account") or "").strip(),
        source=(query.get("source") or "").strip(),
        fiscal_year=_query_int(query.get("fiscal_year")),
        amount_min=_query_int(query.get("amount_min")),
        amount_max=_query_int(query.get("amount_max")),
        counterparty_id=_query_int(query.get("counterparty")),
    )


def entry_list(*, actor: Any, filters: EntryFilters | None = None) -> QuerySet[JournalEntry]:
    """Entries the actor may see, newest first; lines and their accounts prefetched."""
    require(actor, "ledger.view")
    filters = filters or EntryFilters()
    queryset = JournalEntry.objects.visible_to(actor).select_related("posted_by")
    if filters.q:
        q = filters.q.strip()
        condition = Q(description__icontains=q) | Q(source_ref=q)
        if q.isdigit():
            condition |= Q(number=int(q))
        queryset = queryset.filter(condition)
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    if filters.account_code:
        queryset = queryset.filter(
            pk__in=JournalLine.objects.filter(account__code=filters.account_code).values("entry_id")
        )
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.fiscal_year:
        queryset = queryset.filter(fiscal_year=filters.fiscal_year)
    if filters.amount_min is not None:
        queryset = queryset.filter(amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        queryset = queryset.filter(amount__lte=filters.amount_max)
    if filters.counterparty_id:
        queryset = queryset.filter(
            pk__in=JournalLine.objects.filter(counterparty_id=filters.counterparty_id).values(
                "entry_id"
            )
        )
    lines = JournalLine.objects.select_related(
        "account", "sub_account", "tax_code", "department", "counterparty"
    ).order_by("line_no")
    return queryset.prefetch_related(
        Prefetch("lines", queryset=lines), "reversed_by", "replaced_by"
    ).order_by("-date", "-fiscal_year", "-number")


def attachment_get(*, actor: Any, attachment_id: int) -> Any:
    """Evidence (証憑) of an entry the actor may see, or NotFound."""
    from urakata.ledger.models import Attachment

    visible = entry_list(actor=actor).filter(pk=models.OuterRef("entry_id"))
    attachment = (
        Attachment.objects.select_related("stored")
        .filter(pk=attachment_id)
        .filter(models.Exists(visible))
        .first()
    )
    if attachment is None:
        raise NotFound(_("証憑が見つかりません。"))
    return attachment


def _attachments() -> QuerySet[Any]:
    from urakata.ledger.models import Attachment

    return Attachment.objects.select_related("stored")


def entry_get(*, actor: Any, entry_id: int) -> JournalEntry:
    """One entry with lines, evidence and links, or NotFound outside the actor's scope."""
    entry = (
        entry_list(actor=actor)
        .select_related("reverses", "replaces")
        .prefetch_related(Prefetch("attachments", queryset=_attachments()))
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound(_("仕訳が見つかりません。"))
    return entry


def entry_history(*, actor: Any, entry: JournalEntry) -> list[JournalEntry]:
    """訂正削除履歴: the original, its reversal and replacement (and theirs), in order."""
    require(actor, "ledger.view")
    root = entry
    seen: set[int] = set()
    while root.pk not in seen:
        seen.add(root.pk)
        parent_id = root.reverses_id or root.replaces_id
        if parent_id is None:
            break
        root = JournalEntry.objects.get(pk=parent_id)
    chain: list[JournalEntry] = []
    frontier = [root]
    while frontier:
        chain += frontier
        ids = [e.pk for e in frontier]
        frontier = list(
            JournalEntry.objects.filter(Q(reverses_id__in=ids) | Q(replaces_id__in=ids)).order_by(
                "pk"
            )
        )
    return chain


def period_list(*, actor: Any, fiscal_year: int) -> list[dict[str, Any]]:
    """The twelve months of a fiscal year with their close state and entry counts."""
    from django.db.models import Count

    from urakata.ledger.cache import fiscal_year_bounds

    require(actor, "ledger.view")
    first, _last = fiscal_year_bounds(fiscal_year)
    months = []
    year, month = first // 100, first % 100
    for _step in range(12):
        months.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    closed = {
        p.period: p for p in Period.objects.filter(period__in=months).select_related("changed_by")
    }
    counts = dict(
        JournalEntry.objects.filter(period__in=months)
        .values_list("period")
        .annotate(n=Count("pk"))
        .values_list("period", "n")
    )
    return [
        {
            "period": m,
            "label": f"{m // 100}-{m % 100:02d}",
            "is_closed": bool(closed.get(m) and closed[m].is_closed),
            "changed_at": closed[m].changed_at if m in closed else None,
            "changed_by": closed[m].changed_by if m in closed else None,
            "entries": counts.get(m, 0),
        }
        for m in months
    ]
