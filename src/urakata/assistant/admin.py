"""Django admin: read-only views of assistant data; edits go through the audited services."""

from django.contrib import admin

from urakata.assistant.models import AICallLog, Inquiry, KnowledgeSource, ReviewItem
from urakata.core.admin_audit import ReadOnlyModelAdmin


@admin.register(KnowledgeSource)
class KnowledgeSourceAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "kind", "desk", "audience", "is_active")


@admin.register(AICallLog)
class AICallLogAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "user", "feature", "provider", "masked_entities", "latency_ms")


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "asked_by", "desk", "status")


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "kind", "title", "status")
