"""The permission matrix: every route and API operation × every subject (anonymous, no role, each
role), and a check that no route or operation lacks a row.

The rows live next to each domain (`<app>/tests/matrix_rows.py`: `ENDPOINTS` and `build(world)`);
this module builds one shared world per test module (rolled back at the end) and runs each cell
in its own rolled-back transaction. See docs/adding-a-domain.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from ninja import NinjaAPI, Router

from urakata.api import api
from urakata.assistant.tests import matrix_rows as assistant_rows
from urakata.attendance.tests import matrix_rows as attendance_rows
from urakata.core.testing import (
    ANONYMOUS,
    NO_ROLE,
    Endpoint,
    MatrixContext,
    MatrixWorld,
    api_operations,
    check_endpoint,
    matrix_cases,
    page_routes,
    route_of,
    uncovered,
)
from urakata.documents.tests import matrix_rows as documents_rows
from urakata.dx.tests import matrix_rows as dx_rows
from urakata.expenses.tests import matrix_rows as expenses_rows
from urakata.facilities.tests import matrix_rows as facilities_rows
from urakata.invoicing.tests import matrix_rows as invoicing_rows
from urakata.ledger.tests import matrix_rows as ledger_rows
from urakata.org.tests import matrix_rows as org_rows
from urakata.payments.tests import matrix_rows as payments_rows
from urakata.payroll.tests import matrix_rows as payroll_rows
from urakata.web.tests import matrix_rows as web_rows
from urakata.workflow.tests import matrix_rows as workflow_rows

DOMAINS = (
    org_rows,
    web_rows,
    ledger_rows,
    workflow_rows,
    assistant_rows,
    documents_rows,
    payments_rows,
    attendance_rows,
    expenses_rows,
    invoicing_rows,
    payroll_rows,
    facilities_rows,
    dx_rows,
)
ENDPOINTS: list[Endpoint] = [endpoint for domain in DOMAINS for endpoint in domain.ENDPOINTS]

# The cells run per domain (`<app>/tests/test_permission_matrix.py`, so parallel workers share
# them out); this module runs the web rows and the checks over all of them.
pytestmark = pytest.mark.usefixtures("matrix_media_root")


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "subject"), matrix_cases(web_rows.ENDPOINTS))
def test_permission_matrix(endpoint: Endpoint, subject: str, world: MatrixWorld) -> None:
    check_endpoint(endpoint, subject, world=world)


@pytest.mark.django_db
def test_every_route_and_operation_has_a_row(world: MatrixWorld) -> None:
    """A route or API operation added without a row in the matrix fails here."""
    ctx = MatrixContext(world.objects, None)
    keys = set()
    for endpoint in ENDPOINTS:
        url = endpoint.url(ctx) if callable(endpoint.url) else endpoint.url
        keys.add(route_of(endpoint.method, url))
    assert uncovered(keys, routes=page_routes(), operations=api_operations(api)) == []


def test_a_new_route_without_a_row_fails_the_coverage_check() -> None:
    """Rows for every route of today's project, then one page and one API operation more."""
    operations = api_operations(api)
    rows = page_routes() | operations  # as if the matrix had a row for each
    assert uncovered(rows, routes=page_routes(), operations=operations) == []
    with_new_page = page_routes(urlconf="urakata.web.tests.matrix_urls_plus")
    assert uncovered(rows, routes=with_new_page, operations=operations) == ["/new-feature/"]

    extra = NinjaAPI(urls_namespace="matrix-extra")
    router = Router()

    @router.post("/gadgets/{gadget_id}/polish")
    def polish(request: Any, gadget_id: int) -> dict[str, int]:
        return {"id": gadget_id}

    extra.add_router("/", router)
    more = operations | api_operations(extra, path_prefix="/api/v1/")
    missing = uncovered(rows, routes=page_routes(), operations=more)
    assert missing == ["POST /api/v1/gadgets/{gadget_id}/polish"]
    assert route_of("GET", "/api/v1/employees/7") == "GET /api/v1/employees/{employee_id}"
    assert route_of("POST", "/org/employees/new/") == "/org/employees/new/"


def test_every_subject_is_covered() -> None:
    """The matrix names anonymous and a role-less user besides each role."""
    assert all({ANONYMOUS, NO_ROLE} <= set(endpoint.expected) for endpoint in ENDPOINTS)
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert len(names) == len(ENDPOINTS), "row names must be unique"
