from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "urakata.assistant"
    label = "assistant"
    verbose_name = "AIアシスタント"
