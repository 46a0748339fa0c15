from django.urls import path

from urakata.invoicing import views, views_recurring

app_name = "invoicing"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/send/", views.invoice_send, name="invoice_send"),
    path("invoices/<int:invoice_id>/credit-note/", views.credit_note_new, name="credit_note_new"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:invoice_id>/pint/", views.invoice_pint, name="invoice_pint"),
    path("aging/", views.aging, name="aging"),
    path("matching/", views.matching, name="matching"),
    path("received/", views.received_list, name="received_list"),
    path("received/new/", views.received_new, name="received_new"),
    path("received/read/", views.received_read, name="received_read"),
    path("received/<int:received_id>/approve/", views.received_approve, name="received_approve"),
    path("received/<int:received_id>/submit/", views.received_submit, name="received_submit"),
    path("recurring/", views_recurring.recurring_list, name="recurring_list"),
    path(
        "recurring/<int:recurring_id>/",
        views_recurring.recurring_detail,
        name="recurring_detail",
    ),
    path(
        "recurring/<int:recurring_id>/toggle/",
        views_recurring.recurring_toggle,
        name="recurring_toggle",
    ),
]
