from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


def _installed_apps_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "INSTALLED_APPS":  # a test swapped the apps: discover the manifests again
        from urakata.core.domains import manifests_reset

        manifests_reset()


class CoreConfig(AppConfig):
    name = "urakata.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every installed domain's manifest is discovered and checked now: a mistake in one
        # (an unknown dependency, a capability declared twice) stops the process at start-up.
        from urakata.core.domains import manifests, manifests_reset
        from urakata.core.permissions import sync_rules

        manifests_reset()
        manifests()
        sync_rules()
        setting_changed.connect(_installed_apps_changed, dispatch_uid="urakata.core.manifests")
