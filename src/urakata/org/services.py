"""Org write services: every create/update validates all fields, writes, and records an audit event.

A façade: the services live in ``services_employees``, ``services_departments``,
``services_counterparties`` and ``services_company`` (shared checks in ``services_common``);
``from urakata.org import services`` keeps working for every caller.
"""

from __future__ import annotations

from urakata.org.services_common import BANK_FIELDS as BANK_FIELDS
from urakata.org.services_common import COMPANY_FIELDS as COMPANY_FIELDS
from urakata.org.services_common import COUNTERPARTY_FIELDS as COUNTERPARTY_FIELDS
from urakata.org.services_common import DEPARTMENT_FIELDS as DEPARTMENT_FIELDS
from urakata.org.services_common import EMPLOYEE_FIELDS as EMPLOYEE_FIELDS
from urakata.org.services_common import Errors as Errors
from urakata.org.services_company import company_update as company_update
from urakata.org.services_counterparties import counterparty_clean as counterparty_clean
from urakata.org.services_counterparties import counterparty_create as counterparty_create
from urakata.org.services_counterparties import counterparty_update as counterparty_update
from urakata.org.services_departments import department_clean as department_clean
from urakata.org.services_departments import department_create as department_create
from urakata.org.services_departments import department_update as department_update
from urakata.org.services_departments import position_create as position_create
from urakata.org.services_employees import EMPLOYEE_REQUIRED as EMPLOYEE_REQUIRED
from urakata.org.services_employees import employee_clean as employee_clean
from urakata.org.services_employees import employee_create as employee_create
from urakata.org.services_employees import employee_login_build as employee_login_build
from urakata.org.services_employees import employee_role_group as employee_role_group
from urakata.org.services_employees import employee_update as employee_update
from urakata.org.services_employees import login_username as login_username
