from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    verbose_name = "Comptes et organisations"

    def ready(self):
        # Registers the OpenAPI description of the token authentication.
        from django.contrib.auth.signals import user_logged_in

        import comptes.schema  # noqa: F401
        from comptes.double_facteur import decider_a_la_connexion

        user_logged_in.connect(decider_a_la_connexion, dispatch_uid="comptes.second_facteur")
