from django.urls import path

from urakata.expenses import views

app_name = "expenses"
urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("new/", views.claim_new, name="claim_new"),
    path("<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("<int:claim_id>/delete/", views.claim_delete, name="claim_delete"),
    path("<int:claim_id>/receipt/", views.receipt_scan, name="receipt_scan"),
    path("<int:claim_id>/lines/", views.line_add, name="line_add"),
    path("<int:claim_id>/lines/<int:line_id>/delete/", views.line_delete, name="line_delete"),
    path("<int:claim_id>/lines/<int:line_id>/receipt/", views.receipt_file, name="receipt_file"),
    path("<int:claim_id>/submit/", views.claim_submit, name="claim_submit"),
]
