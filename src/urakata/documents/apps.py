from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "urakata.documents"
    label = "documents"
    verbose_name = "文書管理"

    def ready(self) -> None:
        from urakata.core.audit_labels import register_action_labels
        from urakata.documents.labels import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
