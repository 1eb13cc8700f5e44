from django.apps import AppConfig


class RepriseConfig(AppConfig):
    name = "reprise"
    verbose_name = "Reprise de l'existant"

    def ready(self):
        from reprise import tasks  # noqa: F401 - registers the tasks the services send by name
