from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "urakata.expenses"
    label = "expenses"
    verbose_name = "経費精算"
