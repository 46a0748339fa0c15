"""Django admin that records an audit event for every save and delete made through it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from urakata.core.audit import audit_record


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin edits are writes too: each one appends to the audit chain in the same transaction."""

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:  # type: ignore[type-arg]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes = {
                name: [form.initial.get(name), form.cleaned_data.get(name)]
                for name in form.changed_data
            }
            action = "update" if change else "create"
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.label_lower}.{action}",
                target=obj,
                changes=changes,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user, action=f"admin.{obj._meta.label_lower}.delete", target=obj
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action=f"admin.{obj._meta.label_lower}.delete", target=obj
                )
            super().delete_queryset(request, queryset)


class ReadOnlyModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewable by staff; every write goes through the domain's audited services instead."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
