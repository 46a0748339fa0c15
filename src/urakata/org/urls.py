from django.urls import path

from urakata.org import import_export_views, views

app_name = "org"
urlpatterns = [
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/new/", views.employee_create, name="employee_create"),
    path("employees/export/", import_export_views.employee_export, name="employee_export"),
    path("employees/import/", import_export_views.employee_import, name="employee_import"),
    path("employees/<int:employee_id>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:employee_id>/edit/", views.employee_edit, name="employee_edit"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:department_id>/", views.department_detail, name="department_detail"),
    path("departments/<int:department_id>/edit/", views.department_edit, name="department_edit"),
    path("counterparties/", views.counterparty_list, name="counterparty_list"),
    path("counterparties/new/", views.counterparty_create, name="counterparty_create"),
    path(
        "counterparties/export/",
        import_export_views.counterparty_export,
        name="counterparty_export",
    ),
    path(
        "counterparties/import/",
        import_export_views.counterparty_import,
        name="counterparty_import",
    ),
    path(
        "counterparties/<int:counterparty_id>/",
        views.counterparty_detail,
        name="counterparty_detail",
    ),
    path(
        "counterparties/<int:counterparty_id>/edit/",
        views.counterparty_edit,
        name="counterparty_edit",
    ),
    path("company/", views.company_settings, name="company_settings"),
]
