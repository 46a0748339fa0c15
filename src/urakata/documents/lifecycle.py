"""Document lifecycle writes: legal hold, disposal after `retain_until`, 欠損金 years."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require
from urakata.documents import retention
from urakata.documents.models import Document, LossYear
from urakata.documents.services import _edit_check, _loss_years, _retain_until


def document_hold(*, actor: Any, document: Document, hold: bool, reason: str) -> Document:
    """Set or lift a legal hold (訴訟・調査のため廃棄を止める)."""
    require(actor, "documents.manage")
    _edit_check(actor, document)
    if not (reason or "").strip():
        raise ValidationFailed(_("理由を入力してください。"), errors={"reason": [_("必須です。")]})
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.legal_hold == hold:
            return locked
        locked.legal_hold = hold
        locked.save(update_fields=["legal_hold"])
        audit_record(
            actor=actor,
            action="documents.document.hold",
            target=locked,
            changes={"legal_hold": [not hold, hold], "reason": [None, reason.strip()[:200]]},
        )
    return locked


def document_dispose(
    *, actor: Any, document: Document, reason: str, today: dt.date | None = None
) -> Document:
    """Dispose of (廃棄) a document after its retention period; refused before `retain_until`
    and under legal hold. The rows and files stay for the audit chain; the document leaves lists."""
    require(actor, "documents.manage")
    _edit_check(actor, document)
    today = today or timezone.localdate()
    if document.legal_hold:
        raise Conflict(_("リーガルホールド中の文書は廃棄できません。"))
    if document.retain_until is None or today <= document.retain_until:
        raise Conflict(
            _("保存期限(%(date)s)まで廃棄できません。")
            % {"date": document.retain_until or _("未設定")}
        )
    if not (reason or "").strip():
        raise ValidationFailed(_("理由を入力してください。"), errors={"reason": [_("必須です。")]})
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        locked.disposed_at = timezone.now()
        locked.save(update_fields=["disposed_at"])
        audit_record(
            actor=actor,
            action="documents.document.dispose",
            target=locked,
            changes={"disposed_at": [None, locked.disposed_at], "reason": [None, reason.strip()]},
        )
    return locked


def loss_year_set(*, actor: Any, fiscal_year: int, loss: bool) -> int:
    """Mark or unmark a 欠損金 year; the retention of its documents is recomputed. Returns how
    many documents changed."""
    require(actor, "documents.manage")
    if not 1900 <= fiscal_year <= 2100:
        raise ValidationFailed(_("年度が範囲外です。"), errors={"fiscal_year": [_("範囲外")]})
    with transaction.atomic():
        if loss:
            LossYear.objects.get_or_create(fiscal_year=fiscal_year)
        else:
            LossYear.objects.filter(fiscal_year=fiscal_year).delete()
        years = _loss_years()
        start = retention.fiscal_year_start(fiscal_year)
        end = retention.fiscal_year_start(fiscal_year + 1)
        changed = 0
        for document in Document.objects.filter(
            transaction_date__gte=start, transaction_date__lt=end
        ).select_for_update():
            new = _retain_until(document, years)
            if new != document.retain_until:
                document.retain_until = new
                document.save(update_fields=["retain_until"])
                changed += 1
        audit_record(
            actor=actor,
            action="documents.loss_year.set",
            target=None,
            target_type="documents.lossyear",
            changes={
                "fiscal_year": [None, fiscal_year],
                "loss": [not loss, loss],
                "documents": [None, changed],
            },
        )
    return changed
