from django.apps import AppConfig


class OutillageConfig(AppConfig):
    """Loading and measuring: the contract loader, the demo accounts and scenario, the volume
    generator and the benchmark. It stands above every app and nothing imports it."""

    name = "outillage"
    verbose_name = "Outillage"
