from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "urakata.ledger"
    label = "ledger"
    verbose_name = "経理"
