from django.urls import path

from urakata.ledger import chart_views, equity_views, report_views, views

app_name = "ledger"
urlpatterns = [
    path("entries/", views.entry_list, name="entry_list"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:entry_id>/cancel/", views.entry_cancel, name="entry_cancel"),
    path("entries/<int:entry_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("reports/trial-balance/", report_views.trial_balance, name="trial_balance"),
    path(
        "reports/trial-balance-by-department/",
        report_views.trial_balance_by_department,
        name="trial_balance_by_department",
    ),
    path("reports/profit-and-loss/", report_views.profit_and_loss, name="profit_and_loss"),
    path("reports/balance-sheet/", report_views.balance_sheet, name="balance_sheet"),
    path("reports/general-ledger/", report_views.general_ledger, name="general_ledger"),
    path("reports/tax-summary/", report_views.tax_summary, name="tax_summary"),
    path("reports/tax-return/", report_views.tax_return_page, name="tax_return"),
    path("reports/monthly-trend/", report_views.monthly_trend_page, name="monthly_trend"),
    path(
        "reports/equity-statement/",
        equity_views.equity_statement_page,
        name="equity_statement",
    ),
    path(
        "reports/sub-account-balances/",
        report_views.sub_account_balances_page,
        name="sub_account_balances",
    ),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<int:period>/toggle/", views.period_toggle, name="period_toggle"),
    path(
        "fiscal-years/<int:fiscal_year>/toggle/",
        views.fiscal_year_toggle,
        name="fiscal_year_toggle",
    ),
    path("bank/", views.bank_list, name="bank_list"),
    path("accounts/", chart_views.chart_list, name="chart_list"),
    path("accounts/new/", chart_views.account_new, name="account_new"),
    path("accounts/<int:account_id>/", chart_views.account_detail, name="account_detail"),
    path("accounts/<int:account_id>/edit/", chart_views.account_edit, name="account_edit"),
    path(
        "accounts/<int:account_id>/sub-accounts/",
        chart_views.sub_account_new,
        name="sub_account_new",
    ),
    path(
        "accounts/<int:account_id>/sub-accounts/<int:sub_id>/",
        chart_views.sub_account_edit,
        name="sub_account_edit",
    ),
    path(
        "accounts/<int:account_id>/sub-accounts/<int:sub_id>/toggle/",
        chart_views.sub_account_toggle,
        name="sub_account_toggle",
    ),
]
