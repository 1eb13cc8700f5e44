from django.apps import AppConfig


class ProjetsConfig(AppConfig):
    name = "projets"
    verbose_name = "Projets"

    def ready(self) -> None:
        from django.core import checks

        from projets.pieces import verifier_reglage
        from projets.recherche import brancher

        brancher()
        checks.register(verifier_reglage, "projets")
