from django.apps import AppConfig


class TableauDeBordConfig(AppConfig):
    """The top floor: pages that read several apps at once (home, each role's dashboard).
    It reads the apps' selectors; no app below imports it."""

    name = "tableau_de_bord"
    verbose_name = "Tableau de bord"
