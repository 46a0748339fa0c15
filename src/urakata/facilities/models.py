"""総務 (facilities): fixed assets and their depreciation, visitors, supplies and purchase orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can
from urakata.facilities.depreciation import Category, Method


class FixedAssetQuerySet(models.QuerySet["FixedAsset"]):
    def visible_to(self, user: Any) -> FixedAssetQuerySet:
        """Accounting and 総務 see the register; nobody else sees any of it."""
        return self if can(user, "facilities.view_assets") else self.none()


class FixedAsset(models.Model):
    """A fixed asset (固定資産台帳の1行) and how it is depreciated."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("使用中")
        DISPOSED = "disposed", _("除売却済み")

    CATEGORY_CHOICES = [
        (Category.BUILDING.value, _("建物")),
        (Category.BUILDING_FIXTURE.value, _("建物附属設備")),
        (Category.STRUCTURE.value, _("構築物")),
        (Category.MACHINERY.value, _("機械装置")),
        (Category.VEHICLE.value, _("車両運搬具")),
        (Category.EQUIPMENT.value, _("器具備品")),
        (Category.SOFTWARE.value, _("ソフトウェア")),
    ]
    METHOD_CHOICES = [
        (Method.STRAIGHT.value, _("定額法")),
        (Method.DECLINING.value, _("定率法")),
        (Method.LUMP_SUM.value, _("一括償却資産(3年均等)")),
        (Method.IMMEDIATE.value, _("少額減価償却資産(即時償却)")),
    ]

    number = models.CharField(_("資産番号"), max_length=20, unique=True)
    name = models.CharField(_("資産名"), max_length=200)
    category = models.CharField(_("資産の種類"), max_length=20, choices=CATEGORY_CHOICES)
    life = models.PositiveSmallIntegerField(_("耐用年数"))
    method = models.CharField(_("償却方法"), max_length=20, choices=METHOD_CHOICES)
    acquired_on = models.DateField(_("取得日(事業供用日)"))
    cost = models.BigIntegerField(_("取得価額"))
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("部署"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("設置場所"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    disposed_on = models.DateField(_("除売却日"), null=True, blank=True)
    disposal_proceeds = models.BigIntegerField(_("売却価額"), null=True, blank=True)
    acquisition_entry_id = models.BigIntegerField(_("取得仕訳"), null=True, blank=True)
    disposal_entry_id = models.BigIntegerField(_("除売却仕訳"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = FixedAssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("固定資産")
        verbose_name_plural = _("固定資産")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gt=0), name="facilities_asset_cost_positive"),
        ]
        indexes = [models.Index(fields=["status", "acquired_on"])]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class DepreciationLine(models.Model):
    """The depreciation of one asset booked for one month (the ledger entry holds the money)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月次償却")
        DISPOSAL = "disposal", _("除売却時の償却")

    asset = models.ForeignKey(FixedAsset, on_delete=models.PROTECT, related_name="depreciation")
    period = models.PositiveIntegerField(_("年月"))  # yyyymm
    fiscal_year = models.PositiveIntegerField(_("会計年度"))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    amount = models.BigIntegerField(_("償却額"))
    entry_id = models.BigIntegerField(_("仕訳"))

    class Meta:
        verbose_name = _("減価償却計上")
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "period", "kind"], name="facilities_depreciation_once"
            ),
        ]
        indexes = [models.Index(fields=["period"]), models.Index(fields=["fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.period} {self.amount}"


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: Any) -> VisitQuerySet:
        """総務 and reception see every visit; a host sees the visits they registered."""
        if can(user, "facilities.manage_visitors") or can(user, "facilities.reception"):
            return self
        if getattr(user, "pk", None) is None:
            return self.none()
        return self.filter(host_id=user.pk)


class Visit(models.Model):
    """One visit (来客): pre-registered by a host or registered at reception."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("来訪予定")
        ARRIVED = "arrived", _("来訪中")
        LEFT = "left", _("退館済み")
        CANCELLED = "cancelled", _("取消")

    code = models.CharField(_("受付コード"), max_length=12, unique=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visitor_name = models.CharField(_("来訪者名"), max_length=100, blank=True)
    visitor_company = models.CharField(_("会社名"), max_length=200, blank=True)
    visitor_email = models.EmailField(_("来訪者メールアドレス"), blank=True)
    visit_date = models.DateField(_("来訪日"))
    expected_time = models.TimeField(_("予定時刻"), null=True, blank=True)
    purpose = models.CharField(_("用件"), max_length=200, blank=True)
    place = models.CharField(_("面談場所"), max_length=100, blank=True)
    party_size = models.PositiveSmallIntegerField(_("人数"), default=1)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.EXPECTED
    )
    walk_in = models.BooleanField(_("受付で登録"), default=False)
    # Registered by the visitor through the host's link (来訪者による登録).
    invite = models.ForeignKey(
        "facilities.VisitInvite",
        verbose_name=_("登録リンク"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    badge_number = models.PositiveIntegerField(_("入館証番号"), null=True, blank=True)
    rules_accepted_at = models.DateTimeField(_("入館規則の同意日時"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("入館日時"), null=True, blank=True)
    left_at = models.DateTimeField(_("退館日時"), null=True, blank=True)
    erased_at = models.DateTimeField(_("個人情報の消去日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("来客")
        verbose_name_plural = _("来客")
        ordering = ["-visit_date", "expected_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_size__gte=1), name="facilities_visit_party_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["visit_date", "status"]),
            models.Index(fields=["host", "visit_date"]),
            models.Index(fields=["visitor_company"]),
            models.Index(fields=["erased_at", "visit_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.visit_date} {self.visitor_company} {self.visitor_name}"


class SupplyItem(models.Model):
    """A catalogue item (備品・消耗品) with its stock and reorder point."""

    CATEGORY_CHOICES_FOR_ASSETS = FixedAsset.CATEGORY_CHOICES

    code = models.CharField(_("品目コード"), max_length=20, unique=True)
    name = models.CharField(_("品名"), max_length=200)
    category = models.CharField(_("分類"), max_length=50, blank=True)
    unit = models.CharField(_("単位"), max_length=10, default="個")
    unit_price = models.BigIntegerField(_("単価"), default=0)
    vendor = models.ForeignKey(
        "org.Counterparty",
        verbose_name=_("発注先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consumable = models.BooleanField(_("消耗品"), default=True)
    stock = models.DecimalField(_("在庫数"), max_digits=12, decimal_places=2, default=0)
    reorder_point = models.DecimalField(_("発注点"), max_digits=12, decimal_places=2, default=0)
    is_active = models.BooleanField(_("有効"), default=True)
    # 消費税率 of the item (10 %; 8 % 軽減税率 for 飲食料品 such as office drinks); prices exclude it.
    tax_rate = models.DecimalField(
        _("税率"), max_digits=4, decimal_places=3, default=Decimal("0.10")
    )
    # Capitalised equipment: each unit received becomes a fixed asset of this category and life.
    asset_category = models.CharField(
        _("資産計上する種類"), max_length=20, blank=True, choices=FixedAsset.CATEGORY_CHOICES
    )
    asset_life = models.PositiveSmallIntegerField(_("資産計上する耐用年数"), default=0)

    class Meta:
        verbose_name = _("備品・消耗品")
        verbose_name_plural = _("備品・消耗品")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="facilities_item_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PurchaseOrder(models.Model):
    """A purchase order (発注書) to one vendor."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("発注済み")
        PARTIAL = "partial", _("一部入荷")
        RECEIVED = "received", _("入荷完了")
        CANCELLED = "cancelled", _("取消")

    number = models.CharField(_("発注番号"), max_length=20, unique=True)
    vendor = models.ForeignKey(
        "org.Counterparty", verbose_name=_("発注先"), on_delete=models.PROTECT, related_name="+"
    )
    ordered_on = models.DateField(_("発注日"))
    delivery_address = models.CharField(_("納品先"), max_length=300, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.ORDERED
    )
    total = models.BigIntegerField(_("合計金額"), default=0)
    due_on = models.DateField(_("納期"), null=True, blank=True)
    sent_at = models.DateTimeField(_("発注書送付日時"), null=True, blank=True)
    sent_to = models.EmailField(_("送付先"), blank=True)
    document_id = models.BigIntegerField(_("発注書(文書)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("発注者"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("発注")
        verbose_name_plural = _("発注")
        ordering = ["-ordered_on", "-id"]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    """One line of a purchase order and how much of it has arrived."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        SupplyItem, verbose_name=_("品目"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit_price = models.BigIntegerField(_("単価"))
    amount = models.BigIntegerField(_("金額"))
    tax_rate = models.DecimalField(
        _("税率"), max_digits=4, decimal_places=3, default=Decimal("0.10")
    )
    received_quantity = models.DecimalField(_("入荷数"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("発注明細")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_quantity__lte=models.F("quantity")),
                name="facilities_receipt_within_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.item_id} {self.quantity}"


class GoodsReceipt(models.Model):
    """A (possibly partial) receipt of an order line (検収)."""

    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipts")
    quantity = models.DecimalField(_("入荷数"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("入荷日"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("入荷")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.quantity}"


class Loan(models.Model):
    """Equipment lent to an employee (貸与品: PC, phone, badge) until it is returned."""

    class Kind(models.TextChoices):
        PC = "pc", _("PC")
        PHONE = "phone", _("携帯電話")
        BADGE = "badge", _("社員証・入館証")
        OTHER = "other", _("その他")

    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("品名"), max_length=200)
    serial_number = models.CharField(_("シリアル番号"), max_length=100, blank=True)
    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("貸与先"), on_delete=models.PROTECT, related_name="+"
    )
    asset = models.ForeignKey(
        FixedAsset,
        verbose_name=_("固定資産"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    lent_on = models.DateField(_("貸与日"))
    due_on = models.DateField(_("返却予定日"), null=True, blank=True)
    returned_on = models.DateField(_("返却日"), null=True, blank=True)

    class Meta:
        verbose_name = _("貸与品")
        verbose_name_plural = _("貸与品")
        ordering = ["-lent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["serial_number"],
                condition=Q(returned_on__isnull=True) & ~Q(serial_number=""),
                name="facilities_loan_serial_once",
            ),
        ]
        indexes = [models.Index(fields=["employee", "returned_on"])]

    def __str__(self) -> str:
        return f"{self.name} {self.serial_number}"


class SupplyRequestQuerySet(models.QuerySet["SupplyRequest"]):
    def visible_to(self, user: Any) -> SupplyRequestQuerySet:
        """総務 sees every request; everyone else their own."""
        if can(user, "facilities.manage_supplies"):
            return self
        if getattr(user, "pk", None) is None:
            return self.none()
        return self.filter(requested_by_id=user.pk)


class SupplyRequest(models.Model):
    """A request for supplies or equipment (購買申請), approved through the workflow engine."""

    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認済み")
        REJECTED = "rejected", _("却下")
        WITHDRAWN = "withdrawn", _("取り下げ")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申請者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        SupplyItem, verbose_name=_("品目"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("分類"), max_length=50, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    amount = models.BigIntegerField(_("金額"))
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("発注"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申請日時"), auto_now_add=True)

    objects = SupplyRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("購買申請")
        verbose_name_plural = _("購買申請")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


from urakata.facilities.invite_models import VisitInvite  # noqa: E402
from urakata.facilities.match_models import InvoiceMatch, ReceiptBooking  # noqa: E402

__all__ = [
    "DepreciationLine",
    "FixedAsset",
    "GoodsReceipt",
    "InvoiceMatch",
    "Loan",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "ReceiptBooking",
    "SupplyItem",
    "SupplyRequest",
    "Visit",
    "VisitInvite",
]
