"""The long lists of the follow-up's pages written in Python: the mid-term review's thousand
measure × signatory rows and 200 oldest dormant lines, a forecast page's hundred lines. The
markup is the one the template gave, cell for cell, each text escaped; the template language's
per-variable cost (a lookup, a filter, an escape for each of some 10 000 values) made most of
the review's rendering time."""

from collections.abc import Callable, Iterable
from decimal import Decimal
from html import escape  # what django.utils.html.escape calls, without its lazy-text wrapper
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from socle.adresses import adresse_par_cle
from socle.montants import format_euros, format_taux
from socle.textes import titre_court
from suivi.mi_parcours import LigneMesure
from suivi.selectors import LigneEnRetard

LONGUEUR_TITRE = 60  # the forecast page's titles (the review's measures: 50)


def _memoire(formater: Callable[[Decimal], str]) -> Callable[[Decimal], str]:
    """`formater`, each value formatted once (equal Decimals format alike: both are rounded)."""
    deja: dict[Decimal, str] = {}

    def formate(valeur: Decimal) -> str:
        texte = deja.get(valeur)
        if texte is None:
            texte = deja[valeur] = formater(valeur)
        return texte

    return formate


def rangees_mesures(mesures: Iterable[LigneMesure]) -> SafeString:
    """The rows of the table « Par mesure et par signataire »."""
    titres: dict[str, str] = {}  # nine signatories per measure: each title shortened once
    euros = _memoire(format_euros)  # many cells repeat a figure (0,00 €, 100,0 %)
    pourcent = _memoire(format_taux)
    morceaux = []
    for m in mesures:
        titre = titres.get(m.titre)
        if titre is None:
            titre = titres[m.titre] = escape(titre_court(m.titre, 50))
        maquette = "—" if m.maquette is None else euros(m.maquette)
        morceaux.append(
            f'<tr><td data-label="Mesure">{escape(m.mesure)} {titre}</td>'
            f'<td data-label="Signataire">{escape(m.signataire)}</td>'
            f'<td class="fr-cell--right montant" data-label="Maquette">{maquette}</td>'
            f'<td class="fr-cell--right montant" data-label="Programmé">'
            f"{euros(m.programme)}</td>"
            f'<td class="fr-cell--right montant" data-label="Engagé">{euros(m.engage)}</td>'
            f'<td class="fr-cell--right montant" data-label="Payé">{euros(m.paye)}</td>'
            f'<td class="fr-cell--right" data-label="Engagé / programmé">'
            f"{pourcent(m.taux_engagement)}</td>"
            f'<td class="fr-cell--right" data-label="Payé / programmé">'
            f"{pourcent(m.taux_paiement)}</td></tr>"
        )
    return mark_safe("".join(morceaux))  # noqa: S308 - every text escaped, figures are digits


def rangees_dormants(dormants: Iterable[LigneEnRetard]) -> SafeString:
    """The items of the list « Dossiers dormants »."""
    adresse = adresse_par_cle("financement:ligne")  # reversed once for the whole list
    morceaux = []
    for r in dormants:
        ligne = r.ligne
        morceaux.append(
            f'<li><a href="{escape(adresse(ligne.pk))}">'
            f"{escape(ligne.projet.reference)}</a> — {escape(ligne.signataire.nom)} — "
            f'<span class="montant">{format_euros(ligne.montant_programme)}</span> : '
            f"{escape(r.motif)}</li>"
        )
    return mark_safe("".join(morceaux))  # noqa: S308 - every text escaped, figures are digits


def rangees_echeanciers(
    lignes: Iterable[tuple[Any, ...]],
    echeances: dict[int, list[tuple[int, Decimal, Decimal]]],
) -> SafeString:
    """The rows of a signatory's forecast page, « Lignes programmées et leur échéancier »: a
    page of `lignes_avec_echeancier` rows, their schedules from `echeances_des_lignes`."""
    adresse = adresse_par_cle("suivi:echeancier")
    euros = _memoire(format_euros)  # many schedules repeat a figure (0,00 €)
    morceaux = []
    for pk, programme, engage, reference, titre, mesure in lignes:
        annees = "<br>".join(
            f'{annee} : <span class="montant">{euros(ae)}</span> / '
            f'<span class="montant">{euros(cp)}</span>'
            for annee, ae, cp in echeances.get(pk, ())
        )
        morceaux.append(
            f'<tr><th scope="row"><a href="{escape(adresse(pk))}">'
            f"{escape(reference)}</a> {escape(titre_court(titre, LONGUEUR_TITRE))}</th>"
            f'<td data-label="Mesure">{escape(mesure)}</td>'
            f'<td class="fr-cell--right montant" data-label="Programmé">'
            f"{format_euros(programme)}</td>"
            f'<td class="fr-cell--right montant" data-label="Engagé">'
            f"{format_euros(engage)}</td>"
            f'<td data-label="Échéancier (AE / CP)">{annees or "à établir"}</td></tr>'
        )
    return mark_safe("".join(morceaux))  # noqa: S308 - every text escaped, figures are digits
