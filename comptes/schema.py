"""How drf-spectacular describes the token authentication in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JetonAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "comptes.authentification.JetonAuthentication"
    name = "jetonApi"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Jeton personnel créé sur la page « Mon compte » (/compte/) : "
                "`Authorization: Bearer <clé>`. Débit limité par utilisateur."
            ),
        }
