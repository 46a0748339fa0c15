"""Django admin: read-only views of workflow data; every change goes through the audited pages/API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from urakata.core.admin_audit import ReadOnlyModelAdmin as ReadOnlyAdmin
from urakata.workflow.models import (
    Action,
    ApprovalRequest,
    Delegation,
    RequestForm,
    RequestStep,
    Route,
    RouteStep,
)


class RouteStepInline(admin.TabularInline):
    model = RouteStep
    extra = 0
    fields = ("order", "name", "approvers", "quorum", "conditions")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Route)
class RouteAdmin(ReadOnlyAdmin):
    list_display = ("name", "subject_type", "priority", "version", "is_active", "updated_at")
    list_filter = ("subject_type", "is_active")
    inlines = [RouteStepInline]


@admin.register(RequestForm)
class RequestFormAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "is_active", "updated_at")


class RequestStepInline(admin.TabularInline):
    model = RequestStep
    extra = 0
    fields = ("round", "order", "name", "status", "activated_at", "completed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "subject_type", "status", "applicant", "submitted_at")
    list_filter = ("status", "subject_type")
    search_fields = ("number", "title")
    inlines = [RequestStepInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("request", "kind", "actor", "at")
    list_filter = ("kind",)


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("delegator", "delegate", "start_date", "end_date", "revoked_at")
