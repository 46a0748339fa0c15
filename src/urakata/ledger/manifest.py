"""The ledger in one place: capabilities, pages, integrity check, API, demo books."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from urakata.core.domains import DomainManifest, NavEntry
from urakata.core.roles import Role
from urakata.ledger.account_integrity import accounts_verify
from urakata.ledger.closing import REOPEN_SUBJECT
from urakata.ledger.integrity import ledger_verify
from urakata.ledger.state_integrity import ledger_state_verify

SECTION = _("経理")
REPORTS = "ledger.view_reports"

MANIFEST = DomainManifest(
    label="ledger",
    # After the assistant: the demo seeders share one random stream, so this keeps the demo books.
    order=400,
    depends_on=("core", "org", "workflow"),
    # Accounting posts and closes, auditors read, executives read reports.
    capabilities={
        "ledger.view": (Role.ACCOUNTING, Role.AUDITOR),
        "ledger.post": (Role.ACCOUNTING,),
        "ledger.close": (Role.ACCOUNTING,),
        "ledger.manage_accounts": (Role.ACCOUNTING,),
        "ledger.view_reports": (Role.ACCOUNTING, Role.AUDITOR, Role.EXECUTIVE),
        "ledger.bank_import": (Role.ACCOUNTING,),
    },
    navigation=(
        NavEntry(SECTION, _("仕訳帳"), "ledger:entry_list", "ledger.view", "📒", 300),
        NavEntry(SECTION, _("仕訳入力"), "ledger:entry_new", "ledger.post", "✏", 310),
        NavEntry(SECTION, _("試算表"), "ledger:trial_balance", REPORTS, "📊", 320),
        NavEntry(SECTION, _("損益計算書"), "ledger:profit_and_loss", REPORTS, "📈", 330),
        NavEntry(SECTION, _("貸借対照表"), "ledger:balance_sheet", REPORTS, "⚖", 340),
        NavEntry(SECTION, _("消費税集計"), "ledger:tax_summary", REPORTS, "🧾", 350),
        NavEntry(SECTION, _("消費税申告"), "ledger:tax_return", REPORTS, "🧾", 352),
        NavEntry(SECTION, _("月次推移表"), "ledger:monthly_trend", REPORTS, "📈", 354),
        NavEntry(SECTION, _("補助科目残高"), "ledger:sub_account_balances", REPORTS, "📒", 356),
        NavEntry(SECTION, _("株主資本等変動計算書"), "ledger:equity_statement", REPORTS, "📑", 358),
        NavEntry(SECTION, _("銀行明細"), "ledger:bank_list", "ledger.bank_import", "🏦", 360),
        NavEntry(SECTION, _("月次締め"), "ledger:period_list", "ledger.view", "🔐", 370),
        NavEntry(SECTION, _("勘定科目"), "ledger:chart_list", REPORTS, "🗃", 380),
    ),
    # Each posted entry's lines are checked against the hash its audit event recorded.
    # ... and balances, months, amounts and posting times re-derived from the lines.
    # ... and each account against its latest audited change.
    audit_verifiers={
        "ledger": ledger_verify,
        "ledger.state": ledger_state_verify,
        "ledger.accounts": accounts_verify,
    },
    # Reopening a closed month or year is approved by a second accountant.
    workflow_subjects=(REOPEN_SUBJECT,),
    hooks={"dx.process_measures": "urakata.ledger.dx_measures.measures"},
    demo_seeder="urakata.ledger.demo.seed",
    api_router="urakata.ledger.api_routes.router",
    api_prefix="/",
    urls="urakata.ledger.urls",
    url_prefix="ledger/",
)
