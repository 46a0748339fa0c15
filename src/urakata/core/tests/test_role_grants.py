"""Granting roles: one audited service, an administrators' page, and no back door in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory

from urakata.core import selectors, services
from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role, user_roles

pytestmark = pytest.mark.django_db


def _names(user: Any) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_admin_sets_roles_and_the_change_is_audited(make_user: Any) -> None:
    admin_user = make_user(Role.ADMIN)
    target = make_user(Role.EMPLOYEE)
    target.groups.add(Group.objects.create(name="newsletter"))  # not a role: left alone
    held = services.user_roles_set(actor=admin_user, user=target, roles=["employee", Role.HR])
    assert held == {"employee", "hr"}
    assert _names(target) == {"employee", "hr", "newsletter"}
    event = AuditEvent.objects.get(action="core.user.roles_set")
    assert event.actor_id == admin_user.pk and event.target_id == str(target.pk)
    assert event.changes == {"roles": [["employee"], ["employee", "hr"]]}
    services.user_roles_set(actor=admin_user, user=target, roles=["accounting"])
    assert _names(target) == {"accounting", "newsletter"}
    refreshed = get_user_model().objects.get(pk=target.pk)
    assert "accounting" in user_roles(refreshed) and "hr" not in user_roles(refreshed)


def test_setting_the_same_roles_writes_nothing(make_user: Any) -> None:
    admin_user, target = make_user(Role.ADMIN), make_user(Role.HR)
    services.user_roles_set(actor=admin_user, user=target, roles=["hr"])
    assert not AuditEvent.objects.filter(action="core.user.roles_set").exists()


def test_only_administrators_grant_roles(make_user: Any) -> None:
    hr, target = make_user(Role.HR), make_user(Role.EMPLOYEE)
    with pytest.raises(PermissionDenied):
        services.user_roles_set(actor=hr, user=target, roles=["admin"])
    with pytest.raises(PermissionDenied):
        selectors.user_role_list(actor=hr)
    assert _names(target) == {"employee"}
    assert not AuditEvent.objects.filter(action="core.user.roles_set").exists()


def test_unknown_roles_and_dropping_your_own_admin_are_refused(make_user: Any) -> None:
    admin_user, target = make_user(Role.ADMIN), make_user()
    with pytest.raises(ValidationFailed) as info:
        services.user_roles_set(actor=admin_user, user=target, roles=["hr", "wizard"])
    assert "wizard" in info.value.message and set(info.value.errors) == {"roles"}
    with pytest.raises(ValidationFailed):
        services.user_roles_set(actor=admin_user, user=admin_user, roles=["hr"])
    assert _names(admin_user) == {"admin"} and _names(target) == set()


def test_role_page_lists_users_and_changes_roles(make_user: Any, client_for: Any) -> None:
    target = make_user(Role.EMPLOYEE, username="sato")
    client = client_for(Role.ADMIN)
    listing = client.get("/accounts/roles/", {"q": "sato"})
    body = listing.content.decode()
    assert listing.status_code == 200 and "ロール管理" in body and "sato" in body
    assert "一般社員" in body
    form = client.get(f"/accounts/roles/{target.pk}/")
    assert form.status_code == 200 and 'value="accounting"' in form.content.decode()
    saved = client.post(f"/accounts/roles/{target.pk}/", {"roles": ["employee", "accounting"]})
    assert saved.status_code == 302 and saved["Location"] == "/accounts/roles/"
    assert _names(target) == {"employee", "accounting"}
    assert AuditEvent.objects.filter(action="core.user.roles_set").count() == 1
    bad = client.post(f"/accounts/roles/{target.pk}/", {"roles": ["wizard"]})
    assert bad.status_code == 422 and "不明なロール" in bad.content.decode()
    assert client.get("/accounts/roles/999999/").status_code == 404


def test_role_page_is_for_administrators_only(make_user: Any, client_for: Any) -> None:
    target = make_user(Role.EMPLOYEE)
    client = client_for(Role.HR)
    assert client.get("/accounts/roles/").status_code == 403
    assert client.post(f"/accounts/roles/{target.pk}/", {"roles": ["admin"]}).status_code == 403
    assert _names(target) == {"employee"}


@pytest.mark.parametrize(
    "label",
    [
        "auth.user",
        "auth.group",
        "assistant.knowledgesource",
        "assistant.inquiry",
        "assistant.reviewitem",
        "assistant.aicalllog",
        "workflow.approvalrequest",
        "core.auditevent",
    ],
)
def test_django_admin_is_read_only_for_audited_models(label: str, make_user: Any) -> None:
    """Roles, users and assistant rows change only through audited services, not the admin."""
    superuser = make_user()
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = next(
        ma for model, ma in admin.site._registry.items() if model._meta.label_lower == label
    )
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)
