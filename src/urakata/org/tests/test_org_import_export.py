"""Import and export of employees and counterparties: atomic imports, row reports, file checks."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from urakata.core.audit import audit_verify
from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org import import_export, selectors
from urakata.org.models import Counterparty, Employee
from urakata.org.tests.factories import (
    CounterpartyFactory,
    DepartmentFactory,
    EmployeeFactory,
    PositionFactory,
    valid_corporate_number,
)

pytestmark = pytest.mark.django_db

EMPLOYEE_HEADER = "社員番号,姓,名,姓(フリガナ),名(フリガナ),メールアドレス,部署コード,役職コード,上長の社員番号,雇用区分,入社日,退職日,在籍状況"
COUNTERPARTY_HEADER = "取引先コード,取引先名,取引先名(カナ),法人番号,登録番号,得意先,仕入先,銀行コード,支店コード,預金種目,口座番号"


def upload(name: str, text: str | bytes, encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    data = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def employee_line(code: str, **overrides: str) -> str:
    values = {
        "code": code,
        "last_name": "佐藤",
        "first_name": "花子",
        "last_name_kana": "サトウ",
        "first_name_kana": "ハナコ",
        "email": f"{code.lower()}@example.jp",
        "department": "",
        "position": "",
        "manager": "",
        "employment_type": "正社員",
        "hire_date": "2024-04-01",
        "retire_date": "",
        "status": "在籍",
    }
    values.update(overrides)
    return ",".join(values.values())


def counterparty_line(code: str, n: int, **overrides: str) -> str:
    number = valid_corporate_number(n)
    values = {
        "code": code,
        "name": f"株式会社サンプル{n}",
        "name_kana": "サンプル",
        "corporate_number": number,
        "registration_number": f"T{number}",
        "is_customer": "1",
        "is_supplier": "0",
        "bank_code": "0005",
        "branch_code": "135",
        "account_type": "普通",
        "account_number": "1234567",
    }
    values.update(overrides)
    return ",".join(values.values())


@pytest.fixture
def hr(make_user: Any) -> Any:
    return make_user(Role.HR)


@pytest.fixture
def accounting(make_user: Any) -> Any:
    return make_user(Role.ACCOUNTING)


# ---------------------------------------------------------------- employees


def test_employee_import_creates_and_updates_by_code(hr: Any) -> None:
    department = DepartmentFactory(code="D100")
    position = PositionFactory(code="P10")
    existing = EmployeeFactory(code="E0001", last_name="山田")
    text = "\n".join(
        [
            EMPLOYEE_HEADER,
            employee_line("E0001", last_name="山本", department="D100"),
            employee_line("E0002", position="P10", manager="E0001"),
            employee_line("E0003", manager="E0002", employment_type="contract"),
        ]
    )
    result = import_export.employee_import(actor=hr, upload=upload("staff.csv", text))
    assert result.as_dict() == {"total": 3, "created": 2, "updated": 1, "unchanged": 0}
    existing.refresh_from_db()
    assert existing.last_name == "山本" and existing.department == department
    second = Employee.objects.get(code="E0002")
    third = Employee.objects.get(code="E0003")
    assert second.position == position and second.manager == existing
    # a manager who is new in the same file is linked too
    assert third.manager == second
    assert third.employment_type == Employee.EmploymentType.CONTRACT
    assert second.user is not None and second.user.username == "e0002"
    assert second.user.groups.filter(name=Role.EMPLOYEE.value).exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("org.employee.create") == 2
    assert actions.count("org.employee.update") == 1
    assert "org.employee.import" in actions
    assert audit_verify().ok


def test_three_bad_rows_among_ten_write_nothing_and_are_reported(hr: Any) -> None:
    lines = [EMPLOYEE_HEADER]
    for n in range(1, 11):
        code = f"N{n:04d}"
        if n == 3:
            lines.append(employee_line(code, last_name_kana="Sato"))  # not katakana
        elif n == 6:
            lines.append(employee_line(code, hire_date="2024-13-45"))
        elif n == 9:
            lines.append(employee_line(code, department="NOPE"))
        else:
            lines.append(employee_line(code))
    before_events = AuditEvent.objects.count()
    with pytest.raises(import_export.ImportRejected) as caught:
        import_export.employee_import(actor=hr, upload=upload("ten.csv", "\n".join(lines)))
    rows = caught.value.rows
    # spreadsheet rows: header is row 1, so data row n is row n + 1
    assert [(e.row, e.column) for e in rows] == [
        (4, "姓(フリガナ)"),
        (7, "入社日"),
        (10, "部署コード"),
    ]
    assert "カタカナ" in rows[0].message
    assert "NOPE" in rows[2].message
    assert not Employee.objects.filter(code__startswith="N").exists()
    assert AuditEvent.objects.count() == before_events


def test_duplicate_employee_code_in_file_is_rejected(hr: Any) -> None:
    text = "\n".join(
        [EMPLOYEE_HEADER, employee_line("D0001"), employee_line("D0002"), employee_line("D0001")]
    )
    with pytest.raises(import_export.ImportRejected) as caught:
        import_export.employee_import(actor=hr, upload=upload("dup.csv", text))
    (problem,) = caught.value.rows
    assert problem.row == 4 and problem.column == "社員番号"
    assert "重複" in problem.message and "2行目" in problem.message
    assert not Employee.objects.filter(code__startswith="D000").exists()


def test_employee_export_then_import_changes_nothing(hr: Any) -> None:
    boss = EmployeeFactory(code="B0001")
    EmployeeFactory.create_batch(4, manager=boss)
    EmployeeFactory(code="R0001", status=Employee.Status.RETIRED, retire_date="2024-03-31")
    EmployeeFactory(code="F0001", last_name="=SUM(1)", email="")  # formula-like text survives
    for file_format in ("csv", "xlsx"):
        export = import_export.employee_export(
            actor=hr, filters=selectors.EmployeeFilters(), file_format=file_format
        )
        events = AuditEvent.objects.count()
        result = import_export.employee_import(
            actor=hr, upload=SimpleUploadedFile(export.filename, export.content)
        )
        total = Employee.objects.count()
        assert result.as_dict() == {"total": total, "created": 0, "updated": 0, "unchanged": total}
        # only the import's own summary event; no per-row create/update
        assert AuditEvent.objects.count() == events + 1


def test_employee_export_csv_has_bom_japanese_header_and_audit_event(hr: Any) -> None:
    EmployeeFactory(code="X0001", last_name="=HYPERLINK(1)")
    export = import_export.employee_export(
        actor=hr, filters=selectors.EmployeeFilters(q="X0001"), file_format="csv"
    )
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["社員番号", "姓", "名"]
    assert len(rows) == 2 and rows[1][0] == "X0001"
    assert rows[1][1] == "'=HYPERLINK(1)"  # formula escaped for Excel
    event = AuditEvent.objects.get(action="org.employee.export")
    assert event.changes["rows"] == 1 and event.changes["format"] == "csv"


def test_export_query_count_does_not_grow(hr: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            import_export.employee_export(
                actor=hr, filters=selectors.EmployeeFilters(), file_format="xlsx"
            )
        return len(ctx.captured_queries)

    boss = EmployeeFactory()
    EmployeeFactory.create_batch(3, manager=boss)
    queries()  # warm up: role cache, audit chain head row
    few = queries()
    EmployeeFactory.create_batch(30, manager=boss)
    assert queries() == few


def test_xlsx_employee_import(hr: Any) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["code", "last_name", "first_name", "last_name_kana", "first_name_kana", "hire_date"]
    )
    sheet.append([1234, "鈴木", "一郎", "すずき", "ｲﾁﾛｳ", dt.datetime(2023, 10, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_export.employee_import(
        actor=hr, upload=SimpleUploadedFile("staff.xlsx", buffer.getvalue())
    )
    assert result.created == 1
    employee = Employee.objects.get(code="1234")
    assert employee.last_name_kana == "スズキ" and employee.first_name_kana == "イチロウ"
    assert employee.hire_date == dt.date(2023, 10, 1)


def test_shift_jis_csv_is_detected(hr: Any) -> None:
    text = "\r\n".join([EMPLOYEE_HEADER, employee_line("S0001", hire_date="2024/4/1")])
    result = import_export.employee_import(actor=hr, upload=upload("sjis.csv", text, "cp932"))
    assert result.created == 1
    employee = Employee.objects.get(code="S0001")
    assert employee.last_name == "佐藤" and employee.hire_date.isoformat() == "2024-04-01"


def test_utf8_without_bom_and_english_headers(hr: Any) -> None:
    text = "code,last_name,first_name,last_name_kana,first_name_kana,hire_date\nU1,林,葵,ハヤシ,アオイ,2024-01-09\n"
    result = import_export.employee_import(actor=hr, upload=upload("plain.csv", text, "utf-8"))
    assert result.created == 1 and Employee.objects.filter(code="U1").exists()


def test_header_aliases_japanese_and_english(hr: Any) -> None:
    text = (
        "Employee No,Last name,First name,last_name_kana,first_name_kana,E-mail,入社年月日\n"
        "U2,林,葵,ハヤシ,アオイ,u2@example.jp,2024-01-09\n"
    )
    result = import_export.employee_import(actor=hr, upload=upload("alias.csv", text, "cp932"))
    employee = Employee.objects.get(code="U2")
    assert result.created == 1 and employee.email == "u2@example.jp"
    assert employee.hire_date.isoformat() == "2024-01-09"


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (
            "virus.csv",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200,
            "テキストではありません",
        ),
        ("fake.xlsx", "社員番号\nE1\n".encode(), "Excel ファイル(.xlsx)として読めません"),
        ("staff.pdf", b"%PDF-1.4", "対応していないファイル形式"),
        ("old.xls", b"\xd0\xcf\x11\xe0", ".xlsx 形式に保存し直して"),
        ("bad.csv", b"\x82\xa0\xff\xfe\xfd\x80\x81,\xff", "文字コードを判別できません"),
        ("empty.csv", b"", "空"),
        ("header-only.csv", EMPLOYEE_HEADER.encode(), "データ行がありません"),
        ("wrong.csv", "氏名,年齢\n山田,30\n".encode(), "不明な列"),
        ("nocode.csv", "姓,名\n山田,太郎\n".encode(), "「社員番号」の列がありません"),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(
    hr: Any, name: str, content: bytes, fragment: str
) -> None:
    before = (Employee.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        import_export.employee_import(actor=hr, upload=SimpleUploadedFile(name, content))
    assert not isinstance(caught.value, import_export.ImportRejected)
    assert fragment in caught.value.message
    assert caught.value.errors["file"]
    assert (Employee.objects.count(), AuditEvent.objects.count()) == before


def test_oversize_upload_is_refused_before_parsing(hr: Any, settings: Any) -> None:
    settings.URAKATA_MAX_UPLOAD_BYTES = 1024
    text = "\n".join([EMPLOYEE_HEADER] + [employee_line(f"O{n:04d}") for n in range(50)])
    with pytest.raises(ValidationFailed) as caught:
        import_export.employee_import(actor=hr, upload=upload("big.csv", text))
    assert "大きすぎます" in caught.value.message
    assert not Employee.objects.filter(code__startswith="O").exists()


def test_ragged_row_is_reported(hr: Any) -> None:
    text = "\n".join(
        [EMPLOYEE_HEADER, employee_line("G0001"), employee_line("G0002") + ",extra,cells"]
    )
    with pytest.raises(import_export.ImportRejected) as caught:
        import_export.employee_import(actor=hr, upload=upload("ragged.csv", text))
    (problem,) = caught.value.rows
    assert problem.row == 3 and "列の数" in problem.message
    assert not Employee.objects.filter(code__startswith="G").exists()


def test_import_needs_both_capabilities(make_user: Any) -> None:
    text = "\n".join([EMPLOYEE_HEADER, employee_line("P0001")])
    for role in (Role.EMPLOYEE, Role.ACCOUNTING):  # accounting may import, not employees
        with pytest.raises(PermissionDenied):
            import_export.employee_import(actor=make_user(role), upload=upload("a.csv", text))
    assert not Employee.objects.filter(code="P0001").exists()


# ---------------------------------------------------------------- counterparties


def test_counterparty_import_rejects_bad_identifiers_row_by_row(accounting: Any) -> None:
    good = valid_corporate_number(77)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)  # check digit no longer matches
    text = "\n".join(
        [
            COUNTERPARTY_HEADER,
            counterparty_line("K001", 1),
            counterparty_line("K002", 2, corporate_number=bad, registration_number=""),
            counterparty_line("K003", 3, registration_number="T123"),
            counterparty_line("K004", 4, corporate_number="12345", registration_number=""),
        ]
    )
    with pytest.raises(import_export.ImportRejected) as caught:
        import_export.counterparty_import(actor=accounting, upload=upload("cp.csv", text))
    assert [(e.row, e.column) for e in caught.value.rows] == [
        (3, "法人番号"),
        (4, "登録番号"),
        (5, "法人番号"),
    ]
    assert "チェックデジット" in caught.value.rows[0].message
    assert "13桁" in caught.value.rows[2].message
    assert Counterparty.objects.count() == 0


def test_counterparty_import_creates_updates_and_pads_bank_codes(accounting: Any) -> None:
    existing = CounterpartyFactory(code="K100", name="旧名")
    text = "\n".join(
        [
            COUNTERPARTY_HEADER,
            counterparty_line("K100", 5, name="新名"),
            counterparty_line("K101", 6, bank_code="5", account_type="当座"),
        ]
    )
    result = import_export.counterparty_import(actor=accounting, upload=upload("cp.csv", text))
    assert (result.created, result.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.name == "新名"
    new = Counterparty.objects.get(code="K101")
    assert new.bank_code == "0005" and new.account_type == "2" and new.is_customer
    assert AuditEvent.objects.filter(action="org.counterparty.create").count() == 1
    assert AuditEvent.objects.filter(action="org.counterparty.update").count() == 1


def test_counterparty_round_trip_xlsx_keeps_leading_zeros(accounting: Any) -> None:
    CounterpartyFactory.create_batch(
        3, bank_code="0001", branch_code="001", account_number="0012345", account_type="1"
    )
    export = import_export.counterparty_export(
        actor=accounting, filters=selectors.CounterpartyFilters(), file_format="xlsx"
    )
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert sheet["A1"].value == "取引先コード"
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("銀行コード") + 1).value == "0001"
    result = import_export.counterparty_import(
        actor=accounting, upload=SimpleUploadedFile(export.filename, export.content)
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


# ---------------------------------------------------------------- the documented samples

SAMPLES = Path(__file__).resolve().parents[4] / "docs" / "samples"


def test_sample_files_in_docs_import_cleanly(hr: Any, accounting: Any) -> None:
    for code in ("D500", "D510", "D520", "D600"):
        DepartmentFactory(code=code)
    for code in ("P70", "P50", "P30", "P10"):
        PositionFactory(code=code)
    employees = SAMPLES / "employees.csv"
    result = import_export.employee_import(
        actor=hr, upload=SimpleUploadedFile(employees.name, employees.read_bytes())
    )
    assert result.created == 5
    assert Employee.objects.get(code="E9003").manager == Employee.objects.get(code="E9002")
    assert Employee.objects.get(code="E9004").last_name_kana == "エグチ"
    counterparties = SAMPLES / "counterparties.csv"
    result = import_export.counterparty_import(
        actor=accounting,
        upload=SimpleUploadedFile(counterparties.name, counterparties.read_bytes()),
    )
    assert result.created == 3
    assert Counterparty.objects.get(code="S002").account_type == "2"


def _xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_that_expands_too_far_is_refused_before_parsing(
    hr: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urakata.core.tables import reading

    monkeypatch.setattr(reading, "MAX_XLSX_EXPANDED_BYTES", 1000)
    content = _xlsx_bytes([["code", "last_name"], ["E1", "山田"]])
    with pytest.raises(ValidationFailed) as caught:
        import_export.employee_import(actor=hr, upload=SimpleUploadedFile("a.xlsx", content))
    assert "大きすぎます" in caught.value.message


def test_broken_workbook_inside_a_zip_gets_a_clear_message(hr: Any) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-really-a-workbook")
    with pytest.raises(ValidationFailed) as caught:
        import_export.employee_import(
            actor=hr, upload=SimpleUploadedFile("a.xlsx", buffer.getvalue())
        )
    assert "Excel ファイル(.xlsx)として読めません" in caught.value.message
