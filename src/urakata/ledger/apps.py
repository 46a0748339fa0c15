from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "urakata.ledger"
    label = "ledger"
    verbose_name = "経理"

    def ready(self) -> None:
        from urakata.core.audit import register_verifier
        from urakata.ledger import permissions  # noqa: F401 - registers capabilities
        from urakata.ledger.integrity import ledger_verify
        from urakata.ledger.state_integrity import ledger_state_verify

        register_verifier("ledger", ledger_verify)
        register_verifier("ledger.state", ledger_state_verify)
