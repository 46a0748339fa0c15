from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from urakata.core import services
from urakata.core.admin_audit import AuditedModelAdmin
from urakata.core.models import ApiToken, AuditEvent, LoginThrottle, ScheduledJob


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

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        # A token made here would have no key anyone ever saw: tokens are issued on the
        # APIトークン page, which shows the key once.
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(AuditedModelAdmin):
    list_display = ("name", "task_path", "cron", "enabled", "next_run_at")


@admin.action(description=_("選択したアカウントのロックを解除"))
def unlock_logins(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
    """Lift the lock-outs through the service, so each unlock is an audit event."""
    for row in queryset:
        services.login_unlock(actor=request.user, username=row.username)
    messages.success(request, _("ロックを解除しました。"))


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed-login counters; read-only except for the unlock action."""

    list_display = ("username", "failures", "locked_until", "last_failure_at")
    search_fields = ("username",)
    actions = [unlock_logins]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
