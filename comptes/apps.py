from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes et organisations"

    def ready(self):
        # Registers the OpenAPI description of the token authentication.
        import comptes.schema  # noqa: F401
