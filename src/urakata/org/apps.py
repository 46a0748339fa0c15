from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "urakata.org"
    label = "org"
    verbose_name = "組織"
