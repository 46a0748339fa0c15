from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "urakata.assistant"
    label = "assistant"
    verbose_name = "AIアシスタント"

    def ready(self) -> None:
        # Capabilities are registered at import time of the permissions module.
        from urakata.assistant import escalation, permissions  # noqa: F401

        # Inquiries are routed through the workflow engine (an explicit registration).
        escalation.register()
