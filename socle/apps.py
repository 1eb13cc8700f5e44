from django.apps import AppConfig


class SocleConfig(AppConfig):
    """The shared ground: money formats, errors, files, charts, API plumbing. Imports no
    domain app."""

    name = "socle"
    verbose_name = "Socle commun"
