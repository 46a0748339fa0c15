"""Subject types: other domains plug their models into the workflow without being imported.

A domain lists its subject types in its manifest (`<app>/manifest.py`):

    workflow_subjects=(
        subject_type(ExpenseClaim, on_approved=claim_approved, on_rejected=claim_rejected,
                     fields_for_conditions=["amount", "department.code"]),
    ),

`on_approved(subject, request)` / `on_rejected(subject, request)` run inside the transaction that
decides the request, so the subject and the request change together or not at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from urakata.core.domains import DomainManifest, manifests

Hook = Callable[[Any, Any], None]


@dataclass(frozen=True)
class SubjectType:
    """A model whose rows can be routed for approval."""

    key: str
    model: type[models.Model]
    label: str
    on_approved: Hook | None = None
    on_rejected: Hook | None = None
    on_withdrawn: Hook | None = None
    fields_for_conditions: tuple[str, ...] = field(default_factory=tuple)
    describe: Callable[[Any], list[tuple[str, str]]] | None = None
    url: Callable[[Any], str] | None = None


def subject_key(model_or_instance: type[models.Model] | models.Model) -> str:
    """`app_label.model_name` of a model or instance, e.g. `workflow.ringi`."""
    meta = model_or_instance._meta
    return f"{meta.app_label}.{meta.model_name}"


def subject_type(
    model: type[models.Model],
    *,
    on_approved: Hook | None = None,
    on_rejected: Hook | None = None,
    on_withdrawn: Hook | None = None,
    fields_for_conditions: Sequence[str] = (),
    label: str | None = None,
    describe: Callable[[Any], list[tuple[str, str]]] | None = None,
    url: Callable[[Any], str] | None = None,
) -> SubjectType:
    """A routable model for a manifest; route conditions may use the named fields (dotted paths).

    `describe(subject)` gives the (label, value) rows of the request page, `url(subject)` a link to
    the subject's own page in its domain.
    """
    return SubjectType(
        key=subject_key(model),
        model=model,
        label=str(label or model._meta.verbose_name),
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_withdrawn=on_withdrawn,
        fields_for_conditions=tuple(fields_for_conditions),
        describe=describe,
        url=url,
    )


def subject_index() -> dict[str, SubjectType]:
    """Subject types declared in the installed domains' manifests, by key."""
    return _index(manifests())


@functools.lru_cache(maxsize=1)
def _index(found: tuple[DomainManifest, ...]) -> dict[str, SubjectType]:
    index: dict[str, SubjectType] = {}
    for manifest in found:
        for declared in manifest.workflow_subjects:
            if not isinstance(declared, SubjectType):
                raise ImproperlyConfigured(
                    f"{manifest.label}: workflow_subjects holds {declared!r}; use subject_type()"
                )
            if declared.key in index:
                raise ImproperlyConfigured(f"workflow subject {declared.key!r} declared twice")
            index[declared.key] = declared
    return index


def get_subject_type(key: str) -> SubjectType | None:
    return subject_index().get(key)


def subject_types() -> list[SubjectType]:
    """Declared subject types, by label."""
    return sorted(subject_index().values(), key=lambda s: s.label)


def field_value(subject: Any, path: str) -> Any:
    """The value at a dotted path (`department.code`); None when any link is missing."""
    value = subject
    for part in path.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value() if callable(value) else value


def condition_values(subject: Any) -> dict[str, Any]:
    """The registered condition fields of a subject and their current values."""
    subject_type = get_subject_type(subject_key(subject))
    fields = subject_type.fields_for_conditions if subject_type else ()
    return {name: field_value(subject, name) for name in fields}


def subject_url(subject: Any) -> str:
    """The subject's own page in its domain (e.g. the assistant's inquiry page), or ''."""
    subject_type = get_subject_type(subject_key(subject))
    if subject_type is None or subject_type.url is None:
        return ""
    return subject_type.url(subject)


def subject_describe(subject: Any) -> list[tuple[str, str]]:
    """(label, value) pairs to show a subject on the request page."""
    subject_type = get_subject_type(subject_key(subject))
    if subject_type is not None and subject_type.describe is not None:
        return subject_type.describe(subject)
    return [
        (name, "" if value is None else str(value))
        for name, value in condition_values(subject).items()
    ]
