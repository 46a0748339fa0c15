"""Bounded input types for API schemas: every number, date and text has its limits declared.

Pydantic enforces them before any work is done, and the OpenAPI schema shows them, so a client
generated from the schema sends what the server accepts (and a fuzzer finds no 500s behind them).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

# Amounts are integer yen strictly below 10^15 (1,000 兆円) in absolute value: room for any
# company's books, and far from the 2^63 limit of a BIGINT even when thousands are summed.
YEN_LIMIT = 10**15 - 1
Yen = Annotated[int, Field(ge=-YEN_LIMIT, le=YEN_LIMIT, description="円 (integer yen)")]
NonNegativeYen = Annotated[int, Field(ge=0, le=YEN_LIMIT, description="円 (integer yen, ≥ 0)")]

# Business dates lie in 1900–2100: older or later dates are typing mistakes, and they keep
# month arithmetic and database date functions away from their edges (0001-01-01, 9999-12-31).
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)


def _date_in_range(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(f"date must be between {DATE_MIN} and {DATE_MAX}")
    return value


BusinessDate = Annotated[
    dt.date,
    AfterValidator(_date_in_range),
    Field(
        description="YYYY-MM-DD, 1900-01-01 … 2100-12-31",
        json_schema_extra={"formatMinimum": str(DATE_MIN), "formatMaximum": str(DATE_MAX)},
    ),
]
# A month as YYYY-MM within the same range.
MONTH_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"
Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="YYYY-MM, 1900-01 … 2100-12")]

# Lists: page numbers far beyond any real list are refused rather than turned into huge OFFSETs.
PAGE_MAX = 1_000_000
PageNumber = Annotated[int, Field(ge=1, le=PAGE_MAX)]
PageSize = Annotated[int, Field(ge=1, le=200)]
# Ordering numbers shown to people (sort order, rule priority).
SortOrder = Annotated[int, Field(ge=0, le=1_000_000)]


# Free text without a column limit (TextField) still has one at the door.
LONG_TEXT_MAX = 20_000
LongText = Annotated[str, Field(max_length=LONG_TEXT_MAX)]

# Row ids and years: bounded so a huge number is a 422, not an overflow in the database driver.
ROW_ID_MAX = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=ROW_ID_MAX)]
Year = Annotated[int, Field(ge=DATE_MIN.year, le=DATE_MAX.year, description="1900 … 2100")]
