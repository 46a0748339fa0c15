"""What the shared kernel itself contributes: its capabilities and periodic jobs."""

from __future__ import annotations

from urakata.core.domains import DefaultJob, DomainManifest
from urakata.core.files import stored_files_verify
from urakata.core.roles import Role

MANIFEST = DomainManifest(
    label="core",
    order=0,
    capabilities={
        "core.view_audit": (Role.AUDITOR,),
        "core.manage_tokens": tuple(Role),
        # Lift login lock-outs, see other users' security state: administrators only.
        "core.manage_logins": (),
        # Revoke or issue tokens for other users: administrators only.
        "core.manage_all_tokens": (),
        # Grant and withdraw roles (ロール付与): administrators only.
        "core.manage_roles": (),
    },
    # Every stored file (添付・証憑) is re-hashed against the SHA-256 it was stored under.
    audit_verifiers={"files": stored_files_verify},
    periodic_jobs=(
        # 02:30 JST nightly: recompute the audit chain and record the outcome (改ざん検知).
        DefaultJob("core.audit_verify", "urakata.core.tasks.audit_verify_task", "30 2 * * *"),
        # Sundays 03:00 JST: delete finished task results older than 30 days.
        DefaultJob(
            "core.task_results_prune", "urakata.core.tasks.task_results_prune_task", "0 3 * * 0"
        ),
    ),
)
