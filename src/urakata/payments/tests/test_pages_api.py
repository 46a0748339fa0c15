"""Pages and API: masking by role, bad input as 422, constant query counts, the file download."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.payments import batches, settle
from urakata.payments.models import PaymentBatch
from urakata.payments.services import payment_request_add
from urakata.payments.tests.factories import CompanyBankAccountFactory, employee_with_account

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 10)


def _batch(n: int) -> PaymentBatch:
    for i in range(n):
        payment_request_add(
            actor=SYSTEM,
            source="payments",
            source_id=1000 * n + i + 1,
            payee_employee_id=employee_with_account().pk,
            amount=1_000 + i,
            due_date=DAY,
            description="テスト",
            liability_account_code="3150",
        )
    batch, _skipped = batches.batch_create(actor=SYSTEM, transfer_date=DAY)
    return batch


@pytest.fixture
def company() -> Any:
    return CompanyBankAccountFactory()


def test_auditor_sees_masked_numbers_accounting_sees_them(client_for: Any, company: Any) -> None:
    batch = _batch(2)
    number = batch.items.first().account_number  # type: ignore[union-attr]
    auditor = client_for(Role.AUDITOR).get(f"/api/v1/payments/batches/{batch.pk}").json()
    assert auditor["items"][0]["account_number"] == "****" + number[-3:]
    accounting = client_for(Role.ACCOUNTING).get(f"/api/v1/payments/batches/{batch.pk}").json()
    assert accounting["items"][0]["account_number"] == number
    page = client_for(Role.AUDITOR).get(f"/payments/batches/{batch.pk}/")
    assert page.status_code == 200 and number not in page.content.decode()


def test_batch_detail_queries_do_not_grow(client_for: Any, company: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    small, large = _batch(1), None
    PaymentBatch.objects.filter(pk=small.pk).update(status="paid")
    large = _batch(6)
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/payments/batches/{batch.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_bad_input_is_422_not_500(client_for: Any, company: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    holiday = client.post(
        "/api/v1/payments/batches", {"transfer_date": "2026-11-23"}, content_type="application/json"
    )
    assert holiday.status_code == 422
    bad_branch = client.put(
        "/api/v1/payments/my-account",
        {
            "bank_code": "0009",
            "branch_code": "998",
            "account_number": "1",
            "account_holder_kana": "ﾔﾏﾀﾞ",
        },
        content_type="application/json",
    )
    assert bad_branch.status_code == 422 and "998" in bad_branch.content.decode()
    bad_name = client.put(
        "/api/v1/payments/my-account",
        {
            "bank_code": "0009",
            "branch_code": "001",
            "account_number": "1",
            "account_holder_kana": "ジョン・スミス",
        },
        content_type="application/json",
    )
    assert (
        bad_name.status_code == 422
        and "5文字目" in bad_name.json()["errors"]["account_holder_kana"][0]
    )
    not_zengin = client.post(
        "/api/v1/payments/parse", {"file": SimpleUploadedFile("x.txt", b"hello", "text/plain")}
    )
    assert not_zengin.status_code == 422


def test_page_form_shows_errors_and_creates(client_for: Any, company: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    response = client.post(
        "/payments/batches/", {"transfer_date": "2026-12-12", "kind": "transfer"}
    )
    assert response.status_code == 200 and "2026-12-14" in response.content.decode()
    payment_request_add(
        actor=SYSTEM,
        source="payments",
        source_id=1,
        payee_employee_id=employee_with_account().pk,
        amount=5_000,
        due_date=DAY,
        description="テスト",
        liability_account_code="3150",
    )
    response = client.post(
        "/payments/batches/", {"transfer_date": DAY.isoformat(), "kind": "transfer"}
    )
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/payments/batches/{batch.pk}/"


def test_file_download_for_accounting_only(client_for: Any, company: Any) -> None:
    batch = _batch(1)
    PaymentBatch.objects.filter(pk=batch.pk).update(status="approved")
    settle.batch_file(actor=SYSTEM, batch_id=batch.pk)
    response = client_for(Role.ACCOUNTING).get(f"/payments/batches/{batch.pk}/zengin/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data[:3] == b"121" and len(data) == 4 * 122
    assert client_for(Role.AUDITOR).get(f"/payments/batches/{batch.pk}/zengin/").status_code == 403


def test_page_form_with_a_broken_account_value_is_no_500(client_for: Any, company: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    response = client.post(
        "/payments/batches/",
        {"transfer_date": "x", "kind": "cash", "company_account": "abc"},
    )
    assert (
        response.status_code == 200 and "振込指定日を入力してください" in response.content.decode()
    )
    assert PaymentBatch.objects.count() == 0
