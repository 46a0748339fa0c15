from django.contrib import admin

from urakata.assistant.models import AICallLog, Inquiry, KnowledgeSource, ReviewItem

admin.site.register(
    KnowledgeSource, list_display=("title", "kind", "desk", "audience", "is_active")
)
admin.site.register(
    AICallLog,
    list_display=("created_at", "user", "feature", "provider", "masked_entities", "latency_ms"),
)
admin.site.register(Inquiry, list_display=("created_at", "asked_by", "desk", "status"))
admin.site.register(ReviewItem, list_display=("created_at", "kind", "title", "status"))
