"""Organisation master (組織マスタ): company, departments, positions, employees, counterparties."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can


class BankAccountFields(models.Model):
    """A Japanese bank account (振込口座) as used in 全銀 transfer files."""

    class AccountType(models.TextChoices):
        ORDINARY = "1", _("普通")
        CHECKING = "2", _("当座")
        SAVINGS = "4", _("貯蓄")

    bank_code = models.CharField(_("銀行コード"), max_length=4, blank=True)
    bank_name = models.CharField(_("銀行名"), max_length=60, blank=True)
    branch_code = models.CharField(_("支店コード"), max_length=3, blank=True)
    branch_name = models.CharField(_("支店名"), max_length=60, blank=True)
    account_type = models.CharField(
        _("預金種目"), max_length=1, choices=AccountType.choices, blank=True
    )
    account_number = models.CharField(_("口座番号"), max_length=7, blank=True)
    account_holder_kana = models.CharField(_("口座名義(カナ)"), max_length=60, blank=True)

    class Meta:
        abstract = True


class Company(BankAccountFields):
    """The company that runs this installation (自社)."""

    name = models.CharField(_("会社名"), max_length=200)
    name_kana = models.CharField(_("会社名(カナ)"), max_length=200, blank=True)
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True)
    registration_number = models.CharField(
        _("適格請求書発行事業者登録番号"), max_length=14, blank=True
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(_("期首月"), default=4)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    representative = models.CharField(_("代表者"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("会社")
        verbose_name_plural = _("会社")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="company_fiscal_month_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department (部署), arranged as a tree."""

    code = models.CharField(_("部署コード"), max_length=20, unique=True)
    name = models.CharField(_("部署名"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位部署"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        "org.Employee",
        verbose_name=_("部署長"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_departments",
    )
    sort_order = models.PositiveIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("部署")
        verbose_name_plural = _("部署")

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A job title (役職); a higher rank is more senior."""

    code = models.CharField(_("役職コード"), max_length=20, unique=True)
    name = models.CharField(_("役職名"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("ランク"), default=0)

    class Meta:
        ordering = ["-rank", "code"]
        verbose_name = _("役職")
        verbose_name_plural = _("役職")

    def __str__(self) -> str:
        return self.name


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def visible_to(self, user: Any) -> EmployeeQuerySet:
        """The directory (氏名・所属) for whoever may view it; private fields are gated separately."""
        if can(user, "org.view_directory"):
            return self
        return self.none()

    def with_relations(self) -> EmployeeQuerySet:
        return self.select_related("department", "position", "manager", "user")


class Employee(models.Model):
    """An employee (従業員), linked one-to-one with a login user."""

    class EmploymentType(models.TextChoices):
        REGULAR = "regular", _("正社員")
        CONTRACT = "contract", _("契約社員")
        PART_TIME = "part_time", _("パート・アルバイト")
        DISPATCHED = "dispatched", _("派遣社員")
        EXECUTIVE = "executive", _("役員")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在籍")
        ON_LEAVE = "on_leave", _("休職")
        RETIRED = "retired", _("退職")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employee",
    )
    code = models.CharField(_("社員番号"), max_length=20, unique=True)
    last_name = models.CharField(_("姓"), max_length=50)
    first_name = models.CharField(_("名"), max_length=50)
    last_name_kana = models.CharField(_("姓(フリガナ)"), max_length=50)
    first_name_kana = models.CharField(_("名(フリガナ)"), max_length=50)
    email = models.EmailField(_("メールアドレス"), blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部署"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("役職"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("上長"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    employment_type = models.CharField(
        _("雇用区分"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.REGULAR
    )
    hire_date = models.DateField(_("入社日"))
    retire_date = models.DateField(_("退職日"), null=True, blank=True)
    status = models.CharField(
        _("在籍状況"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("従業員")
        verbose_name_plural = _("従業員")
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.last_name_kana} {self.first_name_kana}"


class CounterpartyQuerySet(models.QuerySet["Counterparty"]):
    def visible_to(self, user: Any) -> CounterpartyQuerySet:
        """Counterparties are visible to the roles that deal with them."""
        if can(user, "org.view_counterparties"):
            return self
        return self.none()


class Counterparty(BankAccountFields):
    """A business partner (取引先): customer, supplier or both."""

    code = models.CharField(_("取引先コード"), max_length=20, unique=True)
    name = models.CharField(_("取引先名"), max_length=200)
    name_kana = models.CharField(_("取引先名(カナ)"), max_length=200, blank=True)
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True)
    registration_number = models.CharField(
        _("適格請求書発行事業者登録番号"), max_length=14, blank=True
    )
    is_customer = models.BooleanField(_("得意先"), default=False)
    is_supplier = models.BooleanField(_("仕入先"), default=False)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    is_active = models.BooleanField(_("有効"), default=True)

    objects = CounterpartyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("取引先")
        verbose_name_plural = _("取引先")

    def __str__(self) -> str:
        return self.name
