from django.apps import AppConfig


class RapportsConfig(AppConfig):
    name = "rapports"
    verbose_name = "Rapports"

    def ready(self):
        from rapports import (
            receivers,  # noqa: F401 - e-mails on the dossiers' lifecycle
            tasks,  # noqa: F401 - registers the build task the services send
        )
