from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from urakata.core import services
from urakata.core.admin_audit import AuditedModelAdmin, ReadOnlyModelAdmin
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


# Roles are groups: granting one through Django's User/Group admin would skip the audit chain.
# Both are read-only here; roles change on the ロール管理 page (core.role_grants.user_roles_set),
# employees and their logins through the org services.
for _model in (get_user_model(), Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(get_user_model())
class ReadOnlyUserAdmin(ReadOnlyModelAdmin, UserAdmin):  # type: ignore[misc]
    """Users are viewable; roles, staff and superuser flags are not editable here."""


@admin.register(Group)
class ReadOnlyGroupAdmin(ReadOnlyModelAdmin, GroupAdmin):  # type: ignore[misc]
    """Role groups are viewable; membership changes go through the audited role page."""
