"""The weekly digest (beat, Monday morning): what waits for each agent, by e-mail.

It reads the same selectors as the agent's dashboard, so that the page and the e-mail list the
same lines with nothing committed (`financement.selectors.lignes_sans_engagement`) and the
same grids its signatory is late with (`gouvernance.selectors.grilles_en_retard`), the same
late lines (`suivi.selectors.lignes_en_retard`).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from axes.selectors import signataire_de
from comptes.models import Role, Utilisateur
from financement.models import LigneProgrammee
from financement.selectors import CreditsTendus, credits_presque_consommes, lignes_sans_engagement
from gouvernance.selectors import GrilleEnRetard, grilles_en_retard
from projets.models import Projet
from projets.selectors import dossiers_a_instruire_pour
from socle.notifications import notifier
from suivi.selectors import (
    LigneEnRetard,
    delai_sans_engagement_mois,
    lignes_en_retard,
    nombre_lignes_en_retard,
)

# An e-mail lists the oldest late lines; the dashboard and the signatory's pages give the rest.
LIGNES_EN_RETARD_LISTEES = 50


@dataclass
class Recapitulatif:
    """What waits for the agents of one organisation."""

    deposes: list[Projet]
    en_instruction: list[Projet]
    lignes_sans_engagement: list[LigneProgrammee]
    credits_presque_consommes: list[CreditsTendus]
    grilles_en_retard: list[GrilleEnRetard]
    lignes_en_retard: list[LigneEnRetard]  # the oldest `LIGNES_EN_RETARD_LISTEES`
    nombre_lignes_en_retard: int = 0

    @property
    def vide(self) -> bool:
        return not (
            self.deposes
            or self.grilles_en_retard
            or self.en_instruction
            or self.lignes_sans_engagement
            or self.credits_presque_consommes
            or self.lignes_en_retard
        )


def recapitulatif_pour(
    *, organisation_id: int, annee: int, le: date | None = None
) -> Recapitulatif:
    """What waits for an agent of this organisation (its signatory's dossiers and money)."""
    dossiers = dossiers_a_instruire_pour(organisation_id=organisation_id)
    signataire = signataire_de(organisation_id=organisation_id)
    return Recapitulatif(
        deposes=dossiers.deposes,
        en_instruction=dossiers.en_instruction,
        lignes_sans_engagement=(
            list(lignes_sans_engagement(signataire=signataire)) if signataire else []
        ),
        credits_presque_consommes=(
            credits_presque_consommes(signataire=signataire, annee=annee) if signataire else []
        ),
        grilles_en_retard=grilles_en_retard(signataire=signataire) if signataire else [],
        lignes_en_retard=(
            lignes_en_retard(signataire=signataire, le=le, limite=LIGNES_EN_RETARD_LISTEES)
            if signataire
            else []
        ),
        nombre_lignes_en_retard=(
            nombre_lignes_en_retard(signataire=signataire, le=le) if signataire else 0
        ),
    )


def recapitulatifs_envoyer(*, aujourd_hui: date | None = None) -> int:
    """Weekly (beat): one e-mail per active agent with an address, listing what waits for them;
    nothing is sent to an agent with nothing waiting. Returns the number of e-mails."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    agents = (
        Utilisateur.objects.filter(role=Role.AGENT, is_active=True)
        .exclude(email="")
        .order_by("organisation_id", "pk")
    )
    par_organisation: dict[int, Recapitulatif] = {}
    envoyes = 0
    for agent in agents:
        if agent.organisation_id not in par_organisation:
            par_organisation[agent.organisation_id] = recapitulatif_pour(
                organisation_id=agent.organisation_id, annee=aujourd_hui.year, le=aujourd_hui
            )
        recapitulatif = par_organisation[agent.organisation_id]
        if recapitulatif.vide:
            continue
        notifier(
            destinataires=[agent.email],
            sujet=f"CPER : ce qui vous attend cette semaine ({aujourd_hui:%d/%m/%Y})",
            gabarit="tableau_de_bord/courriels/recapitulatif",
            contexte={
                "agent": agent,
                "recap": recapitulatif,
                "annee": aujourd_hui.year,
                "delai_grille": settings.GOUVERNANCE_INSTRUCTION_DELAI_JOURS,
                "delai_sans_engagement": delai_sans_engagement_mois(),
            },
        )
        envoyes += 1
    return envoyes
