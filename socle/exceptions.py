"""Business-rule errors raised by services and mapped once to HTML messages and API codes."""


class RegleMetierError(Exception):
    """A business rule refused the operation; nothing was written.

    `erreurs` maps a field name (or "__all__") to French messages, so that a form can show each
    message next to its field and the API can answer a body keyed by field.
    """

    statut_http = 400

    def __init__(self, message: str | None = None, *, erreurs: dict[str, list[str]] | None = None):
        self.erreurs = dict(erreurs or {})
        if message and not self.erreurs:
            self.erreurs = {"__all__": [message]}
        self.message = message or next(iter(self.erreurs.values()))[0]
        super().__init__(self.message)


class EtatIncompatible(RegleMetierError):
    """The object's state does not allow this action (HTTP 409)."""

    statut_http = 409


class ActionNonAutorisee(RegleMetierError):
    """The person may see the object but not take this action (HTTP 403)."""

    statut_http = 403
