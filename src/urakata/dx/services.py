"""業務棚卸し writes: processes, priority scores, 現場の声, the DX leader / supporter roster."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record, diff
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.dx.models import Frequency, Process, Supporter, Voice
from urakata.dx.rules import require_edit_process
from urakata.org.models import Department

PROCESS_FIELDS = [
    "code",
    "name",
    "department",
    "owner",
    "description",
    "frequency",
    "count_per_period",
    "minutes",
    "people",
    "siloed",
    "paper",
    "double_entry",
    "transcription",
    "systems",
    "pain_points",
    "request_type",
]
FLAGS = ("siloed", "paper", "double_entry", "transcription")
SCORES = ("impact", "frequency_score", "room")
TEXT_LIMITS = {"code": 20, "name": 100, "systems": 200, "request_type": 100}
TRUE = {"1", "true", "yes", "on", "○", "〇", "◯", "はい", "有", "あり", "y"}
FALSE = {"", "0", "false", "no", "off", "×", "いいえ", "無", "なし", "n", "none"}


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _flag(value: Any, name: str, errors: dict[str, list[str]]) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE:
        return True
    if text not in FALSE:
        _add(errors, name, _("○/×(または 1/0)で入力してください。"))
    return False


def _count(value: Any, name: str, errors: dict[str, list[str]], *, low: int, high: int) -> int:
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or not low <= int(text) <= high:
        _add(
            errors,
            name,
            _("%(low)s〜%(high)s の整数で入力してください。") % {"low": low, "high": high},
        )
        return low
    return int(text)


def _references(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {"department": None, "owner": None}
    department = data.get("department")
    if isinstance(department, Department) or department in (None, ""):
        values["department"] = department or None
    else:
        values["department"] = Department.objects.filter(code=str(department).strip()).first()
        if values["department"] is None:
            _add(
                errors,
                "department",
                _("部署コード「%(code)s」がありません。") % {"code": department},
            )
    owner = data.get("owner")
    users = get_user_model().objects
    if owner in (None, "") or hasattr(owner, "pk"):
        values["owner"] = owner or None
    else:
        values["owner"] = users.filter(username=str(owner).strip()).first()
        if values["owner"] is None:
            _add(errors, "owner", _("ユーザー「%(name)s」がいません。") % {"name": owner})
    return values


def process_clean(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Checked field values of a process from a form, the API or a spreadsheet row."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in ("code", "name", "description", "systems", "pain_points", "request_type"):
        text = str(data.get(name) or "").strip()
        limit = TEXT_LIMITS.get(name)
        if limit and len(text) > limit:
            _add(errors, name, _("%(limit)s 文字以内で入力してください。") % {"limit": limit})
        values[name] = text
    for name in ("code", "name"):
        if not values[name]:
            _add(errors, name, _("必須項目です。"))
    frequency = str(data.get("frequency") or Frequency.MONTHLY)
    if frequency not in Frequency.values:
        _add(errors, "frequency", _("毎日・毎週・毎月・四半期ごと・毎年のいずれかです。"))
    values["frequency"] = frequency
    values["count_per_period"] = _count(
        data.get("count_per_period", 1), "count_per_period", errors, low=1, high=10_000
    )
    values["minutes"] = _count(data.get("minutes", 0), "minutes", errors, low=0, high=100_000)
    values["people"] = _count(data.get("people", 1), "people", errors, low=1, high=100_000)
    for name in FLAGS:
        values[name] = _flag(data.get(name, False), name, errors)
    values.update(_references(data, errors))
    return values, errors


@transaction.atomic
def process_save(*, actor: Any, data: Mapping[str, Any], process: Process | None = None) -> Process:
    """Add a process to the inventory (`dx.manage`) or change one (its owner or `dx.manage`)."""
    if process is None:
        require(actor, "dx.manage")
    else:
        require_edit_process(actor, process)
    values, errors = process_clean(data)
    clash = Process.objects.filter(code=values.get("code", ""))
    if process is not None:
        clash = clash.exclude(pk=process.pk)
    if values.get("code") and clash.exists():
        _add(errors, "code", _("この業務コードは既に使われています。"))
    if errors:
        raise ValidationFailed(_("業務を保存できません。"), errors=errors)
    if process is None:
        process = Process.objects.create(**values)
        changes: dict[str, Any] = {k: [None, getattr(process, k)] for k in ("code", "name")}
        action = "dx.process.create"
    else:
        process = Process.objects.select_for_update().get(pk=process.pk)
        changes = diff(process, PROCESS_FIELDS, values)
        for key, value in values.items():
            setattr(process, key, value)
        process.updated_at = timezone.now()
        process.save()
        action = "dx.process.update"
    audit_record(actor=actor, action=action, target=process, changes=changes)
    return process


def _score(value: Any, name: str, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 5:
        _add(errors, name, _("1〜5 の整数で入力してください。"))
        return None
    return int(text)


def suggested_scores(process: Process) -> dict[str, int]:
    """頻度 from occurrences a year, 影響度 from hours a year, 改善余地 from the flags (1–5)."""
    per_year = process.per_year
    hours = process.hours_per_year
    frequency = 5 if per_year >= 240 else 4 if per_year >= 52 else 3 if per_year >= 12 else 2
    if per_year < 4:
        frequency = 1
    impact = 5 if hours >= 500 else 4 if hours >= 200 else 3 if hours >= 50 else 2
    if hours < 10:
        impact = 1
    room = min(5, 1 + sum(1 for name in FLAGS if getattr(process, name)))
    return {"impact": impact, "frequency_score": frequency, "room": room}


@transaction.atomic
def process_score(*, actor: Any, process: Process, data: Mapping[str, Any]) -> Process:
    """Set 影響度・頻度・改善余地 (1–5 each) and whether the process is a DX candidate."""
    require_edit_process(actor, process)
    errors: dict[str, list[str]] = {}
    scores = {name: _score(data.get(name), name, errors) for name in SCORES}
    if errors:
        raise ValidationFailed(_("スコアは 1〜5 で入力してください。"), errors=errors)
    values: dict[str, Any] = {**scores, "is_candidate": bool(data.get("is_candidate", False))}
    process = Process.objects.select_for_update().get(pk=process.pk)
    changes = diff(process, [*SCORES, "is_candidate"], values)
    for key, value in values.items():
        setattr(process, key, value)
    process.updated_at = timezone.now()
    process.save()
    audit_record(actor=actor, action="dx.process.score", target=process, changes=changes)
    return process


@transaction.atomic
def voice_add(*, actor: Any, process: Process, text: str) -> Voice:
    """現場の声: any employee adds a remark to a process."""
    require(actor, "dx.use")
    text = (text or "").strip()
    if not text:
        message = _("内容を入力してください。")
        raise ValidationFailed(message, errors={"text": [message]})
    if len(text) > 2000:
        message = _("2000 文字以内で入力してください。")
        raise ValidationFailed(message, errors={"text": [message]})
    voice = Voice.objects.create(process=process, author=actor, text=text)
    audit_record(actor=actor, action="dx.voice.add", target=voice, changes={"text": [None, text]})
    return voice


@transaction.atomic
def supporter_add(
    *, actor: Any, user: Any, kind: str, department: Department | None = None, skills: str = ""
) -> Supporter:
    """Put someone on the DX leader / 社内サポーター roster (`dx.manage`)."""
    require(actor, "dx.manage")
    if kind not in Supporter.Kind.values:
        message = _("DXリーダーまたは社内サポーターを選んでください。")
        raise ValidationFailed(message, errors={"kind": [message]})
    supporter, created = Supporter.objects.get_or_create(
        user=user, department=department, kind=kind, defaults={"skills": skills[:200]}
    )
    if created:
        audit_record(
            actor=actor,
            action="dx.supporter.add",
            target=supporter,
            changes={"user": [None, user.pk], "kind": [None, kind]},
        )
    return supporter
