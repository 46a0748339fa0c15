from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "urakata.workflow"
    label = "workflow"
    verbose_name = "ワークフロー"

    def ready(self) -> None:
        # Capabilities and the workflow app's own subjects (稟議, 申請フォーム) are explicit
        # registrations, not signals.
        from urakata.workflow import permissions, subjects

        permissions.register()
        subjects.register()
        from urakata.core.audit import register_verifier
        from urakata.workflow.integrity import workflow_verify

        register_verifier("workflow", workflow_verify)
        # Hourly 督促 and escalation of overdue approvals, run by `urakata worker`'s scheduler.
        from urakata.core.scheduler import DefaultJob, register_default_job

        register_default_job(
            DefaultJob(
                "workflow.remind", "urakata.workflow.tasks.workflow_remind_task", "0 * * * *"
            )
        )
