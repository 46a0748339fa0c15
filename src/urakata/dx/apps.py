from django.apps import AppConfig


class DxConfig(AppConfig):
    name = "urakata.dx"
    label = "dx"
    verbose_name = "DX推進"
