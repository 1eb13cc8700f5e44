from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    name = "territoires"
    verbose_name = "Territoires"

    def ready(self) -> None:
        from territoires.fraicheur import connecter

        connecter()
