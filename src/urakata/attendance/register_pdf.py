"""年次有給休暇管理簿 (労基則24条の7) as a PDF: per employee, each grant's 基準日, days, the dates
taken and what remains. Japanese text in an embedded TrueType font (IPAex Gothic) when installed."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from urakata.attendance.figures import rules_for
from urakata.attendance.leave import day_hours
from urakata.attendance.models import LeaveGrant, LeaveUse
from urakata.core.pdf_fonts import pdf_font
from urakata.core.permissions import require
from urakata.core.tables import audit_export


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}"


def register_rows(today: dt.date, employee_code: str = "") -> dict[Any, list[list[str]]]:
    """Per employee: [基準日, 付与日数, 失効日, 取得日, 残日数] for grants in force or lapsed in
    the last 3 years (the retention period)."""
    queryset = (
        LeaveGrant.objects.filter(expires_on__gte=today - dt.timedelta(days=366 * 3))
        .select_related("employee")
        .order_by("employee__code", "granted_on")
    )
    if employee_code:
        queryset = queryset.filter(employee__code=employee_code)
    grants = list(queryset)
    hours = {pk: day_hours(rule) for pk, rule in rules_for({g.employee_id for g in grants}).items()}
    uses: dict[int, list[tuple[dt.date, Decimal, int]]] = defaultdict(list)
    for grant_id, day, days, hrs in (
        LeaveUse.objects.filter(grant__in=grants, date__lte=today)
        .order_by("date")
        .values_list("grant_id", "date", "days", "hours")
    ):
        uses[grant_id].append((day, Decimal(days), hrs))
    out: dict[Any, list[list[str]]] = defaultdict(list)
    for g in grants:
        per_day = hours[g.employee_id]
        used = sum((d + Decimal(h) / per_day for _day, d, h in uses[g.pk]), Decimal(0))
        taken = [
            f"{day:%m/%d}" + ("" if d == 1 else f"({_days(d)})" if d else f"({h}h)")
            for day, d, h in uses[g.pk]
        ]
        remaining = Decimal(0) if g.expires_on < today else g.days - used
        out[g.employee].append(
            [
                g.granted_on.isoformat(),
                _days(Decimal(g.days)),
                g.expires_on.isoformat(),
                " ".join(taken) or "—",
                _days(remaining.quantize(Decimal("0.01"))),
            ]
        )
    return out


def leave_register_pdf(*, actor: Any, today: dt.date, employee_code: str = "") -> bytes:
    """The register as an A4 PDF, one section per employee (HR)."""
    require(actor, "attendance.view_all")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    rows = register_rows(today, employee_code)
    title_style = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    head_style = ParagraphStyle("head", fontName=font, fontSize=10, leading=14)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    story: list[Any] = [
        Paragraph(_("年次有給休暇管理簿"), title_style),
        Paragraph(_("作成日 %(d)s") % {"d": today.isoformat()}, head_style),
        Spacer(1, 4 * mm),
    ]
    header = [_("基準日"), _("付与日数"), _("失効日"), _("取得日"), _("残日数")]
    for employee, lines in rows.items():
        story.append(Paragraph(f"{employee.code} {employee.full_name}", head_style))
        data = [header] + [[*line[:3], Paragraph(line[3], cell_style), line[4]] for line in lines]
        table = Table(data, colWidths=[24 * mm, 18 * mm, 24 * mm, 96 * mm, 18 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("GRID", (0, 0), (-1, -1), 0.3, "#888888"),
                    ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                    ("ALIGN", (4, 1), (4, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 5 * mm)]
    if not rows:
        story.append(Paragraph(_("付与の記録がありません。"), head_style))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title=_("年次有給休暇管理簿"), leftMargin=12 * mm, rightMargin=12 * mm
    ).build(story)
    audit_export(
        actor=actor,
        action="attendance.leave_register.export",
        file_format="pdf",
        rows=sum(len(v) for v in rows.values()),
        filters={"on": today.isoformat(), "employee": employee_code},
    )
    return buffer.getvalue()
