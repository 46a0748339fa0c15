from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "urakata.invoicing"
    label = "invoicing"
    verbose_name = "請求書"
