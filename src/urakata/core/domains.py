"""Domain manifests: each app declares in ONE place (`<app>/manifest.py`) what it adds.

    MANIFEST = DomainManifest(
        label="expenses", order=500, depends_on=("org", "workflow"),
        capabilities={"expenses.use": tuple(Role)},
        navigation=(NavEntry(_("経費"), _("経費精算"), "expenses:claim_list", "expenses.use",
                             "💴", position=500),),
        demo_seeder="urakata.expenses.demo.seed",
        api_router="urakata.expenses.api.router", api_prefix="/expenses",
        urls="urakata.expenses.urls", url_prefix="expenses/",
    )

The project discovers the manifests of INSTALLED_APPS (by module path: the kernel imports no
domain package) when the app registry is ready; core's `AppConfig.ready()` loads and checks them,
so a mistake (an unknown dependency, a capability declared twice) stops the process at start-up.
Capabilities, navigation, demo seeding, periodic jobs, audit verifiers, workflow subjects, API
routers, URLs and hooks (extension points a lower domain calls on higher ones) are all read from
here; there is no other registry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import module_has_submodule

from urakata.core.roles import Role

MANIFEST_MODULE = "manifest"  # `<app package>.manifest`, holding `MANIFEST = DomainManifest(...)`


@dataclass(frozen=True)
class NavEntry:
    """One link in the side navigation; shown only to users holding `capability`.

    Entries are sorted by `position` across all domains; a section appears where its first entry
    does (home 0, workflow 100s, org 200s, ledger 300s, assistant 400s, administration 900s).
    """

    section: str | Promise
    label: str | Promise
    url_name: str
    capability: str | None = None
    icon: str = "•"
    position: int = 500
    badge: Callable[[Any], int | None] | None = None  # a count shown next to the label


@dataclass(frozen=True)
class DefaultJob:
    """A periodic job every installation gets; `urakata worker` creates it if missing."""

    name: str
    task_path: str
    cron: str


@dataclass(frozen=True, eq=False)  # hashed by identity: registries cache per manifest set
class DomainManifest:
    """What one domain app contributes to the platform.

    `order` places the domain for demo seeding and for mounting its URLs and API router; it must
    be greater than the order of every domain in `depends_on`. Dotted paths (`demo_seeder`,
    `api_router`, `urls`) are imported only when used, so a manifest stays cheap to load.
    """

    label: str
    order: int
    depends_on: tuple[str, ...] = ()
    capabilities: Mapping[str, tuple[Role, ...]] = field(default_factory=dict)
    navigation: tuple[NavEntry, ...] = ()
    demo_seeder: str | None = None  # "urakata.<app>.demo.seed": seed(*, actor, today, rng)
    periodic_jobs: tuple[DefaultJob, ...] = ()
    audit_verifiers: Mapping[str, Callable[[], list[str]]] = field(default_factory=dict)
    # Opaque to the kernel: `workflow.registry.SubjectType` values, read by the workflow app.
    workflow_subjects: tuple[Any, ...] = ()
    api_router: str | None = None  # "urakata.<app>.api.router" (a ninja Router)
    api_prefix: str = "/"
    urls: str | None = None  # "urakata.<app>.urls" (with `app_name` for its namespace)
    url_prefix: str = ""
    # Extension points a lower domain calls on the domains above it, by name:
    # {"payments.settled": "urakata.expenses.payments.claim_settled"}. The hook's owner (the label
    # before the dot) documents the callable's signature; see `hook_targets`.
    hooks: Mapping[str, str] = field(default_factory=dict)


def _discover() -> list[DomainManifest]:
    found = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, MANIFEST_MODULE):
            continue
        module = import_module(f"{config.name}.{MANIFEST_MODULE}")
        manifest = getattr(module, "MANIFEST", None)
        if not isinstance(manifest, DomainManifest):
            raise ImproperlyConfigured(
                f"{config.name}.{MANIFEST_MODULE} must define MANIFEST = DomainManifest(...)"
            )
        if manifest.label != config.label:
            raise ImproperlyConfigured(
                f"{config.name}.{MANIFEST_MODULE}: label {manifest.label!r} is not the app "
                f"label {config.label!r}"
            )
        found.append(manifest)
    return sorted(found, key=lambda m: (m.order, m.label))


def _check_names(kind: str, manifest: DomainManifest, names: list[str], seen: set[str]) -> None:
    for name in names:
        if not name.startswith(f"{manifest.label}."):
            raise ImproperlyConfigured(
                f"{kind} {name!r} of {manifest.label!r} must start with {manifest.label + '.'!r}"
            )
        if name in seen:
            raise ImproperlyConfigured(f"{kind} {name!r} is declared twice")
        seen.add(name)


def manifests_check(found: list[DomainManifest]) -> None:
    """Raise ImproperlyConfigured for dependencies out of order or names declared twice."""
    order = {m.label: m.order for m in found}
    if len(order) != len(found):
        raise ImproperlyConfigured(f"a domain is declared twice: {[m.label for m in found]}")
    if len(set(order.values())) != len(found):
        raise ImproperlyConfigured(f"two domains share an order: {sorted(order.items())}")
    capabilities: set[str] = set()
    jobs: set[str] = set()
    for manifest in found:
        for dependency in manifest.depends_on:
            if dependency not in order:
                raise ImproperlyConfigured(
                    f"{manifest.label!r} depends on {dependency!r}, which is not installed"
                )
            if order[dependency] >= manifest.order:
                raise ImproperlyConfigured(
                    f"{manifest.label!r} (order {manifest.order}) must come after "
                    f"{dependency!r} (order {order[dependency]})"
                )
        _check_names("capability", manifest, list(manifest.capabilities), capabilities)
        _check_names("periodic job", manifest, [j.name for j in manifest.periodic_jobs], jobs)
        for hook in manifest.hooks:
            if hook.partition(".")[0] not in order:
                raise ImproperlyConfigured(
                    f"{manifest.label!r} registers hook {hook!r} of a domain that is not installed"
                )
    for manifest in found:
        for entry in manifest.navigation:
            if entry.capability is not None and entry.capability not in capabilities:
                raise ImproperlyConfigured(
                    f"navigation entry {entry.url_name!r} needs unknown capability "
                    f"{entry.capability!r}"
                )


@functools.cache
def manifests() -> tuple[DomainManifest, ...]:
    """Every installed domain's manifest, in `order` (checked once, then cached)."""
    found = _discover()
    manifests_check(found)
    return tuple(found)


def capability_table() -> dict[str, tuple[Role, ...]]:
    """Capability name -> roles allowed (admin always holds every capability)."""
    return _capability_table(manifests())


@functools.lru_cache(maxsize=1)
def _capability_table(found: tuple[DomainManifest, ...]) -> dict[str, tuple[Role, ...]]:
    return {name: roles for m in found for name, roles in m.capabilities.items()}


def nav_entries() -> tuple[NavEntry, ...]:
    """All navigation entries, by position (ties keep the domains' order)."""
    return _nav_entries(manifests())


@functools.lru_cache(maxsize=1)
def _nav_entries(found: tuple[DomainManifest, ...]) -> tuple[NavEntry, ...]:
    entries = [entry for m in found for entry in m.navigation]
    return tuple(sorted(entries, key=lambda entry: entry.position))


def default_jobs() -> list[DefaultJob]:
    """The periodic jobs every installation gets, domain by domain."""
    return [job for m in manifests() for job in m.periodic_jobs]


def audit_verifiers() -> dict[str, Callable[[], list[str]]]:
    """Domain integrity checks run by `urakata audit verify` after the chain walk."""
    return {name: check for m in manifests() for name, check in m.audit_verifiers.items()}


def hook_targets(name: str) -> dict[str, Callable[..., Any]]:
    """Domain label -> the callable it registered for hook `name` (e.g. "payments.settled").

    A lower domain calls these instead of importing the domains above it; a hook is named after
    the domain that calls it, which documents the arguments.
    """
    targets: dict[str, Callable[..., Any]] = {}
    for manifest in manifests():
        path = manifest.hooks.get(name)
        if path:
            module_path, _, attribute = path.rpartition(".")
            targets[manifest.label] = getattr(import_module(module_path), attribute)
    return targets


def demo_seeders() -> list[str]:
    """Dotted paths of the demo seeders, in domain order (dependencies first)."""
    return [m.demo_seeder for m in manifests() if m.demo_seeder]


def manifests_reset() -> None:
    """Forget the discovered manifests (after INSTALLED_APPS changed, e.g. in a test)."""
    manifests.cache_clear()
