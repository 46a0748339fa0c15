"""E-contracts: approval, two PAdES signatures checked by pyHanko's own validator, the one-time
link and code, the verify command, and a changed byte reported."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.roles import Role
from urakata.documents import contracts, pki, services
from urakata.documents.contract_models import Contract
from urakata.org.tests.factories import CounterpartyFactory
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(make_user: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """One contract taken through the whole flow (built once per test that needs it)."""
    drafter = make_user(Role.GENERAL_AFFAIRS)
    checker = make_user(Role.GENERAL_AFFAIRS)
    executive = make_user(Role.EXECUTIVE)
    contract = contracts.contract_create(
        actor=drafter,
        data={
            "title": "保守業務委託契約書",
            "counterparty_id": CounterpartyFactory(name="国税商事").pk,
            "amount": 1_200_000,
            "start_date": dt.date(2026, 4, 1),
            "end_date": dt.date(2027, 3, 31),
            "auto_renew": True,
            "body": "第1条 乙は甲の設備を保守する。\n第2条 委託料は年額120万円とする。",
            "signer_name": "山田 花子",
            "signer_email": "hanako@example.jp",
        },
    )
    contracts.contract_submit(actor=drafter, contract=contract)
    approval = ApprovalRequest.objects.get(subject_id=contract.pk)
    workflow_services.request_approve(actor=checker, request_id=approval.pk)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.APPROVING  # 100万円以上: the executive decides too
    workflow_services.request_approve(actor=executive, request_id=approval.pk)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        token = contracts.contract_company_sign(actor=executive, contract=contract)
    code = re.search(r"確認コード (\d{6})", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    return {"contract": contract, "token": token, "code": code}


def _validate_independently(data: bytes) -> list[Any]:
    """pyHanko's validator with the demo CA as the only trust root (none of our code)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = pki.ca_certificate()
    reader = PdfFileReader(io.BytesIO(data))
    return [
        validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False))
        for sig in reader.embedded_signatures
    ]


def test_signed_contract_verifies_and_a_changed_byte_is_reported(
    signed: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    token, code = signed["token"], signed["code"]
    with pytest.raises(ValidationFailed):
        contracts.counterparty_sign(
            token=token, code="000000" if code != "000000" else "111111", ip="203.0.113.9"
        )
    contract = contracts.counterparty_sign(token=token, code=code, ip="203.0.113.9", agent="test")
    assert contract.status == Contract.Status.SIGNED
    document = contract.document
    assert document is not None
    document.refresh_from_db()
    assert document is not None and document.doc_type == "contract" and document.version_count == 3
    final = services.blob_read(document.versions.order_by("-number").first())  # type: ignore[arg-type]
    statuses = _validate_independently(final)
    assert len(statuses) == 2
    for status in statuses:
        assert status.intact and status.valid and status.trusted
        assert status.timestamp_validity is not None  # RFC 3161 timestamp from the test TSA
    assert "Urakata Demo CA" in statuses[0].validation_path.first.subject.human_friendly
    # one byte changed in the signed content
    tampered = bytearray(final)
    tampered[400] ^= 0x01
    changed = _validate_independently(bytes(tampered))
    assert not all(s.intact for s in changed)
    path = tmp_path / "signed.pdf"
    path.write_bytes(final)
    call_command("contracts", "verify", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] and [s["field"] for s in report["signatures"]] == [
        "Company",
        "Counterparty",
    ]
    path.write_bytes(bytes(tampered))
    with pytest.raises(SystemExit):
        call_command("contracts", "verify", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert not report["valid"] and any(s["modified_after_signing"] for s in report["signatures"])
    with pytest.raises(Conflict):  # the link is used
        contracts.counterparty_sign(token=token, code=code, ip=None)


def test_wrong_codes_lock_the_link_and_expired_links_refuse(signed: dict[str, Any]) -> None:
    token, code = signed["token"], signed["code"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(contracts.MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            contracts.counterparty_sign(token=token, code=wrong, ip=None)
    with pytest.raises(Conflict):
        contracts.counterparty_sign(token=token, code=code, ip=None)
    signed["contract"].refresh_from_db()
    assert signed["contract"].status == Contract.Status.AWAITING
    with pytest.raises(NotFound):
        contracts.link_get(token="nonsense")
    new_token, new_code = contracts.link_issue(actor=None, contract=signed["contract"])
    signed["contract"].links.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(Conflict):
        contracts.counterparty_sign(token=new_token, code=new_code, ip=None)


def test_public_signing_page(signed: dict[str, Any], client: Any) -> None:
    url = f"/documents/sign/{signed['token']}/"
    page = client.get(url)
    assert page.status_code == 200 and "保守業務委託契約書" in page.content.decode()
    assert client.get(url + "pdf/").status_code == 200
    assert client.post(url, {"code": "x"}).status_code == 422
    done = client.post(url, {"code": signed["code"]}, REMOTE_ADDR="198.51.100.7")
    assert done.status_code == 200 and "署名が完了しました" in done.content.decode()
    assert signed["contract"].links.get(used_at__isnull=False).signed_ip == "198.51.100.7"
    assert client.get(url).status_code == 410  # used twice: refused


def test_company_sign_needs_approval(make_user: Any) -> None:
    drafter = make_user(Role.GENERAL_AFFAIRS)
    executive = make_user(Role.EXECUTIVE)
    with pytest.raises(ValidationFailed) as caught:
        contracts.contract_create(
            actor=drafter,
            data={
                "title": "",
                "counterparty_id": None,
                "amount": -1,
                "start_date": dt.date(2026, 4, 1),
                "end_date": dt.date(2026, 3, 1),
                "body": "",
                "signer_name": "",
                "signer_email": "x",
            },
        )
    assert {"title", "counterparty_id", "amount", "end_date", "signer_email"} <= set(
        caught.value.errors
    )
    assert not Contract.objects.exists()
    draft = contracts.contract_create(
        actor=drafter,
        data={
            "title": "NDA",
            "counterparty_id": CounterpartyFactory().pk,
            "amount": 0,
            "start_date": dt.date(2026, 4, 1),
            "end_date": dt.date(2027, 3, 31),
            "body": "秘密保持",
            "signer_name": "a",
            "signer_email": "a@example.jp",
        },
    )
    with pytest.raises(Conflict):
        contracts.contract_company_sign(actor=executive, contract=draft)


def test_reminders_before_notice_deadline_and_expiry(make_user: Any) -> None:
    from urakata.documents.reminders import contracts_remind
    from urakata.workflow.models import Notification

    staff = make_user(Role.GENERAL_AFFAIRS)
    base = {
        "counterparty_id": CounterpartyFactory().pk,
        "amount": 0,
        "start_date": dt.date(2026, 1, 1),
        "body": "x",
        "signer_name": "a",
        "signer_email": "a@example.jp",
    }
    renewing = contracts.contract_create(
        actor=staff,
        data={
            **base,
            "title": "自動更新",
            "end_date": dt.date(2026, 12, 31),
            "auto_renew": True,
            "notice_days": 30,
        },
    )
    ending = contracts.contract_create(
        actor=staff, data={**base, "title": "満了", "end_date": dt.date(2026, 12, 20)}
    )
    Contract.objects.filter(pk__in=[renewing.pk, ending.pk]).update(status=Contract.Status.SIGNED)
    assert contracts_remind(today=dt.date(2026, 11, 10)) == {"reminded": 0}
    assert contracts_remind(today=dt.date(2026, 11, 25)) == {"reminded": 2}
    assert contracts_remind(today=dt.date(2026, 11, 26)) == {"reminded": 0}  # once per deadline
    messages = set(Notification.objects.filter(user=staff).values_list("message", flat=True))
    assert any("解約予告の期限は 2026-12-01" in m for m in messages)
    assert any("2026-12-20 に満了" in m for m in messages)
