from django.apps import AppConfig


class CperConfig(AppConfig):
    name = "cper"
    verbose_name = "Portail CPER"
