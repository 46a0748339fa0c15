"""E-contract writes: draft → internal approval (workflow, route by amount) → the company's PAdES
signature → the counterparty signs through a one-time link and an e-mailed code (立会人型: the
platform applies their signature) → the completed PDF is a 契約書 in the document store."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.files import stored_file_create
from urakata.core.models import StoredFile
from urakata.core.permissions import SYSTEM, require
from urakata.core.schema_types import YEN_LIMIT
from urakata.documents import services, signing, stamp_duty
from urakata.documents.contract_models import Contract, SigningKey, SigningLink
from urakata.documents.models import DocType, _department_id
from urakata.org.models import Counterparty
from urakata.workflow import services as workflow_services
from urakata.workflow.registry import subject_key, subject_type

LINK_DAYS = 14
MAX_ATTEMPTS = 5
BIG_CONTRACT = 1_000_000  # 稟議: contracts from 100万円 also need an executive


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _company_name() -> str:
    from urakata.org.models import Company

    company = Company.objects.order_by("pk").first()
    return company.name if company else "当社"


def _check(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, label in (("title", "契約名"), ("body", "契約条項"), ("signer_name", "署名者")):
        if not str(data.get(field) or "").strip():
            errors[field] = [_("%(label)sを入力してください。") % {"label": label}]
    if not Counterparty.objects.filter(pk=data.get("counterparty_id") or 0).exists():
        errors["counterparty_id"] = [_("取引先を選んでください。")]
    amount = data.get("amount")
    if not isinstance(amount, int) or not 0 <= amount <= YEN_LIMIT:
        errors["amount"] = [_("契約金額は0円以上の整数で入力してください。")]
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        errors["start_date"] = [_("契約期間を入力してください。")]
    elif end < start:
        errors["end_date"] = [_("契約終了日は開始日以降にしてください。")]
    category = data.get("stamp_category")
    if category and category not in stamp_duty.StampCategory.values:
        errors["stamp_category"] = [_("印紙税の区分を選んでください。")]
    if "@" not in str(data.get("signer_email") or ""):
        errors["signer_email"] = [_("署名者のメールアドレスを入力してください。")]
    return errors


def _file_version(*, actor: Any, contract: Contract, pdf: bytes, reason: str) -> None:
    """Store a PDF of the contract as the next version of its 契約書 document."""
    name = f"{contract.title[:80]}.pdf"
    stored = stored_file_create(
        actor=actor, upload=pdf, name=name, purpose=StoredFile.Purpose.ATTACHMENT
    )
    if contract.document_id is None:
        document = services.document_file_evidence(
            actor=actor,
            stored_file=stored,
            doc_type=DocType.CONTRACT,
            title=contract.title,
            transaction_date=contract.start_date,
            amount=contract.amount,
            counterparty_id=contract.counterparty_id,
            related=("documents.contract", contract.pk),
            department_id=contract.department_id,
        )
        contract.document = document
        contract.save(update_fields=["document"])
        return
    from urakata.documents.models import Document

    document = Document.objects.select_for_update().get(pk=contract.document_id)
    # A later version only adds a signature (an incremental update with an invisible field): its
    # text layer is the previous version's, so it is not extracted and indexed again.
    previous = document.versions.order_by("-number").only("text", "text_source").first()
    services._version_create(
        actor=actor,
        document=document,
        stored=stored,
        reason=reason,
        content=pdf,
        known_text=(previous.text, previous.text_source) if previous else None,
    )


def contract_create(*, actor: Any, data: dict[str, Any]) -> Contract:
    """A draft contract and its PDF (version 1 of a 契約書 document)."""
    require(actor, "documents.contract_manage")
    errors = _check(data)
    if errors:
        raise ValidationFailed(_("契約の内容に誤りがあります。"), errors=errors)
    with transaction.atomic():
        contract = Contract.objects.create(
            title=data["title"].strip()[:200],
            contract_type=str(data.get("contract_type") or "業務委託")[:40],
            counterparty_id=data["counterparty_id"],
            amount=data["amount"],
            stamp_category=str(
                data.get("stamp_category")
                or stamp_duty.default_category(str(data.get("contract_type") or "業務委託"))
            ),
            start_date=data["start_date"],
            end_date=data["end_date"],
            auto_renew=bool(data.get("auto_renew")),
            notice_days=int(data.get("notice_days") or 30),
            body=data["body"],
            signer_name=data["signer_name"].strip()[:100],
            signer_email=data["signer_email"].strip()[:254],
            department_id=_department_id(actor),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="documents.contract.create",
            target=contract,
            changes={"title": [None, contract.title], "amount": [None, contract.amount]},
        )
        _file_version(
            actor=actor,
            contract=contract,
            pdf=signing.contract_pdf(contract, _company_name()),
            reason=_("契約書案"),
        )
    return contract


def contract_route_data() -> dict[str, Any]:
    """稟議 route: 総務 checks every contract; from 100万円 an executive approves as well."""
    return {
        "name": "契約締結の稟議",
        "subject_type": subject_key(Contract),
        "conditions": [],
        "priority": 0,
        "is_active": True,
        "steps": [
            {
                "name": "総務確認",
                "approvers": [{"kind": "role", "role": "general_affairs"}],
                "quorum": "any",
            },
            {
                "name": "経営層の決裁(100万円以上)",
                "approvers": [{"kind": "role", "role": "executive"}],
                "quorum": "any",
                "conditions": [{"field": "amount", "op": ">=", "value": str(BIG_CONTRACT)}],
            },
        ],
    }


def _status(contract: Contract, status: str, actor: Any, action: str) -> None:
    old = contract.status
    contract.status = status
    contract.save(update_fields=["status"])
    audit_record(actor=actor, action=action, target=contract, changes={"status": [old, status]})


def contract_submit(*, actor: Any, contract: Contract) -> Contract:
    """Route a draft for internal approval (稟議)."""
    require(actor, "documents.contract_manage")
    if contract.status not in (Contract.Status.DRAFT, Contract.Status.REJECTED):
        raise Conflict(_("下書きの契約だけを申請できます。"))
    workflow_services.route_seed(data=contract_route_data())
    with transaction.atomic():
        _status(contract, Contract.Status.APPROVING, actor, "documents.contract.submit")
        workflow_services.request_submit(
            actor=actor,
            subject=contract,
            title=_("契約締結: %(title)s") % {"title": contract.title},
            amount=contract.amount,
        )
    return contract


def _on_approved(subject: Contract, request: Any) -> None:
    _status(subject, Contract.Status.APPROVED, SYSTEM, "documents.contract.approve")


def _on_rejected(subject: Contract, request: Any) -> None:
    _status(subject, Contract.Status.REJECTED, SYSTEM, "documents.contract.reject")


def _describe(subject: Contract) -> list[tuple[str, str]]:
    return [
        (_("取引先"), subject.counterparty.name),
        (_("契約金額"), f"{subject.amount:,} 円"),
        (_("契約期間"), f"{subject.start_date} 〜 {subject.end_date}"),
    ]


CONTRACT_SUBJECT = subject_type(
    Contract,
    label=gettext_noop("電子契約"),
    on_approved=_on_approved,
    on_rejected=_on_rejected,
    on_withdrawn=_on_rejected,
    fields_for_conditions=("amount",),
    describe=_describe,
)


def _latest_pdf(contract: Contract) -> bytes:
    version = contract.document.versions.order_by("-number").first()  # type: ignore[union-attr]
    return services.blob_read(version)  # type: ignore[arg-type]


def link_issue(*, actor: Any, contract: Contract) -> tuple[str, str]:
    """A new one-time link (token, code); earlier open links are revoked. Called in a transaction."""
    now = timezone.now()
    SigningLink.objects.filter(contract=contract, used_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}"
    SigningLink.objects.create(
        contract=contract,
        token_hash=_hash(token),
        code_hash=_hash(f"{token}:{code}"),
        email=contract.signer_email,
        expires_at=now + dt.timedelta(days=LINK_DAYS),
    )
    return token, code


def contract_company_sign(*, actor: Any, contract: Contract, base_url: str = "") -> str:
    """The company's PAdES signature; then the counterparty gets a link and a code by e-mail.
    Returns the signing link's token (the code travels only by e-mail)."""
    require(actor, "documents.contract_sign")
    if contract.status != Contract.Status.APPROVED:
        raise Conflict(_("社内承認が済んだ契約だけに署名できます。"))
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        signed = signing.sign_pdf(
            _latest_pdf(locked),
            purpose=SigningKey.Purpose.COMPANY,
            field="Company",
            reason=f"{_company_name()} の電子署名 ({actor})",
        )
        _file_version(actor=actor, contract=locked, pdf=signed, reason=_("当社の電子署名"))
        locked.company_signed_at = timezone.now()
        locked.save(update_fields=["company_signed_at"])
        _status(locked, Contract.Status.AWAITING, actor, "documents.contract.company_sign")
        token, code = link_issue(actor=actor, contract=locked)
        link = f"{base_url}/documents/sign/{token}/"
        message = _(
            "%(company)s から電子契約「%(title)s」の署名依頼です。\n"
            "次のリンクを開き、確認コード %(code)s を入力してください(%(days)s日間有効)。\n%(link)s"
        ) % {
            "company": _company_name(),
            "title": locked.title,
            "code": code,
            "days": LINK_DAYS,
            "link": link,
        }
        email = locked.signer_email
        transaction.on_commit(
            lambda: send_mail(
                _("電子契約の署名依頼"), message, settings.DEFAULT_FROM_EMAIL, [email]
            )
        )
    contract.refresh_from_db()
    return token


def link_get(*, token: str) -> SigningLink:
    """An open link by its token, or NotFound (unknown, used, revoked, expired, locked)."""
    link = (
        SigningLink.objects.select_related("contract", "contract__counterparty")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if link is None or link.revoked_at is not None:
        raise NotFound(_("署名リンクが見つかりません。"))
    if link.used_at is not None:
        raise Conflict(_("この署名リンクは使用済みです。"))
    if link.expires_at < timezone.now():
        raise Conflict(_("この署名リンクは有効期限が切れています。"))
    if link.attempts >= MAX_ATTEMPTS:
        raise Conflict(_("確認コードの誤りが多すぎるため、このリンクは無効になりました。"))
    return link


def counterparty_sign(*, token: str, code: str, ip: str | None, agent: str = "") -> Contract:
    """The counterparty agrees with the code from the e-mail; the platform applies their signature
    (立会人型) and the signed PDF becomes the 契約書's final version."""
    link = link_get(token=token)
    if _hash(f"{token}:{(code or '').strip()}") != link.code_hash:
        SigningLink.objects.filter(pk=link.pk).update(attempts=link.attempts + 1)
        left = MAX_ATTEMPTS - link.attempts - 1
        raise ValidationFailed(
            _("確認コードが正しくありません。"),
            errors={"code": [_("あと %(n)s 回まで入力できます。") % {"n": max(0, left)}]},
        )
    signer = f"{link.contract.signer_name} <{link.email}>"
    with transaction.atomic():
        locked = SigningLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None:
            raise Conflict(_("この署名リンクは使用済みです。"))
        contract = Contract.objects.select_for_update().get(pk=link.contract_id)
        signed = signing.sign_pdf(
            _latest_pdf(contract),
            purpose=SigningKey.Purpose.WITNESS,
            field="Counterparty",
            reason=f"{contract.counterparty.name} {signer} の同意 (IP {ip or '-'})",
            name=contract.signer_name,
        )
        _file_version(
            actor=SYSTEM, contract=contract, pdf=signed, reason=_("相手方の電子署名(立会人型)")
        )
        now = timezone.now()
        locked.used_at, locked.signed_ip, locked.signed_agent = now, ip, agent[:300]
        locked.save(update_fields=["used_at", "signed_ip", "signed_agent"])
        contract.counterparty_signed_at = now
        contract.save(update_fields=["counterparty_signed_at"])
        old = contract.status
        contract.status = Contract.Status.SIGNED
        contract.save(update_fields=["status"])
        audit_record(
            actor=SYSTEM,
            actor_label=signer,
            action="documents.contract.counterparty_sign",
            target=contract,
            changes={"status": [old, contract.status], "email": [None, link.email]},
            ip_address=ip,
        )
    return contract
