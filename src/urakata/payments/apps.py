from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "urakata.payments"
    label = "payments"
    verbose_name = "振込"
