"""The auditor's page: filter the audit log and export it as CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from urakata.core import selectors as core_selectors
from urakata.core import tables
from urakata.core.audit import canonical_json
from urakata.core.http import querystring_without_page
from urakata.core.models import AuditEvent
from urakata.web.views import client_ip

PAGE_SIZE = 50
CSV_HEADER = [
    "seq",
    "at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target",
    "changes",
    "ip_address",
    "prev_hash",
    "hash",
]


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> core_selectors.AuditFilters:
    return core_selectors.AuditFilters(
        actor=request.GET.get("actor", "").strip(),
        target=request.GET.get("target", "").strip(),
        action=request.GET.get("action", "").strip(),
        date_from=_date(request.GET.get("date_from")),
        date_to=_date(request.GET.get("date_to")),
    )


def _csv_row(event: AuditEvent) -> list[Any]:
    return [
        event.seq,
        timezone.localtime(event.at).isoformat(),
        event.actor_label,
        event.action,
        event.target_type,
        event.target_id,
        event.target_repr,
        canonical_json(event.changes),
        event.ip_address or "",
        event.prev_hash,
        event.hash,
    ]


def _export(
    request: HttpRequest, events: QuerySet[AuditEvent], filters: core_selectors.AuditFilters
) -> HttpResponseBase:
    """The events the page lists for the same filters, streamed; the export's own event (recorded
    first, before the file streams: who took what, when) is not part of the file."""
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    events = events.filter(seq__lte=head)
    tables.audit_export(
        actor=request.user,
        action="core.audit.export",
        file_format="csv",
        rows=events.count(),
        filters={
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in asdict(filters).items()
            if value
        },
        target_type="core.auditevent",
        ip_address=client_ip(request),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    # Text cells (a username typed at the login form) are formula-escaped by the writer.
    return tables.table_response(
        file_format="csv",
        header=CSV_HEADER,
        rows=(_csv_row(event) for event in events.iterator(chunk_size=2000)),
        filename=f"audit-log-{stamp}",
    )


@login_required
def audit_list(request: HttpRequest) -> HttpResponseBase:
    """List audit events with filters; `?format=csv` downloads the filtered events."""
    filters = _filters(request)
    events = core_selectors.audit_event_list(actor=request.user, filters=filters)
    if request.GET.get("format") == "csv":
        return _export(request, events, filters)
    context = {
        "page_obj": Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "querystring": querystring_without_page(request),
    }
    template = "web/partials/_audit_table.html" if request.htmx else "web/audit_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)
