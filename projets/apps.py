from django.apps import AppConfig


class ProjetsConfig(AppConfig):
    name = "projets"
    verbose_name = "Projets"

    def ready(self) -> None:
        from projets.recherche import brancher

        brancher()
