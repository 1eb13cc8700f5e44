"""The porteur's declarations on a programmed dossier (issue 16): where its works stand.

The payment requests to each funder, which move money, are the ledger's
(`financement.execution`); the progress is the dossier's own, kept here.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from comptes.models import Utilisateur
from projets.droits import ActionDossier, verdict
from projets.models import DeclarationAvancement, EtapeRealisation, Projet
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError


def verifier_action(*, par: Utilisateur, projet: Projet, action: str) -> None:
    """Refuse, by the permission table, an action of the execution the person may not take
    now: 403 for who they are, 409 for the dossier's state."""
    avis = verdict(par, projet, action)
    if not avis.permis:
        raise (EtatIncompatible if avis.etat else ActionNonAutorisee)(avis.motif)


@dataclass(frozen=True)
class AvancementSaisi:
    etape: str
    pourcentage_travaux: int
    date_debut_reelle: date | None = None
    date_fin_prevue: date | None = None
    commentaire: str = ""


def _erreurs(saisie: AvancementSaisi) -> dict[str, list[str]]:
    erreurs: dict[str, list[str]] = {}
    if saisie.etape not in EtapeRealisation.values:
        erreurs["etape"] = ["Choisissez l'étape atteinte dans la liste."]
    if saisie.pourcentage_travaux is None or not 0 <= saisie.pourcentage_travaux <= 100:
        erreurs["pourcentage_travaux"] = ["L'avancement des travaux est un pourcentage de 0 à 100."]
    if (
        saisie.date_debut_reelle
        and saisie.date_fin_prevue
        and saisie.date_fin_prevue < saisie.date_debut_reelle
    ):
        erreurs["date_fin_prevue"] = ["La date de fin prévue précède la date réelle de début."]
    return erreurs


@transaction.atomic
def avancement_declarer(
    *, projet: Projet, par: Utilisateur, saisie: AvancementSaisi
) -> DeclarationAvancement:
    """The porteur (or the secretariat) declares where the works of a programmed or running
    dossier stand: stage reached, % of the works, dates, a comment. Each declaration is kept
    (the journal of the progress, who declared it and when); refused otherwise, nothing
    written (Article 3: the contract « sera mis en œuvre, suivi et évalué »)."""
    projet = Projet.objects.select_for_update().get(pk=projet.pk)
    verifier_action(par=par, projet=projet, action=ActionDossier.DECLARER_AVANCEMENT)
    erreurs = _erreurs(saisie)
    if erreurs:
        raise RegleMetierError(erreurs=erreurs)
    return DeclarationAvancement.objects.create(
        projet=projet,
        etape=saisie.etape,
        pourcentage_travaux=saisie.pourcentage_travaux,
        date_debut_reelle=saisie.date_debut_reelle,
        date_fin_prevue=saisie.date_fin_prevue,
        commentaire=saisie.commentaire.strip(),
        par=par,
    )
