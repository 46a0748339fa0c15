"""Permission-matrix rows for the DX app: everyone proposes and adds 現場の声; DX managers keep the
inventory and run PoCs; manual drafts are approved by AI operators, DX managers or the owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, Endpoint, MatrixWorld, exactly, expect
from urakata.dx.tests.factories import make_world_rows

EVERYONE = expect(*ALL_ROLES)
MANAGERS = expect(Role.GENERAL_AFFAIRS, Role.EXECUTIVE)
REVIEWERS = expect(Role.AI_OPERATOR, Role.GENERAL_AFFAIRS, Role.EXECUTIVE)
API = "/api/v1/dx"
CSV = "業務コード,業務名,頻度,1回の時間(分),人数\nM-900,名刺発注,毎月,15,1\n".encode()


def _u(template: str) -> Callable[[Any], str]:
    return lambda ctx: template.format(
        process=ctx["dx_process"].pk,
        poc=ctx["dx_poc"].pk,
        draft=ctx["dx_draft"].pk,
        proposal=ctx["dx_proposal"].pk,
        enrollment=ctx["dx_enrollment"].pk,
    )


def _csv(ctx: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("inventory.csv", CSV, "text/csv")}


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    return make_world_rows(
        actor=world.users["admin"], learner=world.users["employee"], recipient=make_user()
    )


PROCESS = {"code": "M-901", "name": "経費精算", "frequency": "monthly", "minutes": 30, "people": 2}
POC = lambda ctx: {  # noqa: E731 - a payload factory
    "process_id": ctx["dx_process"].pk,
    "title": "試行",
    "request_type": "workflow.ringi",
    "baseline_from": "2025-01-01",
    "baseline_to": "2025-03-31",
    "trial_from": "2025-04-01",
    "trial_to": "2025-06-30",
}
PAGE_POC = lambda ctx: {  # noqa: E731 - a payload factory
    "process": ctx["dx_process"].pk,
    "title": "試行",
    "request_type": "workflow.ringi",
    "baseline_from": "2025-01-01",
    "baseline_to": "2025-03-31",
    "trial_from": "2025-04-01",
    "trial_to": "2025-06-30",
}
KPIS = f"{API}/kpis?request_type=workflow.ringi&date_from=2025-01-01&date_to=2025-12-31"

ENDPOINTS = [
    # API
    Endpoint("dx-api-processes", "GET", f"{API}/processes", EVERYONE),
    Endpoint("dx-api-process-create", "POST", f"{API}/processes", MANAGERS, payload=PROCESS),
    Endpoint("dx-api-process", "GET", _u(API + "/processes/{process}"), EVERYONE),
    Endpoint(
        "dx-api-process-update", "PUT", _u(API + "/processes/{process}"), MANAGERS, payload=PROCESS
    ),
    Endpoint(
        "dx-api-process-score",
        "POST",
        _u(API + "/processes/{process}/score"),
        MANAGERS,
        payload={"impact": 3, "frequency_score": 4, "room": 5, "is_candidate": True},
    ),
    Endpoint(
        "dx-api-suggested", "GET", _u(API + "/processes/{process}/suggested-scores"), EVERYONE
    ),
    Endpoint(
        "dx-api-voice",
        "POST",
        _u(API + "/processes/{process}/voices"),
        EVERYONE,
        payload={"text": "紙が多い"},
    ),
    Endpoint("dx-api-priority", "GET", f"{API}/priority", EVERYONE),
    Endpoint("dx-api-kpis", "GET", KPIS, EVERYONE),
    Endpoint("dx-api-measures", "GET", f"{API}/measures", EVERYONE),
    Endpoint("dx-api-pocs", "GET", f"{API}/pocs", EVERYONE),
    Endpoint("dx-api-poc-create", "POST", f"{API}/pocs", MANAGERS, payload=POC),
    Endpoint("dx-api-poc-results", "GET", _u(API + "/pocs/{poc}/results"), EVERYONE),
    Endpoint(
        "dx-api-poc-decide",
        "POST",
        _u(API + "/pocs/{poc}/decide"),
        MANAGERS,
        payload={"decision": "stopped", "reason": "効果なし"},
    ),
    Endpoint("dx-api-drafts", "GET", f"{API}/drafts", EVERYONE),
    Endpoint(
        "dx-api-draft-review",
        "POST",
        _u(API + "/drafts/{draft}/review"),
        REVIEWERS,
        payload={"decision": "approve"},
    ),
    Endpoint("dx-api-proposals", "GET", f"{API}/proposals", EVERYONE),
    Endpoint(
        "dx-api-proposal-submit",
        "POST",
        f"{API}/proposals",
        EVERYONE,
        payload={"problem": "転記が多い", "idea": "CSV取込"},
    ),
    Endpoint(
        "dx-api-proposal-advance",
        "POST",
        _u(API + "/proposals/{proposal}/advance"),
        MANAGERS,
        payload={"status": "reviewing"},
    ),
    Endpoint(
        "dx-api-thanks",
        "POST",
        f"{API}/thanks",
        EVERYONE,
        payload=lambda ctx: {"recipient": ctx["dx_recipient"].username, "message": "ありがとう"},
    ),
    Endpoint("dx-api-dashboard", "GET", f"{API}/dashboard", EVERYONE),
    Endpoint("dx-api-dashboard-figure", "GET", f"{API}/dashboard/adoption_rate", EVERYONE),
    Endpoint("dx-api-courses", "GET", f"{API}/courses", EVERYONE),
    Endpoint(
        "dx-api-enrollment-complete",
        "POST",
        _u(API + "/enrollments/{enrollment}/complete"),
        exactly("employee"),
        payload={"answers": [0]},
    ),
    # Pages
    Endpoint("dx-page-dashboard", "GET", "/dx/", EVERYONE),
    Endpoint("dx-page-measures", "GET", "/dx/measures/?from=2025-04-01&to=2025-06-30", EVERYONE),
    Endpoint("dx-page-processes", "GET", "/dx/processes/", EVERYONE),
    Endpoint(
        "dx-page-process-new",
        "POST",
        "/dx/processes/new/",
        MANAGERS,
        payload=PROCESS,
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-export", "GET", "/dx/processes/export/?format=csv", MANAGERS),
    Endpoint("dx-page-template", "GET", "/dx/processes/template/", MANAGERS),
    Endpoint(
        "dx-page-import",
        "POST",
        "/dx/processes/import/",
        MANAGERS,
        payload=_csv,
        multipart=True,
        redirects=True,
    ),
    Endpoint("dx-page-process", "GET", _u("/dx/processes/{process}/"), EVERYONE),
    Endpoint(
        "dx-page-process-edit",
        "POST",
        _u("/dx/processes/{process}/edit/"),
        MANAGERS,
        payload=PROCESS,
        form=True,
        redirects=True,
    ),
    Endpoint(
        "dx-page-process-score",
        "POST",
        _u("/dx/processes/{process}/score/"),
        MANAGERS,
        payload={"impact": "3", "frequency_score": "3", "room": "3"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "dx-page-voice",
        "POST",
        _u("/dx/processes/{process}/voices/"),
        EVERYONE,
        payload={"text": "押印のために出社"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "dx-page-manual",
        "POST",
        _u("/dx/processes/{process}/manual/"),
        MANAGERS,
        payload={"title": "手順", "body": "## 申請\n新しい手順"},
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-priority", "GET", "/dx/priority/", EVERYONE),
    Endpoint("dx-page-pocs", "GET", "/dx/pocs/", EVERYONE),
    Endpoint(
        "dx-page-poc-new",
        "POST",
        "/dx/pocs/new/",
        MANAGERS,
        payload=PAGE_POC,
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-poc", "GET", _u("/dx/pocs/{poc}/"), EVERYONE),
    Endpoint(
        "dx-page-poc-decide",
        "POST",
        _u("/dx/pocs/{poc}/decide/"),
        MANAGERS,
        payload={"notes_usability": "良い"},
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-drafts", "GET", "/dx/drafts/", EVERYONE),
    Endpoint(
        "dx-page-draft-scan",
        "POST",
        "/dx/drafts/scan/",
        MANAGERS,
        payload={},
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-draft", "GET", _u("/dx/drafts/{draft}/"), EVERYONE),
    Endpoint(
        "dx-page-draft-review",
        "POST",
        _u("/dx/drafts/{draft}/review/"),
        REVIEWERS,
        payload={"decision": "reject"},
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-courses", "GET", "/dx/courses/", EVERYONE),
    Endpoint(
        "dx-page-enrollment-complete",
        "POST",
        _u("/dx/enrollments/{enrollment}/complete/"),
        exactly("employee"),
        payload={"q0": "0"},
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-proposals", "GET", "/dx/proposals/", EVERYONE),
    Endpoint(
        "dx-page-proposal-new",
        "POST",
        "/dx/proposals/new/",
        EVERYONE,
        payload={"problem": "紙", "idea": "電子化"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "dx-page-proposal-advance",
        "POST",
        _u("/dx/proposals/{proposal}/advance/"),
        MANAGERS,
        payload={"status": "reviewing"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "dx-page-thanks",
        "POST",
        "/dx/thanks/",
        EVERYONE,
        payload=lambda ctx: {"recipient": ctx["dx_recipient"].username, "message": "助かりました"},
        form=True,
        redirects=True,
    ),
    Endpoint("dx-page-recognition", "GET", "/dx/recognition/export/", MANAGERS),
]
