"""What the ledger's API modules share: the error responses, code fields and operation ids."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from urakata.core.api import API_ERRORS

ERRORS = API_ERRORS

Code = Annotated[str, Field(max_length=10)]


def op_id(name: str) -> str:
    """The OpenAPI operation id the endpoint had when it lived in ``ledger/api.py``.

    django-ninja derives the id from the view's module; the split modules pin it so that
    generated clients keep working.
    """
    return f"urakata_ledger_api_{name}"
