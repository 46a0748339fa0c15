"""Import and export of the employee and counterparty masters (CSV / Excel).

Export writes the current filtered list with Japanese headers and records `org.<entity>.export`.
Import is all-or-nothing: every row is checked first (the same `*_clean` rules as the forms, plus
duplicate codes within the file); one bad row and nothing is written, and the caller gets a report
of every problem by row and column. A clean file is written in one transaction with bulk queries
and one audit event per created or changed record.
"""

from urakata.core.tables import (
    Column,
    ExportFile,
    ImportRejected,
    ImportResult,
    RowError,
)
from urakata.org.import_export.counterparties import (
    BANK_COLUMNS,
    COUNTERPARTY_COLUMNS,
    counterparty_export,
    counterparty_import,
)
from urakata.org.import_export.employees import (
    EMPLOYEE_COLUMNS,
    employee_export,
    employee_import,
)

__all__ = [
    "BANK_COLUMNS",
    "COUNTERPARTY_COLUMNS",
    "EMPLOYEE_COLUMNS",
    "Column",
    "ExportFile",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "counterparty_export",
    "counterparty_import",
    "employee_export",
    "employee_import",
]
