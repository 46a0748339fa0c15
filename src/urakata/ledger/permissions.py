"""The CLI's system actor, kept importable from here (capabilities are in `manifest.py`)."""

from __future__ import annotations

from urakata.core.permissions import SYSTEM, SystemActor

__all__ = ["SYSTEM", "SystemActor"]
