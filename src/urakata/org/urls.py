from django.urls import path

from urakata.org import views

app_name = "org"
urlpatterns = [
    path("employees/", views.employee_list, name="employee_list"),
    path("departments/", views.department_list, name="department_list"),
    path("counterparties/", views.counterparty_list, name="counterparty_list"),
]
