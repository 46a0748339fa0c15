from django.contrib import admin

from urakata.core.admin_audit import AuditedModelAdmin
from urakata.core.models import ApiToken, AuditEvent, ScheduledJob


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit chain is never edited by hand."""

    list_display = ("seq", "at", "actor_label", "action", "target_type", "target_repr")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_repr", "action")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "last_used_at")


@admin.register(ScheduledJob)
class ScheduledJobAdmin(AuditedModelAdmin):
    list_display = ("name", "task_path", "cron", "enabled", "next_run_at")
