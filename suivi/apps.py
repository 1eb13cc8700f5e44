from django.apps import AppConfig


class SuiviConfig(AppConfig):
    name = "suivi"
    verbose_name = "Suivi de l'exécution"

    def ready(self) -> None:
        from suivi.fraicheur import connecter

        connecter()
