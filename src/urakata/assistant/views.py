"""Assistant pages: chat, knowledge, inquiries, review queue, minutes, tasks, usage (thin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.assistant import selectors, services
from urakata.assistant.models import Desk, Inquiry, KnowledgeSource, ReviewItem
from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.files import upload_size_problem
from urakata.core.permissions import can, require

PAGE_SIZE = 50


def _guard(view: Any) -> Any:
    """Login required; domain errors become their 4xx page (core.error_pages middleware)."""
    return login_required(view)


# ---------------------------------------------------------------- chat


@_guard
def chat(request: HttpRequest) -> HttpResponse:
    """質問する: ask the knowledge base; "not found" offers escalation to the desk."""
    require(request.user, "assistant.ask")
    recent = selectors.inquiry_list(actor=request.user, mine=True)[:5]
    return render(
        request,
        "assistant/chat.html",
        {"recent_inquiries": recent, "desks": Desk.choices},
    )


@_guard
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    """The answer partial (HTMX) or the chat page with the answer."""
    question = request.POST.get("question", "")
    context: dict[str, Any] = {"question": question, "desks": Desk.choices}
    try:
        context["result"] = services.assistant_ask(actor=request.user, question=question)
    except (ValidationFailed, Conflict) as error:
        context["error"] = error
    template = "assistant/partials/_answer.html" if request.htmx else "assistant/chat.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@_guard
@require_POST
def escalate(request: HttpRequest) -> HttpResponse:
    """One-click escalation: the question becomes an inquiry for the owning desk."""
    try:
        inquiry = services.inquiry_create(
            actor=request.user,
            question=request.POST.get("question", ""),
            desk=request.POST.get("desk", ""),
            confidence=int(request.POST.get("confidence") or 0)
            if (request.POST.get("confidence") or "0").isdigit()
            else 0,
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
        return redirect("assistant:chat")
    messages.success(
        request,
        _("%(desk)sに問い合わせました。回答はこの画面と問い合わせ一覧に表示されます。")
        % {"desk": inquiry.get_desk_display()},
    )
    return redirect("assistant:inquiry_detail", inquiry_id=inquiry.pk)


# ---------------------------------------------------------------- knowledge


@_guard
def source_list(request: HttpRequest) -> HttpResponse:
    """ナレッジ一覧: the sources the user may read (all of them for knowledge managers)."""
    filters = selectors.SourceFilters(
        q=request.GET.get("q", "").strip(), kind=request.GET.get("kind", "")
    )
    sources = selectors.source_list(actor=request.user, filters=filters)
    return render(
        request,
        "assistant/source_list.html",
        {
            "page_obj": Paginator(sources, PAGE_SIZE).get_page(request.GET.get("page")),
            "filters": filters,
            "kinds": KnowledgeSource.Kind.choices,
            "can_manage": can(request.user, "assistant.manage_knowledge"),
            "querystring": "",
        },
    )


@_guard
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = selectors.source_get(actor=request.user, source_id=source_id)
    return render(
        request,
        "assistant/source_detail.html",
        {"source": source, "can_manage": can(request.user, "assistant.manage_knowledge")},
    )


def _source_form_data(request: HttpRequest) -> dict[str, Any]:
    data = {
        k: request.POST.get(k, "") for k in ("kind", "title", "question", "body", "desk", "slug")
    }
    data["audience"] = request.POST.get("audience", "all") or "all"
    return data


@_guard
def source_create(request: HttpRequest) -> HttpResponse:
    """FAQ entries and policy pages written in the app."""
    require(request.user, "assistant.manage_knowledge")
    data: dict[str, Any] = {"kind": request.GET.get("kind", "faq"), "audience": "all"}
    status = 200
    if request.method == "POST":
        data = _source_form_data(request)
        if data["kind"] not in (KnowledgeSource.Kind.FAQ, KnowledgeSource.Kind.POLICY):
            data["kind"] = KnowledgeSource.Kind.FAQ
        try:
            source = services.knowledge_source_create(actor=request.user, data=data)
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
            status = error.status
        else:
            messages.success(request, _("ナレッジを登録しました。"))
            return redirect("assistant:source_detail", source_id=source.pk)
    context = {"data": data, "desks": Desk.choices, "new": True}
    return render(request, "assistant/source_form.html", context, status=status)


@_guard
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    require(request.user, "assistant.manage_knowledge")
    source = selectors.source_get(actor=request.user, source_id=source_id)
    data: dict[str, Any] = {
        "kind": source.kind,
        "title": source.title,
        "question": source.question,
        "body": source.body,
        "desk": source.desk,
        "slug": source.slug,
        "audience": "all"
        if source.audience == KnowledgeSource.Audience.ALL
        else ",".join(a.value for a in source.audiences.all()),
        "is_active": source.is_active,
    }
    status = 200
    if request.method == "POST":
        data = _source_form_data(request)
        data.pop("kind")
        data.pop("slug")
        data["is_active"] = request.POST.get("is_active") == "on"
        try:
            services.knowledge_source_update(actor=request.user, source=source, data=data)
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
            status = error.status
        else:
            messages.success(request, _("ナレッジを更新しました。"))
            return redirect("assistant:source_detail", source_id=source.pk)
        data["kind"] = source.kind
    return render(
        request,
        "assistant/source_form.html",
        {"data": data, "desks": Desk.choices, "new": False, "source": source},
        status=status,
    )


@_guard
def source_upload(request: HttpRequest) -> HttpResponse:
    """Upload PDF / DOCX / Markdown / text / HTML (type and size checked)."""
    require(request.user, "assistant.manage_knowledge")
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("ファイルを選んでください。"))
        elif too_big := upload_size_problem(name=upload.name or "", size=upload.size):
            messages.error(request, too_big)
        else:
            try:
                source = services.knowledge_file_ingest(
                    actor=request.user,
                    name=upload.name or "",
                    data=upload.read(),
                    audience=request.POST.get("audience", "all") or "all",
                    desk=request.POST.get("desk", ""),
                    title=request.POST.get("title", ""),
                )
            except (ValidationFailed, Conflict) as error:
                flash_error(request, error)
                status = error.status
            else:
                messages.success(request, _("ファイルを取り込みました。"))
                return redirect("assistant:source_detail", source_id=source.pk)
    return render(request, "assistant/source_upload.html", {"desks": Desk.choices}, status=status)


# ---------------------------------------------------------------- inquiries


@_guard
def inquiry_list(request: HttpRequest) -> HttpResponse:
    """問い合わせ: the user's own, and the desk's for desk staff."""
    status = request.GET.get("status", "")
    inquiries = selectors.inquiry_list(actor=request.user, status=status)
    return render(
        request,
        "assistant/inquiry_list.html",
        {
            "page_obj": Paginator(inquiries, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": Inquiry.Status.choices,
            "querystring": f"status={status}&" if status else "",
        },
    )


@_guard
def inquiry_detail(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    """One inquiry; whoever it waits for answers here (the answer is proposed as an FAQ entry)
    or closes it without an answer; the asker may withdraw it."""
    inquiry = selectors.inquiry_get(actor=request.user, inquiry_id=inquiry_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.inquiry_close(
                    actor=request.user, inquiry=inquiry, reason=request.POST.get("reason", "")
                )
                done = _("問い合わせを終了しました。")
            else:
                services.inquiry_answer(
                    actor=request.user,
                    inquiry=inquiry,
                    answer=request.POST.get("answer", ""),
                    propose_faq=request.POST.get("propose_faq") == "on",
                )
                done = _("回答しました。")
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
        else:
            messages.success(request, done)
            return redirect("assistant:inquiry_detail", inquiry_id=inquiry.pk)
    return render(
        request,
        "assistant/inquiry_detail.html",
        {
            "inquiry": inquiry,
            "can_answer": selectors.inquiry_can_answer(actor=request.user, inquiry=inquiry),
            "can_close": selectors.inquiry_can_close(actor=request.user, inquiry=inquiry),
            "is_asker": inquiry.asked_by_id == request.user.pk,
        },
    )


# ---------------------------------------------------------------- review


@_guard
def review_list(request: HttpRequest) -> HttpResponse:
    """レビュー待ち: AI output waiting to become shared knowledge."""
    status = request.GET.get("status", ReviewItem.Status.PENDING)
    items = selectors.review_list(actor=request.user, status=status)
    return render(
        request,
        "assistant/review_list.html",
        {
            "page_obj": Paginator(items, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": ReviewItem.Status.choices,
            "querystring": f"status={status}&",
        },
    )


@_guard
def review_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """Approve (possibly edited) or reject one item."""
    item = selectors.review_get(actor=request.user, item_id=item_id)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "reject":
                services.review_reject(
                    actor=request.user, item=item, note=request.POST.get("note", "")
                )
                messages.success(request, _("却下しました。"))
            else:
                services.review_approve(
                    actor=request.user,
                    item=item,
                    title=request.POST.get("title"),
                    question=request.POST.get("question"),
                    body=request.POST.get("body"),
                )
                messages.success(request, _("承認し、ナレッジに追加しました。"))
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
            return redirect("assistant:review_detail", item_id=item.pk)
        return redirect("assistant:review_list")
    return render(request, "assistant/review_detail.html", {"item": item})


# ---------------------------------------------------------------- minutes and tasks


@_guard
def summary_list(request: HttpRequest) -> HttpResponse:
    """議事録: paste or upload a transcript (text, Markdown, WebVTT) to get minutes."""
    require(request.user, "assistant.summarize")
    if request.method == "POST":
        upload = request.FILES.get("file")
        transcript = request.POST.get("transcript", "")
        name = ""
        if upload is not None:
            if too_big := upload_size_problem(name=upload.name or "", size=upload.size):
                messages.error(request, too_big)
                return redirect("assistant:summary_list")
            name = upload.name or ""
            transcript = upload.read().decode("utf-8-sig", errors="replace")
        try:
            meeting_date = dt.date.fromisoformat(request.POST.get("meeting_date", ""))
        except ValueError:
            meeting_date = timezone.localdate()
        try:
            summary = services.meeting_summary_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                meeting_date=meeting_date,
                transcript=transcript,
                name=name,
            )
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
        else:
            return redirect("assistant:summary_detail", summary_id=summary.pk)
    summaries = selectors.summary_list(actor=request.user)
    return render(
        request,
        "assistant/summary_list.html",
        {"summaries": summaries[:100], "today": timezone.localdate()},
    )


@_guard
def summary_detail(request: HttpRequest, summary_id: int) -> HttpResponse:
    """Minutes; action items can become tasks, the minutes can be proposed for sharing."""
    summary = selectors.summary_get(actor=request.user, summary_id=summary_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "share":
                services.minutes_propose_share(actor=request.user, summary=summary)
                messages.success(request, _("共有をレビューに申請しました。"))
            else:
                indexes = [int(i) for i in request.POST.getlist("item") if i.isdigit()]
                tasks = services.tasks_from_action_items(
                    actor=request.user, summary=summary, indexes=indexes
                )
                messages.success(request, _("タスクを%(n)d件作成しました。") % {"n": len(tasks)})
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
        return redirect("assistant:summary_detail", summary_id=summary.pk)
    return render(
        request,
        "assistant/summary_detail.html",
        {"summary": summary, "tasks": summary.tasks.select_related("assignee")},
    )


@_guard
def task_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    tasks = selectors.task_list(actor=request.user, status=status)
    return render(
        request,
        "assistant/task_list.html",
        {
            "page_obj": Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "querystring": f"status={status}&",
        },
    )


@_guard
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(actor=request.user, task_id=task_id)
    try:
        services.task_complete(actor=request.user, task=task)
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("assistant:task_list")


# ---------------------------------------------------------------- usage


@_guard
def usage(request: HttpRequest) -> HttpResponse:
    """AI活用状況: use by department and month, and the review backlog."""
    rows = selectors.usage_by_department(actor=request.user, months=6)
    return render(
        request,
        "assistant/usage.html",
        {
            "rows": rows,
            "features": selectors.usage_by_feature(actor=request.user),
            "backlog": selectors.review_backlog(actor=request.user),
        },
    )


# ---------------------------------------------------------------- configuration (admin)


@_guard
def ai_settings(request: HttpRequest) -> HttpResponse:
    """AI設定: which provider answers, its model and endpoint, thresholds; a connection test."""
    require(request.user, "assistant.configure")
    result = None
    if request.method == "POST":
        result = services.provider_check(actor=request.user)
    return render(
        request,
        "assistant/settings.html",
        {
            "provider": settings.URAKATA_AI_PROVIDER,
            "base_url": settings.OPENAI_BASE_URL,
            "has_key": bool(settings.OPENAI_API_KEY),
            "model": settings.URAKATA_AI_MODEL,
            "embedding_model": settings.URAKATA_AI_EMBEDDING_MODEL,
            "timeout": settings.URAKATA_AI_TIMEOUT,
            "min_confidence": settings.URAKATA_AI_MIN_CONFIDENCE,
            "max_upload": settings.URAKATA_MAX_UPLOAD_BYTES,
            "result": result,
        },
    )
