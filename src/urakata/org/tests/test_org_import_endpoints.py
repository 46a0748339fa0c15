"""Import/export through the page and the REST API: 422 row reports, capabilities, downloads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from urakata.core import services as core_services
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.models import Counterparty, Employee
from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory
from urakata.org.tests.test_org_import_export import (
    COUNTERPARTY_HEADER,
    EMPLOYEE_HEADER,
    counterparty_line,
    employee_line,
)

pytestmark = pytest.mark.django_db


def csv_file(lines: list[str], name: str = "import.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode("utf-8-sig"), content_type="text/csv")


def token_client(user: Any) -> Client:
    _token, key = core_services.api_token_create(actor=user, user=user, name="cli")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


# ---------------------------------------------------------------- pages


def test_import_page_success_redirects_with_counts(client_for: Any) -> None:
    client = client_for(Role.HR)
    EmployeeFactory(code="A0001")
    upload = csv_file([EMPLOYEE_HEADER, employee_line("A0001"), employee_line("A0002")])
    response = client.post(
        "/org/employees/import/", {"file": upload, "create_logins": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/org/employees/"
    html = response.content.decode()
    assert "新規 1 件" in html and "更新 1 件" in html
    assert Employee.objects.get(code="A0002").user is not None


def test_import_page_without_logins(client_for: Any) -> None:
    upload = csv_file([EMPLOYEE_HEADER, employee_line("A0003")])
    client_for(Role.HR).post("/org/employees/import/", {"file": upload})
    assert Employee.objects.get(code="A0003").user is None


def test_import_page_shows_row_report_and_writes_nothing(client_for: Any) -> None:
    lines = [EMPLOYEE_HEADER, employee_line("R0001"), employee_line("R0002", hire_date="")]
    response = client_for(Role.HR).post("/org/employees/import/", {"file": csv_file(lines)})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="row-errors"' in html
    assert '<td class="num">3</td><td>入社日</td>' in html
    assert "何も登録・更新していません" in html
    assert not Employee.objects.filter(code__startswith="R").exists()


def test_import_page_file_errors(client_for: Any, settings: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    exe = SimpleUploadedFile("invoice.csv", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post("/org/counterparties/import/", {"file": exe})
    assert response.status_code == 422
    assert "テキストではありません" in response.content.decode()
    response = client.post("/org/counterparties/import/", {})
    assert response.status_code == 422 and "ファイルを選択してください" in response.content.decode()
    settings.URAKATA_MAX_UPLOAD_BYTES = 100
    big = csv_file([COUNTERPARTY_HEADER] + [counterparty_line(f"B{n}", n) for n in range(1, 5)])
    response = client.post("/org/counterparties/import/", {"file": big})
    assert response.status_code == 422 and "大きすぎます" in response.content.decode()
    assert Counterparty.objects.count() == 0


def test_import_pages_403_without_capability(client_for: Any) -> None:
    upload = csv_file([EMPLOYEE_HEADER, employee_line("Q0001")])
    assert (
        client_for(Role.MANAGER).post("/org/employees/import/", {"file": upload}).status_code == 403
    )
    upload = csv_file([COUNTERPARTY_HEADER, counterparty_line("Q1", 1)])
    assert (
        client_for(Role.HR).post("/org/counterparties/import/", {"file": upload}).status_code == 403
    )
    assert not Employee.objects.filter(code="Q0001").exists() and Counterparty.objects.count() == 0


# ---------------------------------------------------------------- API


def test_api_employee_import_ok(make_user: Any) -> None:
    client = token_client(make_user(Role.HR))
    upload = csv_file([EMPLOYEE_HEADER, employee_line("V0001"), employee_line("V0002")])
    response = client.post("/api/v1/employees/import", {"file": upload})
    assert response.status_code == 200
    assert response.json() == {"total": 2, "created": 2, "updated": 0, "unchanged": 0}


def test_api_import_422_with_row_report(make_user: Any) -> None:
    client = token_client(make_user(Role.ACCOUNTING))
    lines = [COUNTERPARTY_HEADER]
    lines += [counterparty_line(f"W{n:02d}", n) for n in range(1, 11)]
    lines[3] = counterparty_line("W03", 3, registration_number="T0000000000000")
    lines[5] = counterparty_line("W05", 5, corporate_number="123")
    lines[8] = counterparty_line("W01", 8)  # duplicate of row 2
    response = client.post("/api/v1/counterparties/import", {"file": csv_file(lines)})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [(r["row"], r["column"]) for r in body["rows"]] == [
        (4, "登録番号"),
        (6, "法人番号"),
        (9, "取引先コード"),
    ]
    assert "4:登録番号" in body["errors"]
    assert Counterparty.objects.count() == 0


def test_api_import_file_errors_are_422(make_user: Any) -> None:
    client = token_client(make_user(Role.HR))
    fake = SimpleUploadedFile("staff.xlsx", b"not a zip at all")
    response = client.post("/api/v1/employees/import", {"file": fake})
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    missing = client.post("/api/v1/employees/import", {})
    assert 400 <= missing.status_code < 500


def test_api_import_needs_import_and_manage_capabilities(make_user: Any) -> None:
    upload = csv_file([EMPLOYEE_HEADER, employee_line("Y0001")])
    response = token_client(make_user(Role.ACCOUNTING)).post(
        "/api/v1/employees/import", {"file": upload}
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Employee.objects.filter(code="Y0001").exists()
    assert Client().post("/api/v1/employees/import", {"file": upload}).status_code == 401


def test_api_export_formats(make_user: Any) -> None:
    EmployeeFactory(code="Z0001", status=Employee.Status.RETIRED)
    EmployeeFactory(code="Z0002")
    client = token_client(make_user(Role.HR))
    response = client.get("/api/v1/employees/export?format=csv&status=retired")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.startswith("社員番号,") and "Z0001" in text and "Z0002" not in text
    response = client.get("/api/v1/employees/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "社員番号"
    assert client.get("/api/v1/employees/export?format=pdf").status_code == 422
    assert AuditEvent.objects.filter(action="org.employee.export").count() == 2
    CounterpartyFactory(code="C1")
    accounting = token_client(make_user(Role.ACCOUNTING))
    response = accounting.get("/api/v1/counterparties/export?format=csv")
    assert response.status_code == 200 and "C1" in response.content.decode("utf-8-sig")
    assert accounting.get("/api/v1/employees/export").status_code == 403
