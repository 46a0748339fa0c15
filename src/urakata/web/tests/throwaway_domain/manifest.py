"""Everything the throw-away domain adds, declared in one place."""

from __future__ import annotations

from urakata.core.domains import DefaultJob, DomainManifest, NavEntry
from urakata.core.roles import Role


def check() -> list[str]:
    """An audit verifier that finds nothing wrong."""
    return []


MANIFEST = DomainManifest(
    label="throwaway_domain",
    order=950,
    depends_on=("core", "web"),
    capabilities={"throwaway_domain.use": (Role.EXECUTIVE,)},
    navigation=(
        NavEntry("試験", "試験ページ", "throwaway_domain:index", "throwaway_domain.use", "🧪", 800),
    ),
    demo_seeder="urakata.web.tests.throwaway_domain.demo.seed",
    periodic_jobs=(
        DefaultJob("throwaway_domain.tick", "urakata.core.tasks.audit_verify_task", "0 4 * * *"),
    ),
    audit_verifiers={"throwaway_domain": check},
    api_router="urakata.web.tests.throwaway_domain.api.router",
    api_prefix="/throwaway",
    urls="urakata.web.tests.throwaway_domain.urls",
    url_prefix="throwaway/",
)
