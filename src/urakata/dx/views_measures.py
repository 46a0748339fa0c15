"""DX pages, part 3: the process measures every domain declares, over two periods, charted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.dx import charts
from urakata.dx.kpis import measure_rows

DAYS = 90
UNITS = {"count": gettext_noop("件"), "ratio": "%", "duration": gettext_noop("時間")}
DOMAIN_NAMES = {
    "attendance": gettext_noop("勤怠"),
    "documents": gettext_noop("文書・契約"),
    "expenses": gettext_noop("経費精算"),
    "facilities": gettext_noop("総務(備品・来訪者)"),
    "invoicing": gettext_noop("請求・受領請求書"),
    "ledger": gettext_noop("会計"),
    "payments": gettext_noop("振込"),
    "payroll": gettext_noop("給与"),
    "workflow": gettext_noop("ワークフロー"),
}


def _date(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    try:
        return parse_date(request.GET.get(name, "")) or default
    except ValueError:
        return default


def _periods(request: HttpRequest) -> list[tuple[dt.date, dt.date]]:
    """直近 DAYS days and the DAYS days before them, unless the query names the dates."""
    today = timezone.localdate()
    after_to = _date(request, "to", today)
    after_from = _date(request, "from", after_to - dt.timedelta(days=DAYS - 1))
    span = after_to - after_from
    before_to = _date(request, "before_to", after_from - dt.timedelta(days=1))
    before_from = _date(request, "before_from", before_to - span)
    return [(before_from, before_to), (after_from, after_to)]


@login_required
def measures(request: HttpRequest) -> HttpResponse:
    """プロセス指標: each domain's measures over the audit log, two periods side by side."""
    require(request.user, "dx.use")
    periods = _periods(request)
    error = ""
    try:
        rows = measure_rows(periods=periods)
    except ValidationFailed as failed:
        error, rows = str(failed), []
        periods = _periods(HttpRequest())
    legend = (_("前の期間"), _("この期間"))
    domains: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        before, after = row["shown"]
        row["unit"] = _(UNITS[row["kind"]])
        row["chart"] = charts.bars_svg([(row["unit"], before, after)], legend=legend)
        name = DOMAIN_NAMES.get(row["domain"])
        domains.setdefault(_(name) if name else row["domain"], []).append(row)
    return render(
        request,
        "dx/measures.html",
        {"domains": domains, "periods": periods, "error": error, "legend": legend},
        status=400 if error else 200,
    )
