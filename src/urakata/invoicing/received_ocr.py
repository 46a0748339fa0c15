"""OCR of a received invoice (PDF / image): the shared receipt reader (`core.ocr.receipt_read`,
Tesseract jpn+eng) pre-fills the received-invoice form for the user to confirm.

The file is stored at once as evidence (電帳法: kept as it came, SHA-256); the form carries a
signed token naming it, so the confirmed registration links the same file without a second upload
and a token cannot name anyone else's file. Taxable amounts are derived from what was read: with
one rate, taxable = total − tax; with both, the 10 % base is tax × 10 and the 8 % base the rest
(an estimate shown for confirmation, never posted without the user's submit).
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.files import stored_file_save, upload_check
from urakata.core.models import StoredFile
from urakata.core.ocr import ReceiptReading, receipt_read
from urakata.core.permissions import require

SALT = "urakata.invoicing.received-evidence"
TOKEN_MAX_AGE = 24 * 3600


def prefill(reading: ReceiptReading) -> dict[str, str]:
    """Form values (strings) from an OCR reading; empty where nothing was read."""
    tax10, tax8 = reading.tax.get("10"), reading.tax.get("8")
    values: dict[str, str] = {
        "issuer_name": reading.payee or "",
        "registration_number": reading.registration_number or "",
        "issue_date": reading.date.isoformat() if reading.date else "",
    }
    total = reading.total
    bases: dict[str, int | None] = {"10": None, "8": None}
    if total is not None:
        if tax10 is not None and tax8 is None:
            bases["10"] = total - tax10
        elif tax8 is not None and tax10 is None:
            bases["8"] = total - tax8
        elif tax10 is not None and tax8 is not None:
            bases["10"] = tax10 * 10
            bases["8"] = total - tax10 - tax8 - tax10 * 10
        else:
            bases["10"] = total  # no tax printed: shown as 10 % 対象 to be checked
    for rate, tax in (("10", tax10), ("8", tax8)):
        base = bases[rate]
        values[f"taxable_{rate}"] = str(base) if base is not None and base >= 0 else ""
        values[f"tax_{rate}"] = str(tax) if tax is not None else ""
    return values


def received_ocr_read(*, actor: Any, upload: Any) -> tuple[dict[str, str], ReceiptReading, str]:
    """Store the invoice file as evidence and read it: (form values, reading, evidence token)."""
    require(actor, "invoicing.manage")
    checked, problems = upload_check(upload=upload, purpose=StoredFile.Purpose.EVIDENCE)
    if checked is None:
        raise ValidationFailed(_("請求書を読み取れません。"), errors={"file": problems})
    reading = receipt_read(checked.content, content_type=checked.content_type)
    stored = stored_file_save(actor=actor, checked=checked, purpose=StoredFile.Purpose.EVIDENCE)
    audit_record(
        actor=actor,
        action="invoicing.received.ocr",
        target=stored,
        changes={"reading": reading.as_json(), "error": reading.error, "seconds": reading.seconds},
    )
    token = signing.dumps({"file": stored.pk}, salt=SALT)
    return prefill(reading), reading, token


def evidence_from_token(token: str) -> StoredFile | None:
    """The stored file a form token names, or None (missing, forged or older than a day)."""
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return StoredFile.objects.filter(pk=payload.get("file")).first()
