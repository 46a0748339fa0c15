"""年次有給休暇管理簿 PDF: rendered with the embedded Japanese font and parsed back."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from urakata.attendance.models import LeaveRequest, LeaveUse
from urakata.attendance.register_pdf import leave_register_pdf
from urakata.attendance.tests.factories import LeaveGrantFactory
from urakata.core.errors import PermissionDenied
from urakata.core.models import AuditEvent
from urakata.core.pdf_fonts import EMBEDDED_FONT as EMBEDDED
from urakata.core.pdf_fonts import PDF_FONT_FILES as FONT_FILES
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _use(employee: Any, grant: Any, day: dt.date, days: str = "1", hours: int = 0) -> None:
    unit = {"1": "full", "0.5": "am", "0": "hours"}[days]
    request = LeaveRequest.objects.create(
        employee=employee,
        date=day,
        unit=unit,
        hours=hours,
        status="approved",
        requested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    LeaveUse.objects.create(request=request, grant=grant, date=day, days=Decimal(days), hours=hours)


def test_register_pdf_lists_each_grant_dates_taken_and_remaining(
    client_for: Any, make_user: Any
) -> None:
    employee = EmployeeFactory(code="K1", last_name="山田")
    grant = LeaveGrantFactory(employee=employee, granted_on=D(2025, 10, 1), days=10)
    _use(employee, grant, D(2026, 1, 5))
    _use(employee, grant, D(2026, 2, 9), "0.5")
    _use(employee, grant, D(2026, 3, 2), "0", hours=2)  # 2 h of an 8 h day = 0.25
    body = leave_register_pdf(actor=SYSTEM, today=D(2026, 3, 31))
    reader = PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "年次有給休暇管理簿" in text
    assert "K1" in text and "山田" in text
    assert "2025-10-01" in text and "2027-09-30" in text
    assert "01/05" in text and "02/09(0.5)" in text and "03/02(2h)" in text
    assert "8.25" in text  # 10 − 1 − 0.5 − 0.25
    if any(Path(f).is_file() for f in FONT_FILES):
        fonts = reader.pages[0]["/Resources"]["/Font"]
        names = [str(f.get_object()["/BaseFont"]) for f in fonts.values()]
        assert any(EMBEDDED in name for name in names)
        descriptor = next(
            f.get_object()["/FontDescriptor"]
            for f in fonts.values()
            if EMBEDDED in str(f.get_object()["/BaseFont"])
        )
        assert "/FontFile2" in descriptor  # the TrueType font is embedded
    assert AuditEvent.objects.filter(action="attendance.leave_register.export").exists()
    response = client_for(Role.HR).get("/attendance/hr/leave-register.pdf?employee=K1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with pytest.raises(PermissionDenied):
        leave_register_pdf(actor=make_user(Role.EMPLOYEE), today=D(2026, 3, 31))
    assert client_for(Role.EMPLOYEE).get("/attendance/hr/leave-register.pdf").status_code == 403
