"""What each role sees first after logging in (reads only: each app's selectors do the work,
this module only arranges their answers into the blocks of the page)."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from axes.models import Contrat, Signataire
from axes.selectors import nombre_signataires, signataire_de
from comptes.models import Role, Utilisateur
from financement.selectors import (
    SERIES_EXECUTION,
    avenants_en_approbation,
    enveloppe_du_signataire,
    execution_par_axe,
    execution_par_signataire,
    graphique_taux,
    lignes_sans_engagement,
)
from gouvernance.selectors import (
    grilles_en_retard,
    refus_de_programmation,
    seances_a_venir_du_membre,
    seances_en_retard,
    votes_dus,
)
from projets.models import Projet, Statut
from projets.selectors import (
    depots_en_attente,
    fins_depassees,
    projets_a_instruire,
    projets_recents_de,
)
from socle.graphiques import barres_horizontales
from socle.montants import format_euros
from suivi.fraicheur import lire_ou_calculer
from suivi.selectors import delai_sans_engagement_mois, lignes_en_retard_et_nombre

PROCHAINE_ETAPE = {
    Statut.BROUILLON: "À compléter puis à déposer.",
    Statut.INCOMPLET: "Déclaré incomplet : complétez-le et déposez-le à nouveau.",
    Statut.DEPOSE: "Déposé : en attente de l'instruction.",
    Statut.EN_INSTRUCTION: "En instruction par les services des signataires.",
    Statut.INSTRUIT: "Instruit : en attente d'inscription à un comité.",
    Statut.INSCRIT_ORDRE_DU_JOUR: "Inscrit à l'ordre du jour d'une séance de comité.",
    Statut.RETENU: (
        "Retenu par le comité, pas encore programmé : le secrétariat du CPER programme ses "
        "montants dès que les enveloppes de ses cofinanceurs le permettent, et vous écrit si "
        "le plan de financement doit changer."
    ),
    Statut.AJOURNE: "Ajourné : il reviendra devant un comité.",
    Statut.PROGRAMME: (
        "Programmé : déclarez l'avancement et les dépenses ; demandez l'avance ou les "
        "acomptes à chaque financeur."
    ),
    Statut.EN_COURS: (
        "En cours : déclarez l'avancement et les dépenses ; chaque cofinanceur paie sa part "
        "au vu de votre état des dépenses, puis le solde avec l'état final."
    ),
}
# Where the next step is taken, for the states that have a page of their own.
EN_EXECUTION_PORTEUR = frozenset({Statut.PROGRAMME, Statut.EN_COURS})


@dataclass(frozen=True)
class DossierDuPorteur:
    projet: Projet
    prochaine_etape: str
    # The page where the porteur declares its progress and expenses (issue 16), if any.
    lien_execution: str = ""
    # The page of the step the porteur must take now (re-balance the plan), if any.
    lien_etape: str = ""
    libelle_lien_etape: str = ""


def _etape_du_porteur(projet: Projet, refus_du_registre: dict[int, str]) -> DossierDuPorteur:
    """What the porteur does next: re-balance a plan the committee cut, hear why a retained
    dossier was not programmed, declare progress, or the state's usual next step."""
    execution = (
        reverse("financement:execution", args=[projet.reference])
        if projet.statut in EN_EXECUTION_PORTEUR
        else ""
    )
    if projet.montant_a_reequilibrer > 0:
        return DossierDuPorteur(
            projet,
            f"Le comité a réduit ou refusé la ligne d'un cofinanceur : il manque "
            f"{format_euros(projet.montant_a_reequilibrer)} pour couvrir le coût du projet ; "
            "rééquilibrez le plan de financement (fonds propres, autre financeur ou coût réduit).",
            execution,
            reverse("projets:reequilibrer", args=[projet.reference]),
            "Rééquilibrer le plan",
        )
    if projet.statut == Statut.RETENU and projet.pk in refus_du_registre:
        return DossierDuPorteur(
            projet,
            f"Retenu par le comité mais pas programmé : {refus_du_registre[projet.pk]} Le "
            "secrétariat du CPER vous écrira la suite (nouvel arbitrage des cofinanceurs, "
            "avenant ou plan de financement revu).",
            execution,
        )
    return DossierDuPorteur(projet, PROCHAINE_ETAPE.get(Statut(projet.statut), ""), execution)


@dataclass
class TableauDeBord:
    role: str
    titre: str
    blocs: dict[str, Any] = field(default_factory=dict)

    # Which part of the page to show, as flags for the template (no role spelled there).
    @property
    def vue_agent(self) -> bool:
        return self.role == Role.AGENT

    @property
    def vue_membre(self) -> bool:
        return self.role == Role.MEMBRE_COMITE

    @property
    def vue_porteur(self) -> bool:
        return self.role == Role.PORTEUR

    @property
    def vue_administrateur(self) -> bool:
        return self.role == Role.ADMINISTRATEUR

    @property
    def vue_programme(self) -> bool:
        """The programme's execution: the administrators' view, read-only for readers."""
        return self.role in (Role.ADMINISTRATEUR, Role.LECTEUR)


def _figures_du_signataire(signataire: Signataire, contrat: Contrat) -> dict[str, Any]:
    """The blocks of an agent's dashboard that depend on its signatory only: the envelope,
    its execution by axis, the lines with nothing committed and the late ones."""
    enveloppe = enveloppe_du_signataire(signataire=signataire)
    axes = execution_par_axe(contrat=contrat, signataire=signataire)
    # The oldest 20 late lines and their number, in one query however many are late.
    en_retard, nombre = lignes_en_retard_et_nombre(signataire=signataire, limite=20)
    return {
        "enveloppe": enveloppe,
        "graphique_axes": barres_horizontales(
            [(a.libelle, [a.programme, a.engage, a.paye]) for a in axes],
            series=SERIES_EXECUTION[1:],
            titre=f"Exécution de l’enveloppe {signataire.de_nom} par axe",
            description="Programmé, engagé et payé par axe, en millions d'euros, à l'échelle "
            "de l'enveloppe entière (une barre pleine serait toute l'enveloppe).",
            echelle=enveloppe.montant if enveloppe else None,
        ),
        "sans_engagement": list(lignes_sans_engagement(signataire=signataire)[:10]),
        "en_retard": en_retard,
        "nombre_en_retard": nombre,
    }


def pour_agent(utilisateur: Utilisateur, contrat: Contrat | None = None) -> TableauDeBord:
    signataire = signataire_de(organisation_id=utilisateur.organisation_id)
    tableau = TableauDeBord(Role.AGENT, "Votre tableau de bord")
    a_instruire = projets_a_instruire()
    tableau.blocs["a_instruire"] = list(a_instruire[:10])
    tableau.blocs["nombre_a_instruire"] = a_instruire.count()
    if signataire is not None:
        tableau.blocs["signataire"] = signataire
        du_signataire = (
            contrat
            if contrat is not None and contrat.pk == signataire.contrat_id
            else signataire.contrat
        )
        # The signatory's figures are the same for all its agents: read from the cache while
        # nothing they count changed (the ledger, the dossiers, the schedules: `suivi.fraicheur`).
        tableau.blocs.update(
            lire_ou_calculer(
                "tableau-de-bord-agent",
                f"{signataire.pk}:{timezone.localdate():%Y-%m-%d}",
                lambda: _figures_du_signataire(signataire, du_signataire),
            )
        )
        tableau.blocs["delai_sans_engagement"] = delai_sans_engagement_mois()
        tableau.blocs["grilles_en_retard"] = grilles_en_retard(signataire=signataire)[:20]
        tableau.blocs["delai_grille"] = settings.GOUVERNANCE_INSTRUCTION_DELAI_JOURS
    return tableau


def pour_membre(utilisateur: Utilisateur) -> TableauDeBord:
    tableau = TableauDeBord(Role.MEMBRE_COMITE, "Vos séances")
    tableau.blocs["seances"] = list(seances_a_venir_du_membre(utilisateur=utilisateur)[:10])
    tableau.blocs["votes_dus"] = list(votes_dus(utilisateur=utilisateur)[:20])
    return tableau


def pour_porteur(utilisateur: Utilisateur) -> TableauDeBord:
    tableau = TableauDeBord(Role.PORTEUR, "Vos dossiers")
    projets = list(projets_recents_de(utilisateur=utilisateur)[:50])
    refus = refus_de_programmation(projets=[p for p in projets if p.statut == Statut.RETENU])
    tableau.blocs["projets"] = [_etape_du_porteur(projet, refus) for projet in projets]
    return tableau


def _execution_du_programme(tableau: TableauDeBord, contrat: Contrat) -> TableauDeBord:
    """The programme's execution per signatory (one query: the envelopes' stored totals)."""
    lignes, total = execution_par_signataire(contrat=contrat)
    tableau.blocs["execution"] = lignes
    tableau.blocs["total"] = total
    tableau.blocs["graphique"] = graphique_taux(
        lignes, "Consommation des enveloppes par signataire (% de chaque enveloppe)"
    )
    return tableau


def pour_lecteur(utilisateur: Utilisateur, contrat: Contrat) -> TableauDeBord:
    """A reader sees the programme's execution only (not what is late: the secretariat's)."""
    return _execution_du_programme(TableauDeBord(Role.LECTEUR, "Le programme"), contrat)


def pour_administrateur(utilisateur: Utilisateur, contrat: Contrat) -> TableauDeBord:
    tableau = _execution_du_programme(TableauDeBord(Role.ADMINISTRATEUR, "Le programme"), contrat)
    maintenant = timezone.now()
    delai = timedelta(days=settings.TABLEAU_DE_BORD_DELAI_INSTRUCTION_JOURS)
    tableau.blocs["delai_instruction"] = settings.TABLEAU_DE_BORD_DELAI_INSTRUCTION_JOURS
    tableau.blocs["depots_en_attente"] = list(depots_en_attente(avant=maintenant - delai)[:20])
    tableau.blocs["seances_en_retard"] = list(seances_en_retard(maintenant=maintenant)[:20])
    tableau.blocs["grilles_en_retard"] = grilles_en_retard(maintenant=maintenant)[:30]
    tableau.blocs["delai_grille"] = settings.GOUVERNANCE_INSTRUCTION_DELAI_JOURS
    tableau.blocs["fins_depassees"] = list(fins_depassees(le=timezone.localdate())[:20])
    tableau.blocs["avenants"] = avenants_en_approbation()
    tableau.blocs["nombre_signataires"] = nombre_signataires(contrat=contrat)
    return tableau


def tableau_de_bord(*, utilisateur: Utilisateur, contrat: Contrat) -> TableauDeBord:
    if utilisateur.est_administrateur:
        return pour_administrateur(utilisateur, contrat)
    if utilisateur.role == Role.AGENT:
        return pour_agent(utilisateur, contrat)
    if utilisateur.role == Role.MEMBRE_COMITE:
        return pour_membre(utilisateur)
    if utilisateur.role == Role.PORTEUR:
        return pour_porteur(utilisateur)
    return pour_lecteur(utilisateur, contrat)
