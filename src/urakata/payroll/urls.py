from django.urls import path

from urakata.payroll import views, views_declaration, views_master

app_name = "payroll"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/check/", views.run_check, name="run_check"),
    path("runs/<int:run_id>/submit/", views.run_submit, name="run_submit"),
    path("runs/<int:run_id>/approve/", views.run_approve, name="run_approve"),
    path("bonus/new/", views_master.bonus_create, name="bonus_create"),
    path("profiles/", views_master.profile_list, name="profile_list"),
    path("profiles/<int:employee_id>/", views_master.profile_edit, name="profile_edit"),
    path("profiles/<int:employee_id>/pay/", views_master.profile_pay, name="profile_pay"),
    path("profiles/<int:employee_id>/items/", views_master.profile_item, name="profile_item"),
    path(
        "profiles/<int:employee_id>/declaration/",
        views_declaration.profile_declaration,
        name="profile_declaration",
    ),
    path(
        "profiles/<int:employee_id>/resident-tax/",
        views_master.profile_resident_tax,
        name="profile_resident_tax",
    ),
    path(
        "profiles/<int:employee_id>/acquisition/",
        views_master.profile_acquisition,
        name="profile_acquisition",
    ),
    path("my/", views.my_payslips, name="my_payslips"),
    path("payslips/<int:payslip_id>/", views.payslip_detail, name="payslip_detail"),
    path("payslips/<int:payslip_id>/pdf/", views.payslip_pdf, name="payslip_pdf"),
    path("wage-ledger/<int:year>.<str:fmt>", views.wage_ledger, name="wage_ledger"),
]
