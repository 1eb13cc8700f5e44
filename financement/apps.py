from django.apps import AppConfig


class FinancementConfig(AppConfig):
    name = "financement"
    verbose_name = "Financement"

    def ready(self):
        from financement import receivers  # noqa: F401 - connects the ledger to the lifecycle
