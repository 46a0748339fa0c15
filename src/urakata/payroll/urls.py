from django.urls import path

from urakata.payroll import views

app_name = "payroll"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/check/", views.run_check, name="run_check"),
    path("runs/<int:run_id>/submit/", views.run_submit, name="run_submit"),
    path("runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("my/", views.my_payslips, name="my_payslips"),
    path("payslips/<int:payslip_id>/", views.payslip_detail, name="payslip_detail"),
    path("payslips/<int:payslip_id>/pdf/", views.payslip_pdf, name="payslip_pdf"),
    path("wage-ledger/<int:year>.<str:fmt>", views.wage_ledger, name="wage_ledger"),
]
