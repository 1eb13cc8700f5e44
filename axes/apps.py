from django.apps import AppConfig


class AxesConfig(AppConfig):
    name = "axes"
    verbose_name = "Contrat et programme"

    def ready(self) -> None:
        from axes.cache import connecter

        connecter()
