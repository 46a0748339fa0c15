"""Knowledge base: file ingest per type, upload checks, audience filtering, index cache, CLI."""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urakata.assistant import selectors, services
from urakata.assistant.bm25 import INDEX_CACHE
from urakata.assistant.models import KnowledgeChunk, KnowledgeSource
from urakata.assistant.tests.factories import make_faq, make_source
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _pdf(text: str) -> bytes:
    """A one-page PDF with `text` in Helvetica (ASCII), built by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("車両管理規程", level=1)
    document.add_heading("社用車の予約", level=2)
    document.add_paragraph("社用車は総務部の予約表で前日までに予約してください。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected_heading", "expected_text"),
    [
        (
            "expense.pdf",
            _pdf("Expense claims must be filed by the 10th."),
            "p.1",
            "filed by the 10th",
        ),
        ("cars.docx", _docx(), "車両管理規程 > 社用車の予約", "前日までに予約"),
        (
            "vpn.md",
            "# ITヘルプ\n\n## VPN\n\n自宅からはVPNに接続してください。\n".encode(),
            "VPN",  # the title (first heading) is not repeated in the heading path
            "VPNに接続",
        ),
        ("note.txt", "名刺の発注は総務部に依頼します。".encode(), "", "名刺の発注"),
        (
            "page.html",
            "<html><body><h1>防災</h1><script>x()</script><p>避難訓練は年2回です。</p></body></html>".encode(),
            "",
            "避難訓練は年2回",
        ),
    ],
)
def test_ingest_each_file_type(
    name: str, data: bytes, expected_heading: str, expected_text: str
) -> None:
    source = services.knowledge_file_ingest(actor=SYSTEM, name=name, data=data)
    chunk = source.chunks.get()
    assert chunk.heading == expected_heading
    assert expected_text in chunk.text
    assert chunk.length == sum(chunk.term_freqs.values()) > 0
    assert source.file_sha256 and source.file_size == len(data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ....", "ファイル形式"),
        ("fake.pdf", b"not a pdf", "PDF ファイルではありません"),
        ("fake.docx", b"PK\x03\x04garbage", "DOCX ファイルではありません"),
        ("binary.txt", b"\x00\x01\x02", "バイナリ"),
        ("empty.md", b"", "空です"),
    ],
)
def test_upload_checks_type_and_content(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.knowledge_file_ingest(actor=SYSTEM, name=name, data=data)
    assert any(message in m for m in error.value.errors["file"])
    assert not KnowledgeSource.objects.exists()


def test_upload_checks_size(settings: Any) -> None:
    settings.URAKATA_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationFailed) as error:
        services.knowledge_file_ingest(actor=SYSTEM, name="big.txt", data=b"a" * 101)
    assert "大きすぎます" in error.value.errors["file"][0]


def test_headings_split_chunks_and_long_sections_are_cut() -> None:
    body = "# 規程\n\n## 第1条\n\n" + "短い段落。\n\n" + "## 第2条\n\n" + ("長い文章です。" * 120)
    source = make_source(title="長い規程", body=body)
    chunks = list(source.chunks.order_by("ordinal"))
    assert chunks[0].heading == "規程 > 第1条"
    assert all(c.heading == "規程 > 第2条" for c in chunks[1:]) and len(chunks) >= 3
    assert all(len(c.text) <= 500 for c in chunks)


def _employee_user(dept_code: str = "", *roles: Role) -> Any:
    from django.contrib.auth.models import Group

    user = UserFactory()
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    department = DepartmentFactory(code=dept_code) if dept_code else DepartmentFactory()
    EmployeeFactory(user=user, department=department)
    return user


def test_audience_filters_before_ranking(make_user: Any) -> None:
    make_faq("賞与の支給日はいつですか", "賞与は6月と12月の10日に支給します。")
    hr_only = make_source(
        title="賞与算定要領(人事限定)",
        body="# 賞与算定\n\n賞与の支給日と算定式:評価Sは基本給の3か月分を支給します。",
        audience="hr",
    )
    employee = make_user(Role.EMPLOYEE)
    hr = make_user(Role.HR)
    hits, _ = selectors.kb_search(actor=employee, question="賞与 支給日 算定式 評価", k=10)
    assert hits and all(hit.source != hr_only for hit in hits)
    hr_hits, _ = selectors.kb_search(actor=hr, question="賞与 支給日 算定式 評価", k=10)
    assert hr_hits[0].source == hr_only
    assert not KnowledgeChunk.objects.visible_to(employee).filter(source=hr_only).exists()
    assert KnowledgeChunk.objects.visible_to(hr).filter(source=hr_only).exists()


def test_department_audience_includes_sub_departments() -> None:
    sales = DepartmentFactory(code="D500")
    east = DepartmentFactory(code="D510", parent=sales)
    source = make_source(title="営業部の値引き基準", body="値引きは10%までです。", audience="D500")
    member = UserFactory()
    EmployeeFactory(user=member, department=east)
    outsider = _employee_user("D600")
    assert KnowledgeSource.objects.visible_to(member).filter(pk=source.pk).exists()
    assert not KnowledgeSource.objects.visible_to(outsider).filter(pk=source.pk).exists()


def test_bad_audience_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as error:
        make_source(audience="nobody,D999")
    assert len(error.value.errors["audience"]) == 2


def test_index_cache_follows_the_version(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    INDEX_CACHE.clear()
    make_faq("駐車場は使えますか", "来客用駐車場は3台分あります。")
    first = selectors.knowledge_index()
    assert selectors.knowledge_index() is first  # cached while nothing changes
    make_faq("自転車通勤はできますか", "自転車通勤は申請すれば可能です。")
    second = selectors.knowledge_index()
    assert second is not first and len(second.chunk_ids) == 2
    hits, confidence = selectors.kb_search(actor=user, question="自転車通勤", k=3)
    assert hits[0].source.question == "自転車通勤はできますか" and confidence == 100
    source = hits[0].source
    services.knowledge_source_update(actor=SYSTEM, source=source, data={"is_active": False})
    hits, _ = selectors.kb_search(actor=user, question="自転車通勤", k=3)
    assert all(h.source != source for h in hits)


def test_search_costs_a_fixed_number_of_queries(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    for i in range(3):
        make_faq(f"質問{i} 経費の精算", f"回答{i} 経費は精算します。")
    selectors.kb_search(actor=user, question="経費の精算", k=5)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.kb_search(actor=user, question="経費の精算", k=5)
        return len(ctx.captured_queries)

    few = count()
    for i in range(20):
        make_faq(f"追加{i} 経費の精算", f"追加回答{i} 経費は精算します。")
    selectors.kb_search(actor=user, question="経費の精算", k=5)  # rebuild after the change
    assert count() == few


def test_cli_ingest_and_ask(tmp_path: Path, make_user: Any) -> None:
    (tmp_path / "it.md").write_text(
        "# ITヘルプ\n\n## パスワード\n\nパスワードは90日ごとに変更します。\n", encoding="utf-8"
    )
    (tmp_path / "hr.md").write_text("# 人事評価\n\n評価面談は10月に行います。\n", encoding="utf-8")
    out = StringIO()
    call_command("kb", "ingest", str(tmp_path / "it.md"), stdout=out)
    call_command("kb", "ingest", str(tmp_path / "hr.md"), "--audience", "hr", stdout=out)
    assert "OK" in out.getvalue()
    employee = make_user(Role.EMPLOYEE, username="taro")
    out = StringIO()
    call_command("kb", "ask", "パスワードの変更頻度は?", "--as", "taro", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"found", "answer", "confidence", "cited", "sources"}
    assert data["found"] is True
    assert "90日ごと" in data["answer"] and data["confidence"] >= 50
    assert data["sources"][0]["title"] == "ITヘルプ"
    assert set(data["sources"][0]) == {"title", "url", "excerpt", "score"}
    out = StringIO()
    call_command("kb", "ask", "評価面談はいつ?", "--as", employee.username, "--json", stdout=out)
    assert all(s["title"] != "人事評価" for s in json.loads(out.getvalue())["sources"])
