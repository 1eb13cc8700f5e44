from django.apps import AppConfig, apps


class SocleConfig(AppConfig):
    """The shared ground: money formats, errors, files, charts, API plumbing. Imports no
    domain app."""

    name = "socle"
    verbose_name = "Socle commun"

    def ready(self) -> None:
        from socle.validateurs import dates_rfc3339, proteger_les_champs_texte

        proteger_les_champs_texte(apps.get_models())
        dates_rfc3339()
