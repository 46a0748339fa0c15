"""Minutes and tasks: summaries of transcripts, action items assigned to employees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.assistant.calls import ai_run
from urakata.assistant.models import AssistantTask, MeetingSummary
from urakata.assistant.providers import Provider
from urakata.assistant.summarize import NameIndex, extract_minutes, parse_transcript
from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee


def minutes_generate(
    *,
    actor: Any,
    transcript: str,
    name: str = "",
    meeting_date: dt.date | None = None,
    provider: Provider | None = None,
) -> dict[str, Any]:
    """Summary, decisions and action items (owner matched to employees, due date) of a transcript."""
    require(actor, "assistant.summarize")
    utterances = parse_transcript(transcript or "", name=name)
    if not utterances:
        raise ValidationFailed(
            _("文字起こしが空です。"), errors={"transcript": [_("発言が見つかりません。")]}
        )
    meeting_date = meeting_date or timezone.localdate()
    names = NameIndex.from_db()
    plain = "\n".join(f"{u.speaker}: {u.text}" if u.speaker else u.text for u in utterances)
    extracted = extract_minutes(utterances, meeting_date=meeting_date, names=names)
    body_only = "\n".join(u.text for u in utterances)
    completion = ai_run(
        user=actor,
        feature="minutes",
        provider=provider,
        call=lambda p: p.summarize(text=body_only if p.name == "local" else plain, max_sentences=4),
    )
    warnings: list[str] = []
    if not any(u.speaker for u in utterances):
        warnings.append(
            _(
                "発言者の名前がありません(「氏名: 発言」の形式ではありません)。"
                "担当者は本文中の名前からだけ推定しました。確認してください。"
            )
        )
    unconfirmed = sum(bool(a["owner_candidates"]) for a in extracted["action_items"])
    if unconfirmed:
        warnings.append(
            _("同じ姓の従業員が複数いるため、担当者を確定できない項目が %(count)s 件あります。")
            % {"count": unconfirmed}
        )
    return {
        "summary": completion.text,
        "decisions": extracted["decisions"],
        "action_items": extracted["action_items"],
        "warnings": warnings,
        "provider": completion.provider,
        "note": completion.note,
    }


def meeting_summary_create(
    *, actor: Any, title: str, meeting_date: dt.date, transcript: str, name: str = ""
) -> MeetingSummary:
    """Generate and keep minutes for a transcript."""
    if not (title or "").strip():
        raise ValidationFailed(_("会議名を入力してください。"), errors={"title": [_("必須です。")]})
    result = minutes_generate(
        actor=actor, transcript=transcript, name=name, meeting_date=meeting_date
    )
    with transaction.atomic():
        summary = MeetingSummary.objects.create(
            title=title.strip()[:200],
            meeting_date=meeting_date,
            transcript=transcript,
            summary=result["summary"],
            decisions=result["decisions"],
            action_items=result["action_items"],
            provider=result["provider"],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="assistant.minutes.create",
            target=summary,
            changes={"decisions": len(result["decisions"]), "actions": len(result["action_items"])},
        )
    return summary


def tasks_from_action_items(
    *, actor: Any, summary: MeetingSummary, indexes: list[int] | None = None
) -> list[AssistantTask]:
    """Turn action items of a summary into tasks assigned to their owners."""
    require(actor, "assistant.summarize")
    items = summary.action_items or []
    chosen = range(len(items)) if indexes is None else indexes
    errors = [str(i) for i in chosen if not 0 <= i < len(items)]
    if errors:
        raise ValidationFailed(
            _("アクションアイテムの番号が不正です。"), errors={"indexes": [", ".join(errors)]}
        )
    owner_ids = {items[i].get("owner_id") for i in chosen if items[i].get("owner_id")}
    owners = Employee.objects.in_bulk(list(owner_ids))
    tasks: list[AssistantTask] = []
    with transaction.atomic():
        existing = set(summary.tasks.values_list("title", flat=True))
        for i in chosen:
            item = items[i]
            title = str(item.get("text", ""))[:300]
            if title in existing:
                continue
            due = dt.date.fromisoformat(item["due"]) if item.get("due") else None
            tasks.append(
                AssistantTask.objects.create(
                    title=title,
                    assignee=owners.get(item.get("owner_id")),
                    due=due,
                    summary=summary,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        audit_record(
            actor=actor,
            action="assistant.task.create",
            target=summary,
            changes={"tasks": [t.pk for t in tasks]},
        )
    return tasks


def task_complete(*, actor: Any, task: AssistantTask) -> AssistantTask:
    """Mark a task done (assignee, creator, or ai_operator)."""
    with transaction.atomic():
        task = (
            AssistantTask.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=task.pk)
        )
        if task.status == AssistantTask.Status.DONE:
            raise Conflict(_("このタスクは既に完了しています。"))
        task.status = AssistantTask.Status.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=actor,
            action="assistant.task.complete",
            target=task,
            changes={"status": ["open", "done"]},
        )
    return task
