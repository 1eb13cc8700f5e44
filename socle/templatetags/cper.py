from decimal import Decimal

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseForm, BaseFormSet

from socle import francais, graphiques, montants

register = template.Library()


@register.filter
def euros(valeur: Decimal | None) -> str:
    return montants.format_euros(valeur)


@register.filter
def valeur(nombre: Decimal | None) -> str:
    """An indicator's value: `1 234` when whole, `1 234,50` otherwise."""
    if nombre is None:
        return ""
    entier = Decimal(nombre) == Decimal(nombre).to_integral_value()
    return montants.format_nombre(nombre, 0 if entier else 2)


@register.filter
def meuros(valeur: Decimal | None) -> str:
    return montants.format_meuros(valeur)


@register.filter
def pourcent(valeur: Decimal) -> str:
    return montants.format_taux(valeur)


@register.filter(name="de")
def de(nom: str) -> str:
    """« de l’État », « du Département du Nord » (socle.francais)."""
    return francais.de(str(nom))


@register.filter(name="a")
def a(nom: str) -> str:
    """« à l’État », « au Département du Nord » (socle.francais)."""
    return francais.a(str(nom))


@register.inclusion_tag("components/resume_erreurs.html")
def resume_erreurs(*formulaires: object, titre: str = "") -> dict[str, object]:
    """The DSFR error summary at the top of a refused form: one link per field in error
    (rows of a formset named by their rank), so that nobody hunts for a message 3 000 px
    down; the page's script (static/js/resume_erreurs.js) moves the focus onto it. Errors of
    no single field link to the form's `#erreurs-generales` (components/erreurs_generales.html).
    `titre` replaces « Le formulaire contient n erreurs » where nothing is saved (a log-in)."""
    return {"erreurs": erreurs_du_formulaire(*formulaires), "titre": titre}


def erreurs_du_formulaire(*formulaires: object) -> list[dict[str, str]]:
    erreurs: list[dict[str, str]] = []
    for formulaire in formulaires:
        if isinstance(formulaire, BaseFormSet):
            for rang, form in enumerate(formulaire.forms, start=1):
                erreurs += _erreurs_d_un_formulaire(form, rang)
            for message in formulaire.non_form_errors():
                erreurs.append(
                    {
                        "ancre": f"table-{formulaire.prefix}",
                        "libelle": getattr(formulaire, "libelle", ""),
                        "message": str(message),
                    }
                )
        elif isinstance(formulaire, BaseForm):
            erreurs += _erreurs_d_un_formulaire(formulaire, None)
        elif isinstance(formulaire, list | tuple):
            # Errors a view checked itself (a grid of marks, an attendance sheet): each
            # `{"ancre", "libelle", "message"}` already names the element it links to.
            # A list of forms (one per line of a page) is read like forms given one by one.
            erreurs += [e for e in formulaire if isinstance(e, dict)]
            erreurs += erreurs_du_formulaire(
                *(f for f in formulaire if isinstance(f, BaseForm | BaseFormSet))
            )
    return erreurs


def _erreurs_d_un_formulaire(form: BaseForm, rang: int | None) -> list[dict[str, str]]:
    erreurs: list[dict[str, str]] = []
    if not form.is_bound or not form.errors:
        return []
    for nom, messages in form.errors.items():
        if nom == NON_FIELD_ERRORS:
            for message in messages:
                erreurs.append(
                    {"ancre": "erreurs-generales", "libelle": "", "message": str(message)}
                )
            continue
        if nom not in form.fields:
            continue
        champ = form[nom]
        libelle = str(champ.label).rstrip(" *")
        if rang is not None:
            libelle = f"{libelle} (ligne {rang})"
        for message in messages:
            erreurs.append(
                {"ancre": champ.id_for_label, "libelle": libelle, "message": str(message)}
            )
    return erreurs


SERIES_JAUGE = (
    graphiques.Serie("Programmé", "programme"),
    graphiques.Serie("Engagé", "engage"),
    graphiques.Serie("Payé", "paye"),
)


@register.inclusion_tag("components/jauge.html")
def jauge_enveloppe(enveloppe: object) -> dict[str, object]:
    """Programmé, engagé and payé of an envelope (anything with `montant`, `montant_programme`,
    `montant_engage`, `montant_paye`), each drawn to the envelope's scale with its share."""
    total = getattr(enveloppe, "montant", Decimal(0))
    valeurs = [
        getattr(enveloppe, "montant_programme", Decimal(0)),
        getattr(enveloppe, "montant_engage", Decimal(0)),
        getattr(enveloppe, "montant_paye", Decimal(0)),
    ]
    return {
        "total": total,
        "barres": graphiques.jauge(total, list(zip(SERIES_JAUGE, valeurs, strict=True))),
        "largeur": graphiques.LARGEUR_JAUGE,
    }
