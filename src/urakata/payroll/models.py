"""Payroll data: settings, pay master (profiles, items, 住民税), pay runs and payslips."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from urakata.core.permissions import can
from urakata.org.models import Department, Employee


class PayrollSettings(models.Model):
    """Company-wide payroll rules (one row): pay day, 翌月/当月徴収, tax method, office prefecture."""

    class Collection(models.TextChoices):
        NEXT_MONTH = "next", _("翌月徴収")
        SAME_MONTH = "same", _("当月徴収")

    class TaxMethod(models.TextChoices):
        TABLE = "table", _("月額表")
        FORMULA = "formula", _("電算機計算の特例")

    pay_day = models.PositiveSmallIntegerField(_("支給日"), default=25)
    pay_month_offset = models.PositiveSmallIntegerField(_("支給月(締め月からの月数)"), default=1)
    collection = models.CharField(
        _("社会保険料の徴収"), max_length=10, choices=Collection.choices, default="next"
    )
    tax_method = models.CharField(
        _("源泉所得税の計算"), max_length=10, choices=TaxMethod.choices, default="table"
    )
    prefecture = models.PositiveSmallIntegerField(_("事業所の都道府県コード"), default=13)
    employment_kind = models.CharField(_("雇用保険の事業区分"), max_length=20, default="general")

    class Meta:
        verbose_name = _("給与設定")
        verbose_name_plural = _("給与設定")

    def __str__(self) -> str:
        return str(_("給与設定"))


class ProfileQuerySet(models.QuerySet["PayProfile"]):
    def visible_to(self, user: Any) -> ProfileQuerySet:
        """HR sees every profile; an employee only their own."""
        if can(user, "payroll.manage"):
            return self
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(employee__user=user)


class PayProfile(models.Model):
    """The pay master of one employee (給与マスタ): pay, tax and insurance status, personal data."""

    class PayType(models.TextChoices):
        MONTHLY = "monthly", _("月給")
        DAILY_MONTHLY = "daily_monthly", _("日給月給")
        HOURLY = "hourly", _("時給")

    class TaxColumn(models.TextChoices):
        KOU = "kou", _("甲欄")
        OTSU = "otsu", _("乙欄")

    class EmploymentInsurance(models.TextChoices):
        GENERAL = "general", _("一般の事業")
        AGRICULTURE = "agriculture", _("農林水産・清酒製造")
        CONSTRUCTION = "construction", _("建設")
        NONE = "none", _("加入しない")

    class InsuredKind(models.TextChoices):
        # 支払基礎日数 a month needs to count in 算定基礎 / 随時改定 (健保法41条・43条)
        GENERAL = "general", _("一般の被保険者(17日)")
        PART_TIME = "part_time", _("短時間就労者(17日、定時決定は15日も)")
        SHORT_TIME = "short_time", _("短時間労働者(特定適用事業所、11日)")

    employee = models.OneToOneField(
        Employee, on_delete=models.PROTECT, related_name="pay_profile", verbose_name=_("従業員")
    )
    pay_type = models.CharField(_("給与形態"), max_length=20, choices=PayType.choices)
    base_pay = models.BigIntegerField(_("基本給(月額・日額・時給)"))
    scheduled_hours = models.DecimalField(_("月平均所定労働時間"), max_digits=6, decimal_places=2)
    scheduled_days = models.DecimalField(_("月平均所定労働日数"), max_digits=5, decimal_places=2)
    commute_allowance = models.BigIntegerField(_("通勤手当"), default=0)
    commute_nontaxable = models.BigIntegerField(_("通勤手当のうち非課税額"), default=0)
    declaration_submitted = models.BooleanField(_("扶養控除等申告書の提出"), default=False)
    has_tax_spouse = models.BooleanField(_("源泉控除対象配偶者"), default=False)
    dependents = models.PositiveSmallIntegerField(_("控除対象扶養親族等の数"), default=0)
    extra_dependents = models.PositiveSmallIntegerField(
        _("障害者・寡婦・ひとり親・勤労学生の加算"), default=0
    )
    # 従たる給与についての扶養控除等申告書 (乙欄 staff whose main pay is elsewhere): its 扶養親族等の数
    secondary_dependents = models.PositiveSmallIntegerField(
        _("従たる給与の扶養控除等申告書の扶養親族等の数"), default=0
    )
    # The 扶養親族 written on the 扶養控除等申告書, for the record and the yearly check:
    # [{"name", "relation", "birth_date": "YYYY-MM-DD", "disability": ""|"general"|"special"|
    # "special_cohabiting"}]; the count the table uses stays `dependents` + `extra_dependents`.
    dependant_details = models.JSONField(_("扶養親族の明細"), default=list, blank=True)
    health_insured = models.BooleanField(_("健康保険加入"), default=True)
    pension_insured = models.BooleanField(_("厚生年金加入"), default=True)
    health_grade = models.PositiveSmallIntegerField(_("健保等級"), default=22)
    employment_insurance = models.CharField(
        _("雇用保険"), max_length=20, choices=EmploymentInsurance.choices, default="general"
    )
    insured_kind = models.CharField(
        _("社会保険の被保険者区分"), max_length=20, choices=InsuredKind.choices, default="general"
    )
    birth_date = models.DateField(_("生年月日"))
    municipality = models.CharField(_("住民税の市区町村"), max_length=60, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    my_number_encrypted = models.TextField(_("個人番号(暗号化)"), blank=True)
    my_number_last4 = models.CharField(_("個人番号(下4桁)"), max_length=4, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("給与マスタ")
        verbose_name_plural = _("給与マスタ")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(base_pay__gte=0), name="payroll_base_pay_gte0"
            ),
            models.CheckConstraint(
                condition=models.Q(health_grade__gte=1, health_grade__lte=50),
                name="payroll_health_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} ({self.get_pay_type_display()})"

    @property
    def tax_column(self) -> str:
        """甲欄 with a 扶養控除等申告書, else 乙欄."""
        return self.TaxColumn.KOU if self.declaration_submitted else self.TaxColumn.OTSU

    @property
    def dependant_count(self) -> int:
        """扶養親族等の数 used by the table: 源泉控除対象配偶者 + 扶養親族 + additions."""
        return int(self.has_tax_spouse) + self.dependents + self.extra_dependents


class PayItem(models.Model):
    """A fixed monthly allowance (手当) or deduction (控除) of a profile."""

    class Kind(models.TextChoices):
        ALLOWANCE = "allowance", _("手当")
        DEDUCTION = "deduction", _("控除")

    profile = models.ForeignKey(PayProfile, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=40)
    amount = models.BigIntegerField(_("金額"))
    taxable = models.BooleanField(_("課税"), default=True)
    in_overtime_base = models.BooleanField(_("割増賃金の基礎に含める"), default=False)

    class Meta:
        ordering = ["profile", "kind", "name"]
        verbose_name = _("手当・控除")
        verbose_name_plural = _("手当・控除")
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "name"], name="payroll_item_name"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payroll_item_gte0"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.amount:,}"


class PayProfileVersion(models.Model):
    """The pay fields of a pay master in force from a pay month (昇給, 通勤手当, 等級 changes)."""

    profile = models.ForeignKey(PayProfile, on_delete=models.CASCADE, related_name="versions")
    effective_month = models.DateField(_("適用開始(支給月)"))  # the first day of the month
    values = models.JSONField(_("内容"))  # every dated field, as JSON-safe values
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("変更日時"), auto_now=True)

    class Meta:
        ordering = ["profile", "effective_month"]
        verbose_name = _("給与マスタの改定")
        verbose_name_plural = _("給与マスタの改定")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "effective_month"], name="payroll_version_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.effective_month:%Y-%m}"


class PayItemVersion(models.Model):
    """The allowances and deductions of a pay master in force from a pay month (dated 手当・控除)."""

    profile = models.ForeignKey(PayProfile, on_delete=models.CASCADE, related_name="item_versions")
    effective_month = models.DateField(_("適用開始(支給月)"))  # the first day of the month
    items = models.JSONField(_("手当・控除"))  # [{kind, name, amount, taxable, in_overtime_base}]
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("変更日時"), auto_now=True)

    class Meta:
        ordering = ["profile", "effective_month"]
        verbose_name = _("手当・控除の改定")
        verbose_name_plural = _("手当・控除の改定")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "effective_month"], name="payroll_item_version_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.effective_month:%Y-%m}"


class ResidentTax(models.Model):
    """住民税 特別徴収 of one fiscal year (June–May) from the municipality's notice."""

    profile = models.ForeignKey(PayProfile, on_delete=models.CASCADE, related_name="resident_taxes")
    fiscal_year = models.PositiveSmallIntegerField(_("年度(6月始まり)"))
    june_amount = models.BigIntegerField(_("6月分"))
    monthly_amount = models.BigIntegerField(_("7月〜翌5月分"))

    class Meta:
        verbose_name = _("住民税")
        verbose_name_plural = _("住民税")
        constraints = [
            models.UniqueConstraint(fields=["profile", "fiscal_year"], name="payroll_resident_year")
        ]

    def __str__(self) -> str:
        return f"{self.profile.employee} {self.fiscal_year}"


class PayRun(models.Model):
    """One month's pay run (給与計算) or one bonus: draft → checked → approved → fixed."""

    class Kind(models.TextChoices):
        SALARY = "salary", _("給与")
        BONUS = "bonus", _("賞与")

    class Status(models.TextChoices):
        DRAFT = "draft", _("計算済み")
        CHECKED = "checked", _("確認済み")
        SUBMITTED = "submitted", _("承認待ち")
        FIXED = "fixed", _("確定")
        SUPERSEDED = "superseded", _("再計算により取消")

    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices, default="salary")
    month = models.DateField(_("対象月"))
    pay_date = models.DateField(_("支給日"))
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default="draft")
    revision = models.PositiveSmallIntegerField(_("版"), default=1)
    reason = models.CharField(_("再計算の理由"), max_length=200, blank=True)
    tax_method = models.CharField(_("源泉所得税の計算"), max_length=10, default="table")
    totals = models.JSONField(_("合計"), default=dict)
    journal_entry_id = models.BigIntegerField(_("仕訳"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    fixed_at = models.DateTimeField(_("確定日時"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "kind", "-revision"]
        verbose_name = _("給与計算")
        verbose_name_plural = _("給与計算")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month", "revision"], name="payroll_run_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_kind_display()} ({self.get_status_display()})"


class PayslipQuerySet(models.QuerySet["Payslip"]):
    def visible_to(self, user: Any) -> PayslipQuerySet:
        """HR sees every payslip; an employee only their own fixed payslips."""
        if can(user, "payroll.manage"):
            return self
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(employee__user=user, run__status=PayRun.Status.FIXED)


class Payslip(models.Model):
    """One employee's result in a pay run (給与明細), all amounts in yen."""

    run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="payslips")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="payslips")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gross = models.BigIntegerField(_("総支給額"))
    taxable = models.BigIntegerField(_("課税支給額"))
    social_insurance = models.BigIntegerField(_("社会保険料計"))
    employment_insurance = models.BigIntegerField(_("雇用保険料"))
    income_tax = models.BigIntegerField(_("源泉所得税"))
    resident_tax = models.BigIntegerField(_("住民税"))
    other_deductions = models.BigIntegerField(_("その他控除"))
    net = models.BigIntegerField(_("差引支給額"))
    employer_cost = models.BigIntegerField(_("会社負担の法定福利費"))
    lines = models.JSONField(_("明細"), default=dict)
    flags = models.JSONField(_("確認事項"), default=list)

    objects = PayslipQuerySet.as_manager()

    class Meta:
        ordering = ["run", "employee__code"]
        verbose_name = _("給与明細")
        verbose_name_plural = _("給与明細")
        constraints = [
            models.UniqueConstraint(fields=["run", "employee"], name="payroll_slip_employee")
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.employee}"
