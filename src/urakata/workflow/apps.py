from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "urakata.workflow"
    label = "workflow"
    verbose_name = "ワークフロー"
