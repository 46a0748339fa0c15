"""The permission matrix rows of the DX app (`matrix_rows.py`), every subject each; the world is the
root conftest's `world` and the coverage checks are in `web/tests/test_permission_matrix.py`."""

from __future__ import annotations

import pytest

from urakata.core.testing import Endpoint, MatrixWorld, check_endpoint, matrix_cases
from urakata.dx.tests.matrix_rows import ENDPOINTS

pytestmark = pytest.mark.usefixtures("matrix_media_root")


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "subject"), matrix_cases(ENDPOINTS))
def test_permission_matrix(endpoint: Endpoint, subject: str, world: MatrixWorld) -> None:
    check_endpoint(endpoint, subject, world=world)
