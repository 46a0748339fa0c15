"""The auditor's page: filter the audit log and export it as CSV."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from urakata.core import selectors as core_selectors
from urakata.core.audit import audit_record, canonical_json
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
# A cell starting with one of these is a formula to Excel; user-typed text (a username tried at
# the login form) must not run as one on the auditor's machine (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_row(event: AuditEvent) -> list[Any]:
    return [
        event.seq,
        timezone.localtime(event.at).isoformat(),
        _cell(event.actor_label),
        _cell(event.action),
        _cell(event.target_type),
        _cell(event.target_id),
        _cell(event.target_repr),
        canonical_json(event.changes),
        event.ip_address or "",
        event.prev_hash,
        event.hash,
    ]


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel read the file as UTF-8 (otherwise Japanese turns to mojibake).
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(_csv_row(event))


def _export(request: HttpRequest, events: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    # The export is itself an event, committed before the file streams (who took what, when).
    audit_record(
        actor=request.user,
        action="core.audit.export",
        changes={"query": request.GET.urlencode()},
        ip_address=client_ip(request),
    )
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def audit_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """List audit events with filters; `?format=csv` downloads the filtered events."""
    filters = _filters(request)
    events = core_selectors.audit_event_list(actor=request.user, filters=filters)
    if request.GET.get("format") == "csv":
        return _export(request, events)
    context = {
        "page_obj": Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "querystring": querystring_without_page(request),
    }
    template = "web/partials/_audit_table.html" if request.htmx else "web/audit_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)
