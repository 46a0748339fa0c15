"""ロール管理: administrators list users and grant or withdraw roles (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from urakata.core import selectors as core_selectors
from urakata.core import services as core_services
from urakata.core.errors import NotFound, PermissionDenied, ValidationFailed
from urakata.core.roles import ROLE_LABELS, Role

PAGE_SIZE = 50


def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return render(request, "web/forbidden.html", {"message": error.message}, status=403)


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(ROLE_LABELS[role])) for role in Role]


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    """Users and their roles, searchable by login name or name."""
    q = request.GET.get("q", "")
    try:
        users = core_selectors.user_role_list(actor=request.user, q=q)
    except PermissionDenied as error:
        return _forbidden(request, error)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(_role_choices())
    rows = [
        {
            "user": user,
            "roles": [labels[g.name] for g in sorted(user.role_groups, key=lambda g: g.name)],
        }
        for user in page.object_list
    ]
    querystring = urlencode({"q": q}) + "&" if q else ""
    context = {"rows": rows, "page_obj": page, "q": q, "querystring": querystring}
    return render(request, "web/role_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """Tick the roles a user holds; saving records one audit event with old → new."""
    try:
        current = core_selectors.user_roles_get(actor=request.user, user_id=user_id)
    except PermissionDenied as error:
        return _forbidden(request, error)
    except NotFound as error:
        return render(request, "web/forbidden.html", {"message": error.message}, status=404)
    selected = set(current.roles)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        selected = set(request.POST.getlist("roles"))
        try:
            core_services.user_roles_set(actor=request.user, user=current.user, roles=selected)
        except ValidationFailed as error:
            errors = error.errors.get("roles") or [error.message]
            status = 422
        else:
            messages.success(
                request,
                _("%(name)s のロールを更新しました。") % {"name": current.user.get_username()},
            )
            return redirect("web:role_list")
    context = {
        "target": current.user,
        "choices": _role_choices(),
        "selected": selected,
        "errors": errors,
    }
    return render(request, "web/role_edit.html", context, status=status)
