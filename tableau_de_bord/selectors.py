"""What each role sees first after logging in (reads only; each app's selectors do the work)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from axes.models import Signataire
from comptes.models import Role
from financement.models import Avenant, Enveloppe, LigneProgrammee, StatutAvenant
from financement.selectors import (
    SERIES_EXECUTION,
    execution_par_axe,
    execution_par_signataire,
    graphique_taux,
)
from gouvernance.models import EtatSeance, Membre, PointOrdreDuJour, RoleMembre, Seance, Vote
from projets.models import Projet, Statut
from socle.graphiques import barres_horizontales

PROCHAINE_ETAPE = {
    Statut.BROUILLON: "À compléter puis à déposer.",
    Statut.INCOMPLET: "Déclaré incomplet : complétez-le et déposez-le à nouveau.",
    Statut.DEPOSE: "Déposé : en attente de l'instruction.",
    Statut.EN_INSTRUCTION: "En instruction par les services des signataires.",
    Statut.INSTRUIT: "Instruit : en attente d'inscription à un comité.",
    Statut.INSCRIT_ORDRE_DU_JOUR: "Inscrit à l'ordre du jour d'une séance de comité.",
    Statut.RETENU: "Retenu par le comité : en attente de programmation.",
    Statut.AJOURNE: "Ajourné : il reviendra devant un comité.",
    Statut.PROGRAMME: "Programmé : les engagements des financeurs vont suivre.",
    Statut.EN_COURS: "En cours : déclarez l'avancement et les dépenses.",
}


@dataclass
class TableauDeBord:
    role: str
    titre: str
    blocs: dict = field(default_factory=dict)


def pour_agent(utilisateur) -> TableauDeBord:
    signataire = Signataire.objects.filter(organisation_id=utilisateur.organisation_id).first()
    tableau = TableauDeBord(Role.AGENT, "Votre tableau de bord")
    a_instruire = Projet.objects.filter(statut__in=[Statut.DEPOSE, Statut.EN_INSTRUCTION])
    tableau.blocs["a_instruire"] = list(
        a_instruire.select_related("mesure", "maitre_ouvrage").order_by("depose_le")[:10]
    )
    tableau.blocs["nombre_a_instruire"] = a_instruire.count()
    if signataire is not None:
        enveloppe = Enveloppe.objects.select_related("signataire").get(signataire=signataire)
        tableau.blocs["signataire"] = signataire
        tableau.blocs["enveloppe"] = enveloppe
        axes = execution_par_axe(contrat=signataire.contrat, signataire=signataire)
        tableau.blocs["graphique_axes"] = barres_horizontales(
            [(a.libelle[:60], [a.programme, a.engage, a.paye]) for a in axes],
            series=SERIES_EXECUTION[1:],
            titre=f"Exécution de l'enveloppe de {signataire.nom} par axe",
            description="Programmé, engagé et payé par axe, en millions d'euros.",
        )
        tableau.blocs["sans_engagement"] = list(
            LigneProgrammee.objects.filter(signataire=signataire, montant_engage=0)
            .select_related("projet")
            .order_by("programme_le")[:10]
        )
    return tableau


def pour_membre(utilisateur) -> TableauDeBord:
    tableau = TableauDeBord(Role.MEMBRE_COMITE, "Vos séances")
    aujourd_hui = timezone.localdate()
    mandats = Membre.objects.filter(utilisateur=utilisateur, debut__lte=aujourd_hui).exclude(
        fin__lt=aujourd_hui
    )
    tableau.blocs["seances"] = list(
        Seance.objects.filter(
            comite__in=mandats.values("comite"),
            etat__in=[EtatSeance.PLANIFIEE, EtatSeance.OUVERTE],
        )
        .select_related("comite")
        .order_by("date")[:10]
    )
    votants = mandats.filter(
        role__in=[RoleMembre.PRESIDENT, RoleMembre.CO_PRESIDENT, RoleMembre.VOTANT]
    )
    tableau.blocs["votes_dus"] = list(
        PointOrdreDuJour.objects.filter(
            seance__etat=EtatSeance.OUVERTE, seance__comite__in=votants.values("comite")
        )
        .exclude(Exists(Vote.objects.filter(point=OuterRef("pk"), membre__utilisateur=utilisateur)))
        .select_related("seance__comite", "projet")
        .order_by("seance__date", "ordre")[:20]
    )
    return tableau


def pour_porteur(utilisateur) -> TableauDeBord:
    tableau = TableauDeBord(Role.PORTEUR, "Vos dossiers")
    projets = list(
        Projet.objects.visibles_par(utilisateur)
        .select_related("mesure")
        .order_by("-modifie_le")[:50]
    )
    for projet in projets:
        projet.prochaine_etape = PROCHAINE_ETAPE.get(projet.statut, "")
    tableau.blocs["projets"] = projets
    return tableau


def pour_administrateur(utilisateur, contrat) -> TableauDeBord:
    tableau = TableauDeBord(Role.ADMINISTRATEUR, "Le programme")
    lignes, total = execution_par_signataire(contrat=contrat)
    tableau.blocs["execution"] = lignes
    tableau.blocs["total"] = total
    tableau.blocs["graphique"] = graphique_taux(
        lignes, "Consommation des enveloppes par signataire (% de chaque enveloppe)"
    )
    maintenant = timezone.now()
    delai = timedelta(days=settings.TABLEAU_DE_BORD_DELAI_INSTRUCTION_JOURS)
    tableau.blocs["delai_instruction"] = settings.TABLEAU_DE_BORD_DELAI_INSTRUCTION_JOURS
    tableau.blocs["depots_en_attente"] = list(
        Projet.objects.filter(statut=Statut.DEPOSE, depose_le__lt=maintenant - delai)
        .select_related("maitre_ouvrage")
        .order_by("depose_le")[:20]
    )
    tableau.blocs["seances_en_retard"] = list(
        Seance.objects.filter(
            date__lt=maintenant, etat__in=[EtatSeance.PLANIFIEE, EtatSeance.OUVERTE]
        ).select_related("comite")[:20]
    )
    tableau.blocs["fins_depassees"] = list(
        Projet.objects.filter(
            date_fin__lt=timezone.localdate(), statut__in=[Statut.PROGRAMME, Statut.EN_COURS]
        ).order_by("date_fin")[:20]
    )
    tableau.blocs["avenants"] = list(
        Avenant.objects.filter(statut=StatutAvenant.EN_APPROBATION).prefetch_related("approbations")
    )
    return tableau


def tableau_de_bord(*, utilisateur, contrat) -> TableauDeBord:
    if utilisateur.est_administrateur:
        return pour_administrateur(utilisateur, contrat)
    if utilisateur.role == Role.AGENT:
        return pour_agent(utilisateur)
    if utilisateur.role == Role.MEMBRE_COMITE:
        return pour_membre(utilisateur)
    if utilisateur.role == Role.PORTEUR:
        return pour_porteur(utilisateur)
    tableau = pour_administrateur(utilisateur, contrat)
    tableau.role = Role.LECTEUR
    return tableau
