"""The workflow app's own subjects: 稟議 and administrator-defined forms."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from urakata.org.models import Department, Employee
from urakata.workflow.models import FormSubmission, Ringi
from urakata.workflow.registry import subject_type


def describe_ringi(ringi: Ringi) -> list[tuple[str, str]]:
    return [
        (_("件名"), ringi.title),
        (_("目的・内容"), ringi.purpose),
        (_("金額"), _("%(amount)s 円") % {"amount": f"{ringi.amount:,}"}),
        (_("部署"), str(ringi.department or "-")),
        (_("関連取引先"), str(ringi.counterparty or "-")),
    ]


def _display(spec: dict[str, Any], value: Any) -> str:
    if value in (None, ""):
        return "-"
    if spec["type"] == "employee":
        return str(Employee.objects.filter(pk=value).first() or value)
    if spec["type"] == "department":
        return str(Department.objects.filter(pk=value).first() or value)
    return str(value)


def describe_submission(submission: FormSubmission) -> list[tuple[str, str]]:
    rows = [(_("フォーム"), submission.form.name)]
    for spec in submission.form.fields:
        if spec["type"] != "file":
            rows.append((spec["label"], _display(spec, submission.values.get(spec["name"]))))
    return rows


# Listed in the workflow manifest's `workflow_subjects`.
RINGI_SUBJECT = subject_type(
    Ringi,
    label=gettext_noop("稟議"),
    fields_for_conditions=["amount", "department", "department.code", "counterparty"],
    describe=describe_ringi,
)
FORM_SUBJECT = subject_type(
    FormSubmission,
    label=gettext_noop("各種申請"),
    fields_for_conditions=["form.code", "values"],
    describe=describe_submission,
)
