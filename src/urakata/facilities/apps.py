from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "urakata.facilities"
    verbose_name = "総務(来客・備品・固定資産)"
