"""Business-rule errors raised by services and mapped once to HTML messages and API codes."""

# The errors of one row of a table (a plan's line): field name → French messages.
ErreursDeRangee = dict[str, list[str]]


class RegleMetierError(Exception):
    """A business rule refused the operation; nothing was written.

    `erreurs` maps a field name (or "__all__") to French messages, so that a form can show each
    message next to its field and the API can answer a body keyed by field. A field made of
    rows (a financing plan's `lignes`) keeps there the messages about the whole table (« le
    plan n'est pas équilibré »), and in `rangees` the errors of each row, by position from 0,
    one entry per row sent (`{}` for a row without error): the API answers them nested like
    DRF's own (`{"lignes": [{}, {"montant": ["…"]}]}`), the form shows each beside its cell.
    """

    statut_http = 400

    def __init__(
        self,
        message: str | None = None,
        *,
        erreurs: dict[str, list[str]] | None = None,
        rangees: dict[str, list[ErreursDeRangee]] | None = None,
    ):
        self.erreurs = dict(erreurs or {})
        self.rangees = {nom: list(lignes) for nom, lignes in (rangees or {}).items() if any(lignes)}
        if message and not self.erreurs and not self.rangees:
            self.erreurs = {"__all__": [message]}
        self.message = message or self._premier_message()
        super().__init__(self.message)

    def _premier_message(self) -> str:
        for textes in self.erreurs.values():
            if textes:
                return textes[0]
        for lignes in self.rangees.values():
            for rang, erreurs in enumerate(lignes, start=1):
                for textes in erreurs.values():
                    if textes:
                        return f"Ligne {rang} : {textes[0][:1].lower()}{textes[0][1:]}"
        return "Saisie refusée : rien n'a été enregistré."


class EtatIncompatible(RegleMetierError):
    """The object's state does not allow this action (HTTP 409)."""

    statut_http = 409


class ActionNonAutorisee(RegleMetierError):
    """The person may see the object but not take this action (HTTP 403)."""

    statut_http = 403
