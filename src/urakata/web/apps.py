from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "urakata.web"
    label = "web"
    verbose_name = "Web"
