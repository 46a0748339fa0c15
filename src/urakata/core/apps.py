from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "urakata.core"
    label = "core"
    verbose_name = "Core"
