"""Documents (文書): metadata for 電子帳簿保存法 search, versions that are never overwritten,
retention, and the full-text index."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can


class DocType(models.TextChoices):
    """書類の種類 (the folders of the store, with the department)."""

    CONTRACT = "contract", _("契約書")
    QUOTATION = "quotation", _("見積書")
    PURCHASE_ORDER = "purchase_order", _("注文書")
    DELIVERY_NOTE = "delivery_note", _("納品書")
    INVOICE = "invoice", _("請求書")
    RECEIPT = "receipt", _("領収書")
    REGULATION = "regulation", _("規程")
    MINUTES = "minutes", _("議事録")
    OTHER = "other", _("その他")


# 国税関係書類 (取引関係書類): kept under 電帳法 and the 法人税法 retention period.
TAX_DOC_TYPES = frozenset(
    {
        DocType.CONTRACT,
        DocType.QUOTATION,
        DocType.PURCHASE_ORDER,
        DocType.DELIVERY_NOTE,
        DocType.INVOICE,
        DocType.RECEIPT,
    }
)
# 重要書類 (スキャナ保存): must be scanned in colour; 一般書類 may be grayscale.
IMPORTANT_DOC_TYPES = frozenset(
    {DocType.CONTRACT, DocType.DELIVERY_NOTE, DocType.INVOICE, DocType.RECEIPT}
)


class Capture(models.TextChoices):
    """How the document came in: 電子取引 data, スキャナ保存, or other electronic documents."""

    ELECTRONIC = "electronic", _("電子取引")
    SCAN = "scan", _("スキャナ保存")


class Tag(models.Model):
    """A free tag (タグ) on documents."""

    name = models.CharField(_("タグ"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("タグ")
        verbose_name_plural = _("タグ")

    def __str__(self) -> str:
        return self.name


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        """Row scope: the owner department's members and the uploader see their documents;
        `documents.view_all` sees every document that is not confidential; confidential ones are
        seen only by their department, their uploader and `documents.view_confidential`."""
        if not can(user, "documents.view"):
            return self.none()
        live = self.filter(disposed_at__isnull=True)
        if can(user, "documents.view_confidential"):
            return live
        own = Q(created_by_id=getattr(user, "pk", None))
        department_id = _department_id(user)
        if department_id is not None:
            own |= Q(department_id=department_id)
        if can(user, "documents.view_all"):
            return live.filter(own | Q(confidential=False))
        return live.filter(own)


def _department_id(user: Any) -> int | None:
    cached = getattr(user, "_documents_department", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    employee = None
    if getattr(user, "pk", None):
        from urakata.org.models import Employee

        employee = Employee.objects.filter(user_id=user.pk).only("department_id").first()
    department_id = employee.department_id if employee else None
    with contextlib.suppress(AttributeError):  # SYSTEM has no department anyway
        user._documents_department = department_id
    return department_id


class Document(models.Model):
    """One document (文書) with its 電帳法 search keys; its content is in its versions."""

    title = models.CharField(_("件名"), max_length=200)
    doc_type = models.CharField(_("書類区分"), max_length=20, choices=DocType.choices)
    capture = models.CharField(
        _("保存区分"), max_length=20, choices=Capture.choices, default=Capture.ELECTRONIC
    )
    transaction_date = models.DateField(_("取引年月日"), null=True, blank=True)
    amount = models.BigIntegerField(_("取引金額"), null=True, blank=True)
    counterparty = models.ForeignKey(
        "org.Counterparty",
        verbose_name=_("取引先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    registration_number = models.CharField(_("登録番号"), max_length=14, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("所管部署"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    confidential = models.BooleanField(_("機密"), default=False)
    tags = models.ManyToManyField(Tag, verbose_name=_("タグ"), blank=True, related_name="documents")
    # A related record of another domain: ("ledger.journal_entry", 12), ("expenses.claim", 3).
    related_type = models.CharField(_("関連記録の種類"), max_length=40, blank=True)
    related_id = models.BigIntegerField(_("関連記録の番号"), null=True, blank=True)
    description = models.TextField(_("備考"), blank=True)
    retain_until = models.DateField(_("保存期限"), null=True, blank=True)
    legal_hold = models.BooleanField(_("リーガルホールド"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    disposed_at = models.DateTimeField(_("廃棄日時"), null=True, blank=True)
    version_count = models.PositiveIntegerField(_("版数"), default=0)
    # Idempotency of `document_file_evidence`: "<stored file id>:<related type>:<related id>".
    evidence_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # Full text of the current version (title, counterparty and extracted text) for snippets.
    body_text = models.TextField(blank=True)
    term_count = models.PositiveIntegerField(default=0)
    # The mean document length (in terms) its BM25 impacts were computed with (0: unknown);
    # `urakata documents reindex` refreshes the documents whose mean drifted.
    index_average = models.FloatField(default=0.0)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-transaction_date", "-pk"]
        verbose_name = _("文書")
        verbose_name_plural = _("文書")
        indexes = [
            models.Index(fields=["transaction_date", "amount"]),
            models.Index(fields=["counterparty", "transaction_date"]),
            models.Index(fields=["department", "doc_type"]),
            models.Index(fields=["related_type", "related_id"]),
            # Covers the row scope (visible_to): the candidates of a full-text query are read
            # from this index, not from the wide rows with their text.
            models.Index(
                fields=["disposed_at", "confidential", "department", "created_by"],
                name="documents_scope",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(version_count__gte=0), name="documents_version_count_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One version (版) of a document: a stored file, who added it and why; never overwritten."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    stored_file = models.ForeignKey(
        "core.StoredFile", verbose_name=_("ファイル"), on_delete=models.PROTECT, related_name="+"
    )
    # The content hash when the version was filed: audit verify re-checks the file against it.
    sha256 = models.CharField(max_length=64)
    reason = models.CharField(_("訂正・差替えの理由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    text = models.TextField(_("抽出テキスト"), blank=True)
    text_source = models.CharField(max_length=20, blank=True)  # pdf | docx | xlsx | text | ocr
    scan_dpi = models.PositiveIntegerField(_("解像度(dpi)"), null=True, blank=True)
    scan_colour = models.CharField(_("階調"), max_length=20, blank=True)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("文書の版")
        verbose_name_plural = _("文書の版")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documents_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class DocumentTerm(models.Model):
    """One term of a document's full-text index (SudachiPy normalised form) and its frequency."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64)
    tf = models.PositiveIntegerField(default=1)
    # BM25 term-frequency part ×1000 (index.impact): ranking reads it without a join.
    impact = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "document"], name="documents_term_unique"),
        ]
        indexes = [
            models.Index(fields=["term", "document", "impact"], name="documents_term_impact"),
        ]

    def __str__(self) -> str:
        return f"{self.term}×{self.tf}"


class LossYear(models.Model):
    """A fiscal year with a 欠損金 (青色): its documents are kept 10 years instead of 7."""

    fiscal_year = models.PositiveIntegerField(_("事業年度"), unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["fiscal_year"]
        verbose_name = _("欠損金の年度")
        verbose_name_plural = _("欠損金の年度")

    def __str__(self) -> str:
        return str(self.fiscal_year)


from urakata.documents.contract_models import Contract, SigningKey, SigningLink  # noqa: E402

__all__ = [
    "Capture",
    "Contract",
    "DocType",
    "Document",
    "DocumentTerm",
    "DocumentVersion",
    "LossYear",
    "SigningKey",
    "SigningLink",
    "Tag",
]
