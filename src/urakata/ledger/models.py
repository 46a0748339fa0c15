"""Ledger (経理) models: chart of accounts, tax codes, append-only journal, periods, balances."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urakata.core.models import StoredFile
from urakata.core.permissions import can


class Category(models.TextChoices):
    """The five account classes (勘定科目の区分)."""

    ASSET = "asset", _("資産")
    LIABILITY = "liability", _("負債")
    EQUITY = "equity", _("純資産")
    REVENUE = "revenue", _("収益")
    EXPENSE = "expense", _("費用")


class Section(models.TextChoices):
    """Where an account appears on the statements (表示区分)."""

    CURRENT_ASSET = "current_asset", _("流動資産")
    FIXED_ASSET = "fixed_asset", _("固定資産")
    DEFERRED_ASSET = "deferred_asset", _("繰延資産")
    CURRENT_LIABILITY = "current_liability", _("流動負債")
    FIXED_LIABILITY = "fixed_liability", _("固定負債")
    EQUITY = "equity", _("純資産")
    SALES = "sales", _("売上高")
    COST_OF_SALES = "cost_of_sales", _("売上原価")
    SGA = "sga", _("販売費及び一般管理費")
    NON_OPERATING_INCOME = "non_operating_income", _("営業外収益")
    NON_OPERATING_EXPENSE = "non_operating_expense", _("営業外費用")
    EXTRAORDINARY_INCOME = "extraordinary_income", _("特別利益")
    EXTRAORDINARY_LOSS = "extraordinary_loss", _("特別損失")
    INCOME_TAXES = "income_taxes", _("法人税等")


class Side(models.TextChoices):
    DEBIT = "debit", _("借方")
    CREDIT = "credit", _("貸方")


class Account(models.Model):
    """A ledger account (勘定科目)."""

    code = models.CharField(_("科目コード"), max_length=10, unique=True)
    name = models.CharField(_("科目名"), max_length=60, unique=True)
    category = models.CharField(_("区分"), max_length=10, choices=Category.choices)
    section = models.CharField(_("表示区分"), max_length=30, choices=Section.choices)
    normal_side = models.CharField(_("残高の側"), max_length=6, choices=Side.choices)
    default_tax_code = models.ForeignKey(
        "ledger.TaxCode",
        verbose_name=_("既定の税区分"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("勘定科目")
        verbose_name_plural = _("勘定科目")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_balance_sheet(self) -> bool:
        return self.category in (Category.ASSET, Category.LIABILITY, Category.EQUITY)


class SubAccount(models.Model):
    """A sub-account (補助科目) under an account, e.g. a bank account under 普通預金."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="sub_accounts")
    code = models.CharField(_("補助コード"), max_length=10)
    name = models.CharField(_("補助科目名"), max_length=60)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        ordering = ["account__code", "code"]
        verbose_name = _("補助科目")
        verbose_name_plural = _("補助科目")
        constraints = [
            models.UniqueConstraint(fields=["account", "code"], name="ledger_subaccount_code"),
            models.UniqueConstraint(fields=["account", "name"], name="ledger_subaccount_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ChartVersion(models.Model):
    """One row counting changes to the chart; each process compares it with its cached copy."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"chart v{self.version}"


class Purpose(models.TextChoices):
    """個別対応方式の用途区分 of a taxable purchase."""

    TAXABLE_SALES = "taxable_sales", _("課税売上対応")
    COMMON = "common", _("共通対応")
    NON_TAXABLE_SALES = "non_taxable_sales", _("非課税売上対応")


class TaxCode(models.Model):
    """A consumption-tax category (税区分); its rate lives in TaxRate rows by effective date."""

    class Kind(models.TextChoices):
        SALES = "sales", _("売上")
        PURCHASE = "purchase", _("仕入")
        NONE = "none", _("対象外")

    class Treatment(models.TextChoices):
        TAXABLE = "taxable", _("課税")
        NON_TAXABLE = "non_taxable", _("非課税")
        EXPORT_EXEMPT = "export_exempt", _("輸出免税")
        NOT_SUBJECT = "not_subject", _("不課税")
        OUT_OF_SCOPE = "out_of_scope", _("対象外")

    code = models.CharField(_("税区分コード"), max_length=10, unique=True)
    name = models.CharField(_("税区分名"), max_length=60)
    kind = models.CharField(_("売上/仕入"), max_length=10, choices=Kind.choices)
    treatment = models.CharField(_("課税区分"), max_length=20, choices=Treatment.choices)
    reduced = models.BooleanField(_("軽減税率"), default=False)
    requires_unregistered = models.BooleanField(_("適格請求書なし(経過措置)"), default=False)
    purpose = models.CharField(
        _("仕入の用途区分(個別対応)"), max_length=20, choices=Purpose.choices, blank=True
    )
    is_return = models.BooleanField(_("対価の返還等"), default=False)
    is_import = models.BooleanField(_("輸入"), default=False)
    business_category = models.PositiveSmallIntegerField(
        _("簡易課税の事業区分"), default=0
    )  # 1–6; 0 = the company's default category
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("税区分")
        verbose_name_plural = _("税区分")

    def __str__(self) -> str:
        return self.name


class TaxRate(models.Model):
    """The rate and deductible ratio of a tax code from `valid_from` (inclusive) on."""

    tax_code = models.ForeignKey(TaxCode, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField(_("適用開始日"))
    rate = models.DecimalField(_("税率"), max_digits=5, decimal_places=4)
    deductible_ratio = models.DecimalField(_("控除割合"), max_digits=5, decimal_places=4, default=1)

    class Meta:
        ordering = ["tax_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["tax_code", "valid_from"], name="ledger_taxrate_from")
        ]

    def __str__(self) -> str:
        return f"{self.tax_code} {self.rate} x{self.deductible_ratio} from {self.valid_from}"


class LedgerSettings(models.Model):
    """Single row of book-keeping options (端数処理・入力方式)."""

    class Rounding(models.TextChoices):
        FLOOR = "floor", _("切捨て")
        HALF_UP = "half_up", _("四捨五入")
        CEILING = "ceiling", _("切上げ")

    class TaxEntry(models.TextChoices):
        INCLUSIVE = "inclusive", _("税込入力")
        EXCLUSIVE = "exclusive", _("税抜入力")

    rounding = models.CharField(
        _("消費税の端数処理"), max_length=10, choices=Rounding.choices, default=Rounding.FLOOR
    )

    class TaxMethod(models.TextChoices):
        GENERAL = "general", _("一般課税")
        SIMPLIFIED = "simplified", _("簡易課税")
        TWO_TENTHS = "two_tenths", _("2割特例")

    class CreditMethod(models.TextChoices):
        INDIVIDUAL = "individual", _("個別対応方式")
        PROPORTIONAL = "proportional", _("一括比例配分方式")

    tax_entry = models.CharField(
        _("既定の入力方式"), max_length=10, choices=TaxEntry.choices, default=TaxEntry.INCLUSIVE
    )
    small_amount_exception = models.BooleanField(
        _("少額特例(1万円未満の課税仕入れ)"), default=False
    )
    tax_method = models.CharField(
        _("消費税の計算方法"), max_length=12, choices=TaxMethod.choices, default=TaxMethod.GENERAL
    )
    credit_method = models.CharField(
        _("仕入税額控除の方式"),
        max_length=12,
        choices=CreditMethod.choices,
        default=CreditMethod.INDIVIDUAL,
    )
    simplified_category = models.PositiveSmallIntegerField(_("簡易課税の事業区分"), default=3)

    def __str__(self) -> str:
        return f"rounding={self.rounding}"


class InvoiceRegistration(models.Model):
    """A counterparty's 適格請求書発行事業者 registration (登録番号) and when it was valid."""

    counterparty = models.ForeignKey("org.Counterparty", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("登録番号"), max_length=14)
    valid_from = models.DateField(_("登録日"))
    valid_to = models.DateField(_("失効日"), null=True, blank=True)

    class Meta:
        ordering = ["counterparty", "valid_from"]
        verbose_name = _("適格請求書発行事業者の登録")
        verbose_name_plural = _("適格請求書発行事業者の登録")

    def __str__(self) -> str:
        return f"{self.number} {self.valid_from}–{self.valid_to or ''}"


class EntryCounter(models.Model):
    """Per fiscal year number counter; locked to hand out gapless entry numbers."""

    fiscal_year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}: {self.last_number}"


class Period(models.Model):
    """A month's close state (月次締め); no row means open."""

    period = models.PositiveIntegerField(_("年月"), unique=True)  # yyyymm
    is_closed = models.BooleanField(_("締め済"), default=False)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period"]
        verbose_name = _("会計期間")
        verbose_name_plural = _("会計期間")

    def __str__(self) -> str:
        return f"{self.period // 100}-{self.period % 100:02d}"


class FiscalYearClose(models.Model):
    """A fiscal year's close (決算確定): locked for every entry, 決算整理 included."""

    fiscal_year = models.PositiveIntegerField(_("会計年度"), unique=True)
    is_closed = models.BooleanField(_("決算確定"), default=False)
    net_income = models.BigIntegerField(_("当期純利益"), default=0)  # carried to 繰越利益剰余金
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["fiscal_year"]
        verbose_name = _("年度決算")
        verbose_name_plural = _("年度決算")

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}"


class ReopenRequest(models.Model):
    """A request to reopen a closed month or year (締め解除申請), decided by a second person."""

    class Kind(models.TextChoices):
        MONTH = "month", _("月次締め")
        YEAR = "year", _("年度決算")

    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認済み")
        REJECTED = "rejected", _("却下")
        WITHDRAWN = "withdrawn", _("取下げ")

    kind = models.CharField(_("対象"), max_length=10, choices=Kind.choices)
    period = models.PositiveIntegerField(_("年月または年度"))  # yyyymm, or the fiscal year
    reason = models.CharField(_("理由"), max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("締め解除申請")
        verbose_name_plural = _("締め解除申請")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def visible_to(self, user: Any) -> JournalEntryQuerySet:
        """Accounting and auditors see the whole journal; nobody else sees any of it."""
        if can(user, "ledger.view"):
            return self
        return self.none()


class JournalEntry(models.Model):
    """A posted journal entry (仕訳); never updated or deleted once written."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手入力")
        BANK = "bank", _("銀行明細")
        EXPENSE = "expense", _("経費精算")
        INVOICE = "invoice", _("請求書")
        PAYROLL = "payroll", _("給与")
        ASSET = "asset", _("固定資産")
        PAYMENT = "payment", _("振込")
        CONTRACT = "contract", _("契約")
        IMPORT = "import", _("インポート")
        GENERATED = "generated", _("生成データ")
        CORRECTION = "correction", _("訂正")
        ADJUSTMENT = "adjustment", _("決算整理")

    fiscal_year = models.PositiveIntegerField(_("会計年度"))
    number = models.PositiveIntegerField(_("伝票番号"))
    date = models.DateField(_("取引日"))
    period = models.PositiveIntegerField(_("年月"))  # yyyymm, for period checks and reports
    description = models.CharField(_("摘要"), max_length=200)
    source = models.CharField(_("発生源"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("発生源の参照"), max_length=100, blank=True)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("取消対象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("訂正前の仕訳"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    correction_reason = models.CharField(_("訂正理由"), max_length=200, blank=True)
    amount = models.BigIntegerField(_("金額"))  # total of the debit side
    posted_at = models.DateTimeField(_("記帳日時"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("仕訳")
        verbose_name_plural = _("仕訳")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="ledger_entry_number"),
        ]
        indexes = [
            models.Index(fields=["date", "number"]),
            models.Index(fields=["source", "source_ref"]),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}-{self.number:06d}"

    @property
    def display_number(self) -> str:
        return f"{self.fiscal_year}-{self.number:06d}"


class JournalLine(models.Model):
    """One debit or credit line of an entry (仕訳明細)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveSmallIntegerField()
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    sub_account = models.ForeignKey(
        SubAccount,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
    )
    debit = models.BigIntegerField(_("借方金額"), default=0)
    credit = models.BigIntegerField(_("貸方金額"), default=0)
    tax_code = models.ForeignKey(
        TaxCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
    )
    tax_amount = models.BigIntegerField(_("消費税額"), default=0)
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    counterparty = models.ForeignKey(
        "org.Counterparty",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    memo = models.CharField(_("メモ"), max_length=200, blank=True)
    date = models.DateField()  # copied from the entry so line reports need no join
    period = models.PositiveIntegerField()

    class Meta:
        ordering = ["entry", "line_no"]
        verbose_name = _("仕訳明細")
        verbose_name_plural = _("仕訳明細")
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0)),
                name="ledger_line_one_side",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "date"]),
            models.Index(fields=["period", "account"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} D{self.debit} C{self.credit}"

    @property
    def amount(self) -> int:
        return self.debit or self.credit


class Balance(models.Model):
    """Debit and credit totals per (account, month, department), kept in the posting transaction."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    period = models.PositiveIntegerField()  # yyyymm
    dept_key = models.BigIntegerField(default=0)  # department id, 0 = none (NULL is not unique)
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period", "dept_key"], name="ledger_balance_key"
            ),
        ]
        indexes = [models.Index(fields=["period", "account"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period} {self.dept_key}: {self.debit}/{self.credit}"


class Attachment(models.Model):
    """Links evidence (証憑, a core.StoredFile) to a journal entry; append-only like the lines."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="attachments")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.stored.name

    @property
    def sha256(self) -> str:
        return self.stored.sha256

    @property
    def size(self) -> int:
        return self.stored.size


# ---------------------------------------------------------------- bank and card statements


class BankFeed(models.Model):
    """A bank or card account whose statements are imported, posted against one ledger account."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    sub_account = models.ForeignKey(
        SubAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    preset = models.CharField(_("CSV形式"), max_length=30, default="generic")

    def __str__(self) -> str:
        return self.name


# A suggestion at or above this confidence is ticked for posting by default (bank_import).
PRESELECT_CONFIDENCE = 0.8


class BankTransaction(models.Model):
    """One statement line (明細): deposit (+) or withdrawal (-), its suggestion and its entry."""

    class Status(models.TextChoices):
        NEW = "new", _("未処理")
        SUGGESTED = "suggested", _("提案あり")
        CONFIRMED = "confirmed", _("確定")
        IGNORED = "ignored", _("対象外")

    feed = models.ForeignKey(BankFeed, on_delete=models.PROTECT, related_name="transactions")
    date = models.DateField(_("日付"))
    description = models.CharField(_("摘要"), max_length=200)
    amount = models.BigIntegerField(_("金額"))
    balance = models.BigIntegerField(_("残高"), null=True, blank=True)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tax_code = models.ForeignKey(
        TaxCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterparty = models.ForeignKey(
        "org.Counterparty", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    suggestion_source = models.CharField(max_length=10, blank=True)  # rule | learned
    confidence = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    entry = models.ForeignKey(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "fingerprint"], name="ledger_banktx_unique"),
        ]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.description} {self.amount}"

    @property
    def preselected(self) -> bool:
        """Ticked for posting by default: a suggestion at or above the confidence threshold."""
        return (
            self.account_id is not None
            and self.confidence is not None
            and float(self.confidence) >= PRESELECT_CONFIDENCE
        )


class BankRule(models.Model):
    """An explicit rule: description contains/regex and amount range → account, tax, partner."""

    class Match(models.TextChoices):
        CONTAINS = "contains", _("含む")
        REGEX = "regex", _("正規表現")

    name = models.CharField(_("ルール名"), max_length=100)
    priority = models.PositiveIntegerField(_("優先順位"), default=100)
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.CONTAINS)
    pattern = models.CharField(_("パターン"), max_length=200)
    amount_min = models.BigIntegerField(_("金額下限"), null=True, blank=True)
    amount_max = models.BigIntegerField(_("金額上限"), null=True, blank=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    tax_code = models.ForeignKey(
        TaxCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterparty = models.ForeignKey(
        "org.Counterparty", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.name
