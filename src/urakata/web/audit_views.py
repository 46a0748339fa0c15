"""The auditor's page: filter the audit log and export it as CSV."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from urakata.core import selectors as core_selectors
from urakata.core.audit import audit_record
from urakata.core.errors import PermissionDenied
from urakata.core.http import querystring_without_page


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
    def write(self, value: str) -> str:
        return value


@login_required
def audit_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """List audit events with filters; `?format=csv` downloads the filtered events."""
    try:
        events = core_selectors.audit_event_list(actor=request.user, filters=_filters(request))
    except PermissionDenied as error:
        return render(request, "web/forbidden.html", {"message": error.message}, status=403)
    if request.GET.get("format") == "csv":
        audit_record(
            actor=request.user,
            action="core.audit.export",
            changes={"query": request.GET.urlencode()},
        )
        writer = csv.writer(_Echo())
        header = [
            "seq",
            "at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "target",
            "changes",
            "hash",
        ]

        def rows():  # type: ignore[no-untyped-def]
            yield "\ufeff" + writer.writerow(header)
            for ev in events.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        ev.seq,
                        ev.at.isoformat(),
                        ev.actor_label,
                        ev.action,
                        ev.target_type,
                        ev.target_id,
                        ev.target_repr,
                        ev.changes,
                        ev.hash,
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": _filters(request),
        "querystring": querystring_without_page(request),
    }
    template = "web/partials/_audit_table.html" if request.htmx else "web/audit_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)
