"""Manuals per process: versions, and drafts of changes read from the audit log (マニュアル自動更新).

`manual_drafts_scan` reads the audit events after the last one it read; for a changed approval
route, application form or account it finds the manuals concerned (the processes of that request
type, or whose text names the account), the sections that mention what changed (retrieval over
the manual's `## ` sections), and drafts a new text locally. Nothing is published until a person
(the process owner, an AI operator or a DX manager) approves the draft in the review queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.permissions import require
from urakata.dx.models import Enrollment, Manual, ManualDraft, ManualVersion, Process, ScanMark
from urakata.dx.rules import can_review_manual, require_edit_process
from urakata.workflow.models import RequestForm, Route
from urakata.workflow.notifications import notify

WATCHED = (
    "workflow.route.create",
    "workflow.route.update",
    "workflow.form.save",
    "ledger.account.create",
    "ledger.account.update",
)


@dataclass
class Change:
    """What an audited change means for manuals: a summary, terms to look for, renames."""

    summary: str
    processes: list[Process]
    terms: list[str] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)


def sections(body: str) -> list[tuple[str, str]]:
    """The manual split at `## ` headings: [(heading, text)] (the preamble has heading "")."""
    found: list[tuple[str, list[str]]] = [("", [])]
    for line in body.splitlines():
        if line.startswith("## "):
            found.append((line[3:].strip(), []))
        else:
            found[-1][1].append(line)
    return [(h, "\n".join(lines)) for h, lines in found if h or "".join(lines).strip()]


def _bigrams(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def touched_sections(body: str, terms: Iterable[str]) -> list[str]:
    """Headings of the sections naming a term; else the one most alike (character bigrams)."""
    terms = [t for t in terms if t]
    parts = sections(body)
    named = [h or _("(冒頭)") for h, text in parts if any(t in h + text for t in terms)]
    if named or not parts:
        return named
    wanted = set().union(*(_bigrams(t) for t in terms)) if terms else set()
    heading, _text = max(parts, key=lambda p: len(wanted & _bigrams(p[0] + p[1])))
    return [heading or _("(冒頭)")]


def _step_names(snapshot: dict[str, Any]) -> list[str]:
    return [str(step.get("name", "")) for step in snapshot.get("steps") or []]


def _route_change(event: AuditEvent) -> Change | None:
    route = Route.objects.filter(pk=event.target_id).first()
    if route is None:
        return None
    processes = list(Process.objects.filter(request_type=route.subject_type))
    if event.action == "workflow.route.create":
        names = [s["name"] for s in (event.changes.get("steps") or [None, []])[1] or []]
        summary = _("承認ルート「%(route)s」が追加されました(ステップ: %(steps)s)。") % {
            "route": route.name,
            "steps": " → ".join(names),
        }
        return Change(summary, processes, [route.name, *names])
    before = _step_names(event.changes.get("before") or {})
    after = _step_names(event.changes.get("after") or {})
    # A step in the same place whose old name is gone and whose new name is new: renamed.
    renames = {
        old: new
        for old, new in zip(before, after, strict=False)
        if old != new and old not in after and new not in before
    }
    removed = [n for n in before if n not in after and n not in renames]
    added = [n for n in after if n not in before and n not in renames.values()]
    parts = [_("「%(old)s」を「%(new)s」に変更") % {"old": o, "new": n} for o, n in renames.items()]
    parts += [_("ステップ「%(name)s」を削除") % {"name": n} for n in removed]
    parts += [_("ステップ「%(name)s」を追加") % {"name": n} for n in added]
    if not parts:
        parts = [_("承認者・条件を変更")]
    summary = _("承認ルート「%(route)s」が変更されました: %(what)s。新しい順序: %(steps)s") % {
        "route": route.name,
        "what": "、".join(parts),
        "steps": " → ".join(after),
    }
    return Change(summary, processes, [*before, *added], renames)


def _form_change(event: AuditEvent) -> Change | None:
    form = RequestForm.objects.filter(pk=event.target_id).first()
    if form is None:
        return None
    processes = list(Process.objects.filter(request_type=f"form:{form.code}"))
    changed = ", ".join(sorted(event.changes)) or _("内容")
    summary = _("申請フォーム「%(form)s」が変更されました(%(fields)s)。") % {
        "form": form.name,
        "fields": changed,
    }
    labels = [str(spec.get("label", "")) for spec in form.fields]
    return Change(summary, processes, [form.name, *labels])


def _account_change(event: AuditEvent) -> Change | None:
    changes = event.changes or {}
    name = changes.get("name") or [None, event.target_repr]
    code = changes.get("code") or [None, ""]
    old_name, new_name = (str(v or "") for v in name)
    terms = [t for t in (old_name, new_name, str(code[1] or "")) if t]
    if not terms:
        return None
    manuals = Manual.objects.select_related("process").prefetch_related("versions")
    processes = [
        m.process for m in manuals if m.current and any(t in m.current.body for t in terms)
    ]
    renames = {old_name: new_name} if old_name and new_name and old_name != new_name else {}
    summary = _("勘定科目「%(name)s」が%(verb)sされました(%(fields)s)。") % {
        "name": new_name or old_name,
        "verb": _("登録") if event.action.endswith("create") else _("変更"),
        "fields": ", ".join(sorted(changes)),
    }
    return Change(summary, processes, terms, renames)


def describe(event: AuditEvent) -> Change | None:
    """The manual-relevant meaning of one audited change, or None."""
    if event.action.startswith("workflow.route."):
        return _route_change(event)
    if event.action == "workflow.form.save":
        return _form_change(event)
    return _account_change(event)


def propose(body: str, change: Change, when: str) -> str:
    """The local draft: renames applied, and a dated note under each touched section."""
    text = body
    for old, new in change.renames.items():
        text = text.replace(old, new)
    note = f"> {when} {_('変更')}: {change.summary}"
    touched = set(touched_sections(body, change.terms))
    out: list[str] = []
    placed = False
    for line in text.splitlines():
        out.append(line)
        if line.startswith("## ") and line[3:].strip() in touched:
            out.append(note)
            placed = True
    if not placed:
        out += ["", note]
    return "\n".join(out)


def manual_drafts_scan(*, actor: Any, limit: int = 5000) -> int:
    """Draft manual changes for the audited changes since the last scan; returns drafts made."""
    made = 0
    with transaction.atomic():
        mark, _created = ScanMark.objects.select_for_update().get_or_create(pk=1)
        # Read up to the head as it is now; events appended meanwhile wait for the next scan.
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        events = list(
            AuditEvent.objects.filter(
                seq__gt=mark.last_seq, seq__lte=head, action__in=WATCHED
            ).order_by("seq")[:limit]
        )
        for event in events:
            made += _draft_for(actor=actor, event=event)
        mark.last_seq = events[-1].seq if len(events) == limit else head
        mark.save()
    return made


def _draft_for(*, actor: Any, event: AuditEvent) -> int:
    change = describe(event)
    if change is None:
        return 0
    made = 0
    when = timezone.localtime(event.at).strftime("%Y-%m-%d")
    for process in change.processes:
        manual = Manual.objects.filter(process=process).first()
        current = manual.current if manual else None
        if manual is None or current is None:
            continue
        draft, created = ManualDraft.objects.get_or_create(
            manual=manual,
            source_seq=event.seq,
            defaults={
                "source_action": event.action,
                "summary": change.summary,
                "sections": touched_sections(current.body, change.terms),
                "proposed_body": propose(current.body, change, when),
                "base_number": current.number,
            },
        )
        if created:
            made += 1
            audit_record(
                actor=actor,
                action="dx.manual_draft.create",
                target=draft,
                changes={"source_seq": [None, event.seq], "summary": [None, change.summary]},
            )
            if process.owner is not None:
                notify(
                    users=[process.owner],
                    request=None,
                    kind="dx.manual",
                    message=_("マニュアル「%(title)s」の更新案を確認してください。")
                    % {"title": manual.title},
                )
    return made


def _publish(*, actor: Any, manual: Manual, body: str, note: str) -> ManualVersion:
    current = manual.current
    version = ManualVersion.objects.create(
        manual=manual,
        number=(current.number + 1) if current else 1,
        body=body,
        note=note[:300],
        author=actor if getattr(actor, "pk", None) else None,
    )
    learners = [e.user for e in Enrollment.objects.filter(course__process=manual.process)]
    notify(
        users=learners,
        request=None,
        kind="dx.manual",
        message=_("マニュアル「%(title)s」が第%(number)s版に更新されました。")
        % {"title": manual.title, "number": version.number},
    )
    return version


@transaction.atomic
def manual_save(
    *, actor: Any, process: Process, title: str, body: str, note: str = ""
) -> ManualVersion:
    """Write a new version of a process's manual (its owner or `dx.manage`)."""
    require_edit_process(actor, process)
    body = (body or "").strip()
    title = (title or "").strip() or process.name
    if not body:
        message = _("本文を入力してください。")
        raise ValidationFailed(message, errors={"body": [message]})
    manual, _created = Manual.objects.get_or_create(
        process=process, defaults={"title": title[:200]}
    )
    version = _publish(actor=actor, manual=manual, body=body, note=note or _("手動で更新"))
    audit_record(
        actor=actor,
        action="dx.manual.publish",
        target=version,
        changes={"number": [None, version.number], "note": [None, version.note]},
    )
    return version


@transaction.atomic
def manual_draft_review(
    *, actor: Any, draft: ManualDraft, decision: str, body: str | None = None, note: str = ""
) -> ManualDraft:
    """Approve (publishing the draft, as edited) or reject a drafted manual change."""
    require(actor, "dx.use")
    draft = (
        ManualDraft.objects.select_for_update().select_related("manual__process").get(pk=draft.pk)
    )
    if not can_review_manual(actor, draft.manual.process):
        raise PermissionDenied(
            _("マニュアルの更新案を確認できるのは業務責任者・AI運用担当・DX推進担当です。")
        )
    if draft.status != ManualDraft.Status.PENDING:
        raise Conflict(_("この更新案は確認済みです。"))
    if decision not in ("approve", "reject"):
        message = _("承認または却下を選んでください。")
        raise ValidationFailed(message, errors={"decision": [message]})
    if body is not None and body.strip():
        draft.proposed_body = body.strip()
    draft.status = (
        ManualDraft.Status.APPROVED if decision == "approve" else ManualDraft.Status.REJECTED
    )
    draft.reviewed_by = actor
    draft.reviewed_at = timezone.now()
    draft.review_note = (note or "")[:2000]
    draft.save()
    changes: dict[str, Any] = {"status": [ManualDraft.Status.PENDING.value, draft.status]}
    if decision == "approve":
        version = _publish(
            actor=actor, manual=draft.manual, body=draft.proposed_body, note=draft.summary
        )
        changes["version"] = [None, version.number]
    audit_record(actor=actor, action="dx.manual_draft.review", target=draft, changes=changes)
    return draft
