"""Core test fixtures."""

from __future__ import annotations

from typing import Any

import pytest

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _database_task_backend(settings: Any) -> None:
    """The queue and scheduler tests need the real database queue, whatever the test default."""
    settings.TASKS = DATABASE_TASKS
