"""The folder tree of the document store: 所管部署 → 書類区分, with the number of documents the
actor may see in each (a document lives in exactly one folder: its department and its type)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from urakata.core.permissions import require
from urakata.documents.models import DocType, Document

NO_DEPARTMENT = "none"  # the key of the folder of documents without a department


@dataclass(frozen=True)
class TypeFolder:
    """書類区分 inside a department folder."""

    doc_type: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class DepartmentFolder:
    """A department folder (or the one of documents without a department) and its type folders."""

    key: str  # the department id, or "none"
    department_id: int | None
    name: str
    count: int
    types: list[TypeFolder]
    selected: bool  # this folder or one of its type folders is the current search's


def folder_tree(
    *, actor: Any, department_key: str = "", doc_type: str = ""
) -> list[DepartmentFolder]:
    """Departments (by name) with the types of the documents the actor may see, with counts;
    `department_key` / `doc_type`: the selected folder, marked (and opened on the page)."""
    from urakata.org.models import Department

    require(actor, "documents.view")
    counts = (
        Document.objects.visible_to(actor)
        .order_by()
        .values_list("department_id", "doc_type")
        .annotate(n=Count("id"))
    )
    by_department: dict[int | None, dict[str, int]] = {}
    for department_id, kind, number in counts:
        by_department.setdefault(department_id, {})[kind] = number
    names = dict(
        Department.objects.filter(pk__in=[k for k in by_department if k]).values_list("pk", "name")
    )
    labels = dict(DocType.choices)
    order = {value: position for position, value in enumerate(DocType.values)}
    folders = []
    for department_id, kinds in by_department.items():
        key = str(department_id) if department_id else NO_DEPARTMENT
        selected = key == department_key
        types = [
            TypeFolder(kind, str(labels.get(kind, kind)), n, selected and kind == doc_type)
            for kind, n in sorted(kinds.items(), key=lambda item: order.get(item[0], 99))
        ]
        name = names.get(department_id, "") if department_id else _("(部署なし)")
        folders.append(
            DepartmentFolder(key, department_id, name, sum(kinds.values()), types, selected)
        )
    folders.sort(key=lambda f: (f.department_id is None, f.name))
    return folders
