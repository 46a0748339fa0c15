from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "urakata.payroll"
    label = "payroll"
    verbose_name = "給与計算"
