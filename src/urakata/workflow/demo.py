"""Demo workflow: routes for 稟議, 経費精算, 休暇申請, 購買申請 (+ 総務 forms) and ~300 requests
over the past year, played through the real services with realistic timestamps (returns,
rejections, withdrawals, and recent ones still waiting in the inboxes)."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from urakata.org.models import Counterparty, Department, Employee
from urakata.workflow import delegations, services
from urakata.workflow.forms import form_create, form_request_submit, ringi_submit
from urakata.workflow.models import ApprovalRequest, Notification, RequestForm, StepAssignment
from urakata.workflow.notifications import email_muted
from urakata.workflow.routes import route_create

TZ = ZoneInfo("Asia/Tokyo")

FORMS: list[dict[str, Any]] = [
    {
        "code": "expense",
        "name": "経費精算",
        "description": "立替えた経費の精算(経費モジュール導入までの暫定フォーム)",
        "fields": [
            {"name": "purpose", "label": "用途", "type": "text", "required": True},
            {"name": "amount", "label": "金額(円)", "type": "number", "required": True},
            {"name": "spent_on", "label": "支払日", "type": "date", "required": True},
            {
                "name": "category",
                "label": "科目",
                "type": "choice",
                "required": True,
                "choices": ["旅費交通費", "会議費", "交際費", "消耗品費", "通信費"],
            },
            {"name": "receipt", "label": "領収書", "type": "file"},
        ],
    },
    {
        "code": "leave",
        "name": "休暇申請",
        "description": "年次有給休暇・特別休暇の申請",
        "fields": [
            {"name": "reason", "label": "理由", "type": "text"},
            {
                "name": "kind",
                "label": "種別",
                "type": "choice",
                "required": True,
                "choices": ["年次有給休暇", "特別休暇", "慶弔休暇", "半日休暇"],
            },
            {"name": "start", "label": "開始日", "type": "date", "required": True},
            {"name": "end", "label": "終了日", "type": "date", "required": True},
        ],
    },
    {
        "code": "purchase",
        "name": "購買申請",
        "description": "備品・サービスの購入",
        "fields": [
            {"name": "item", "label": "品名", "type": "text", "required": True},
            {"name": "amount", "label": "金額(円)", "type": "number", "required": True},
            {"name": "vendor", "label": "購入先", "type": "text"},
            {"name": "needed_by", "label": "納期", "type": "date"},
        ],
    },
    {
        "code": "meishi",
        "name": "名刺発注",
        "description": "名刺の新規・追加発注",
        "fields": [
            {"name": "name_on_card", "label": "氏名表記", "type": "text", "required": True},
            {
                "name": "count",
                "label": "枚数",
                "type": "choice",
                "required": True,
                "choices": ["100", "200", "300"],
            },
            {
                "name": "english",
                "label": "裏面英語表記",
                "type": "choice",
                "choices": ["あり", "なし"],
            },
        ],
    },
    {
        "code": "address",
        "name": "住所変更届",
        "description": "転居に伴う住所・通勤経路の変更",
        "fields": [
            {"name": "new_address", "label": "新住所", "type": "text", "required": True},
            {"name": "moved_on", "label": "転居日", "type": "date", "required": True},
            {"name": "employee", "label": "対象者", "type": "employee", "required": True},
        ],
    },
    {
        "code": "badge",
        "name": "入館証発行",
        "description": "入館証の新規発行・再発行",
        "fields": [
            {"name": "holder", "label": "利用者名", "type": "text", "required": True},
            {"name": "department", "label": "部署", "type": "department", "required": True},
            {"name": "start", "label": "利用開始日", "type": "date", "required": True},
        ],
    },
]

RINGI_TITLES = [
    ("展示会出展", "新製品の販路開拓のため、東京ビッグサイトの展示会に出展する。"),
    ("業務用PC入替", "保守切れPCを更新し、セキュリティリスクを下げる。"),
    ("基幹システム保守契約更新", "保守契約の年次更新。"),
    ("新卒採用イベント参加", "採用母集団の形成のため合同説明会に参加する。"),
    ("営業車リース契約", "営業部の移動効率化のため車両をリースする。"),
    ("Web広告出稿", "新サービスの認知獲得のため広告を出稿する。"),
    ("オフィスレイアウト変更", "フリーアドレス化に伴う什器の移設。"),
    ("顧問契約締結", "労務相談のため社労士と顧問契約を結ぶ。"),
    ("研修プログラム導入", "管理職向けマネジメント研修を導入する。"),
    ("取引先との共同販促", "共同キャンペーンの費用を折半で負担する。"),
]
EXPENSES = [
    ("客先訪問 交通費", "旅費交通費"),
    ("打合せ飲食", "会議費"),
    ("取引先会食", "交際費"),
    ("文具購入", "消耗品費"),
    ("出張 新幹線", "旅費交通費"),
    ("モバイルルーター", "通信費"),
]
PURCHASES = [
    "モニター",
    "会議用Webカメラ",
    "複合機トナー",
    "ソフトウェアライセンス",
    "書籍",
    "作業用チェア",
]


def _ringi_routes(actor: Any, president: Any) -> None:
    big = [{"field": "amount", "op": ">=", "value": "1000000"}]
    route_create(
        actor=actor,
        data={
            "name": "稟議(標準)",
            "subject_type": "workflow.ringi",
            "priority": 0,
            "remind_after_hours": 48,
            "escalate_after_hours": 120,
            "steps": [
                {"name": "部署長承認", "approvers": [{"kind": "department_manager"}]},
                {
                    "name": "経理部確認",
                    "approvers": [{"kind": "role", "role": "accounting"}],
                    "quorum": "any",
                },
                {
                    "name": "社長決裁",
                    "approvers": [{"kind": "user", "user": president.pk}],
                    "conditions": big,
                },
            ],
        },
    )
    sales = Department.objects.get(code="D500")
    route_create(
        actor=actor,
        data={
            "name": "稟議(営業部)",
            "subject_type": "workflow.ringi",
            "priority": 10,
            "conditions": [{"field": "department.code", "op": "in", "value": "D500,D510,D520"}],
            "steps": [
                {
                    "name": "営業部長承認",
                    "approvers": [{"kind": "department", "department": sales.pk}],
                },
                {
                    "name": "経営企画・経理 合議",
                    "approvers": [
                        {
                            "kind": "department",
                            "department": Department.objects.get(code="D100").pk,
                        },
                        {
                            "kind": "department",
                            "department": Department.objects.get(code="D400").pk,
                        },
                    ],
                    "quorum": "all",
                },
                {
                    "name": "社長決裁",
                    "approvers": [{"kind": "user", "user": president.pk}],
                    "conditions": big,
                },
            ],
        },
    )


def _expense_and_leave_steps() -> list[tuple[str, str, list[dict[str, Any]]]]:
    return [
        (
            "経費精算",
            "expense",
            [
                {"name": "上長承認", "approvers": [{"kind": "manager_up", "levels": 1}]},
                {
                    "name": "部署長承認(10万円以上)",
                    "approvers": [{"kind": "department_manager"}],
                    "conditions": [{"field": "values.amount", "op": ">=", "value": "100000"}],
                },
                {
                    "name": "経理確認",
                    "approvers": [{"kind": "role", "role": "accounting"}],
                    "quorum": "any",
                },
            ],
        ),
        (
            "休暇申請",
            "leave",
            [
                {"name": "上長承認", "approvers": [{"kind": "manager_up", "levels": 1}]},
                {
                    "name": "人事確認",
                    "approvers": [{"kind": "role", "role": "hr"}],
                    "quorum": "any",
                },
            ],
        ),
    ]


def _purchase_and_affairs_steps(president: Any) -> list[tuple[str, str, list[dict[str, Any]]]]:
    return [
        (
            "購買申請",
            "purchase",
            [
                {"name": "部署長承認", "approvers": [{"kind": "department_manager"}]},
                {
                    "name": "総務確認",
                    "approvers": [{"kind": "role", "role": "general_affairs"}],
                    "quorum": "any",
                },
                {
                    "name": "社長決裁(50万円以上)",
                    "approvers": [{"kind": "user", "user": president.pk}],
                    "conditions": [{"field": "values.amount", "op": ">=", "value": "500000"}],
                },
            ],
        ),
        (
            "総務手続",
            "meishi,address,badge",
            [
                {"name": "上長承認", "approvers": [{"kind": "manager_up", "levels": 1}]},
                {
                    "name": "総務受付",
                    "approvers": [{"kind": "role", "role": "general_affairs"}],
                    "quorum": "any",
                },
            ],
        ),
    ]


def _routes(actor: Any, president: Any) -> None:
    _ringi_routes(actor, president)
    by_form = [*_expense_and_leave_steps(), *_purchase_and_affairs_steps(president)]
    for name, codes, steps in by_form:
        route_create(
            actor=actor,
            data={
                "name": name,
                "subject_type": "workflow.formsubmission",
                "conditions": [{"field": "form.code", "op": "in", "value": codes}],
                "steps": steps,
            },
        )


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A time in office hours (09:00–18:30 JST) on a weekday at or after `day`."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    minutes = rng.randint(9 * 60, 18 * 60 + 30)
    return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=TZ)


def _wait(rng: random.Random, median_hours: float) -> dt.timedelta:
    """A log-normal wait: most approvals within hours, a long tail of days."""
    return dt.timedelta(hours=min(24 * 20, rng.lognormvariate(math.log(median_hours), 1.1)))


def _subject_data(
    rng: random.Random, kind: str, employee: Employee, day: dt.date, counterparties: list[Any]
) -> dict[str, Any]:
    if kind == "ringi":
        title, purpose = rng.choice(RINGI_TITLES)
        amount = int(round(rng.lognormvariate(math.log(400_000), 1.0), -3))
        data = {"title": title, "purpose": purpose, "amount": max(10_000, amount)}
        visible = counterparties and employee.user is not None
        if (
            visible
            and Counterparty.objects.visible_to(employee.user).exists()
            and rng.random() < 0.5
        ):
            data["counterparty"] = rng.choice(counterparties).pk
        return data
    if kind == "expense":
        purpose, category = rng.choice(EXPENSES)
        amount = int(round(rng.lognormvariate(math.log(12_000), 1.0), -1))
        return {
            "purpose": purpose,
            "amount": str(max(500, amount)),
            "spent_on": (day - dt.timedelta(days=rng.randint(1, 20))).isoformat(),
            "category": category,
        }
    if kind == "leave":
        start = day + dt.timedelta(days=rng.randint(3, 30))
        return {
            "kind": rng.choice(
                ["年次有給休暇", "年次有給休暇", "年次有給休暇", "特別休暇", "半日休暇"]
            ),
            "start": start.isoformat(),
            "end": (start + dt.timedelta(days=rng.choice([0, 0, 1, 2, 4]))).isoformat(),
            "reason": rng.choice(["私用", "家族行事", "通院", "旅行"]),
        }
    if kind == "purchase":
        amount = int(round(rng.lognormvariate(math.log(60_000), 1.2), -2))
        return {
            "item": rng.choice(PURCHASES),
            "amount": str(max(1_000, amount)),
            "vendor": "アスクル" if amount < 100_000 else "大塚商会",
        }
    if kind == "meishi":
        return {
            "name_on_card": employee.full_name,
            "count": rng.choice(["100", "200"]),
            "english": rng.choice(["あり", "なし"]),
        }
    if kind == "address":
        return {
            "new_address": f"東京都世田谷区桜{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 9)}",
            "moved_on": (day - dt.timedelta(days=rng.randint(1, 10))).isoformat(),
            "employee": str(employee.pk),
        }
    return {
        "holder": employee.full_name,
        "department": str(employee.department_id),
        "start": (day + dt.timedelta(days=7)).isoformat(),
    }


KINDS = [
    ("ringi", 70),
    ("expense", 100),
    ("leave", 60),
    ("purchase", 45),
    ("meishi", 10),
    ("address", 8),
    ("badge", 7),
]


def _play(
    rng: random.Random,
    request: ApprovalRequest,
    start: dt.datetime,
    now: dt.datetime,
    median: float,
) -> None:
    """Walk a submitted request along its route until it is decided or reaches the present."""
    at = start
    returned = False
    while True:
        if request.status != ApprovalRequest.Status.IN_PROGRESS or request.current_step_id is None:
            return
        slots = list(
            StepAssignment.objects.filter(
                step_id=request.current_step_id, status="pending"
            ).select_related("approver")
        )
        actor = rng.choice(slots).approver
        at = at + _wait(rng, median)
        if at >= now:
            return  # still waiting in someone's inbox
        roll = rng.random()
        if not returned and roll < (0.25 if median > 10 else 0.09):
            request = services.request_return(
                actor=actor,
                request_id=request.pk,
                comment=rng.choice(
                    [
                        "金額の根拠を追記してください",
                        "添付資料が不足しています",
                        "日付を確認してください",
                    ]
                ),
                now=at,
            )
            returned = True
            at = at + _wait(rng, 20)
            if at >= now:
                return
            if rng.random() < 0.15:
                services.request_withdraw(
                    actor=request.applicant, request_id=request.pk, comment="取り下げます", now=at
                )
                return
            request = services.request_resubmit(
                actor=request.applicant, request_id=request.pk, comment="修正しました", now=at
            )
        elif roll < (0.28 if median > 10 else 0.13):
            services.request_reject(
                actor=actor,
                request_id=request.pk,
                comment=rng.choice(
                    ["予算の範囲外です", "今期は見送ります", "代替案を検討してください"]
                ),
                now=at,
            )
            return
        else:
            request = services.request_approve(
                actor=actor, request_id=request.pk, comment="", now=at
            )


def seed(*, actor: Any, today: dt.date, rng: random.Random, total: int = 300) -> dict[str, Any]:
    """Routes, forms and ~300 requests over the past 12 months."""
    president = get_user_model().objects.get(username="president")
    admin = get_user_model().objects.get(username="admin")
    _routes(admin, president)
    forms = {spec["code"]: form_create(actor=admin, data=spec) for spec in FORMS}
    employees = list(
        Employee.objects.filter(status=Employee.Status.ACTIVE, user__isnull=False).select_related(
            "user", "department"
        )
    )
    sales_rep = get_user_model().objects.get(username="employee")
    counterparties = list(Counterparty.objects.filter(is_active=True))
    now = timezone.now()
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    with email_muted():
        for index in range(total):
            # older requests are spread over the year; the last 30 are from the past week and
            # partly still waiting, so the inboxes have work in them
            recent = index >= total - max(3, total // 10)
            days_ago = rng.randint(0, 6) if recent else rng.randint(7, 365)
            day = today - dt.timedelta(days=days_ago)
            start = _moment(rng, day)
            if start >= now:
                start = now - dt.timedelta(hours=rng.randint(2, 30))
            employee = rng.choice(employees)
            if index % 12 == 0:
                employee = sales_rep.employee
            kind = rng.choice(kinds)
            data = _subject_data(rng, kind, employee, day, counterparties)
            if kind == "ringi":
                request = ringi_submit(actor=employee.user, data=data, now=start)
            else:
                request = form_request_submit(
                    actor=employee.user, form=forms[kind], data=data, now=start
                )
            _play(rng, request, start, now, 30.0 if recent else 5.0)
    # Old notifications are read; recent ones stay unread.
    Notification.objects.filter(created_at__lt=now - dt.timedelta(days=3)).update(read_at=now)
    manager = get_user_model().objects.get(username="manager")
    deputy = Employee.objects.filter(
        department__code="D500", position__code="P50", user__isnull=False
    ).first()
    if deputy is not None and deputy.user is not None:
        delegations.delegation_create(
            actor=manager,
            delegate=deputy.user,
            start_date=today + dt.timedelta(days=7),
            end_date=today + dt.timedelta(days=11),
            reason="海外出張のため",
        )
    counts = {
        s: ApprovalRequest.objects.filter(status=s).count() for s in ApprovalRequest.Status.values
    }
    return {
        "requests": ApprovalRequest.objects.count(),
        **counts,
        "forms": RequestForm.objects.count(),
    }
