"""The permission table of `projets.droits` (issue 13), walked exhaustively through the services.

Every (relation to the dossier, state, action) is tried on a real dossier: what the table
allows is not refused for who the person is; what it refuses is refused (403, or 409 when
the state is the reason) and writes nothing — no transition, no history row, no line, no
document, no programmed amount. Each role appears through its relations (a porteur: its own
dossier or another's; an agent: co-funder, no CPER funder yet, another signatory, author of
the draft; the secretariat; a reader; a committee member).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from axes.models import Signataire
from comptes.models import Organisation, Role
from financement.execution import demande_deposer, demande_refuser
from financement.models import DemandePaiement, LigneProgrammee
from financement.services import (
    projet_abandonner,
    projet_programmer,
    projet_reprendre,
    projet_solder,
)
from gouvernance.models import ArbitrageLigne, Comite, Evaluation, PointOrdreDuJour, Seance
from gouvernance.services import arbitrage_enregistrer, evaluation_enregistrer
from projets.droits import (
    ACTIONS_DU_PROPRIETAIRE,
    ACTIONS_SUR_L_ARGENT,
    AGENTS,
    BROUILLONS,
    DROITS,
    PROPRIETAIRES,
    TOUTES_LES_ACTIONS,
    ActionDossier,
    Relation,
    est_operation_du_contrat,
    etats_permis,
    relations,
)
from projets.execution import AvancementSaisi, avancement_declarer, verifier_action
from projets.models import (
    DeclarationAvancement,
    DemandePieces,
    Document,
    EvenementPiece,
    LignePlanFinancement,
    NatureFinancement,
    Projet,
    SourceFinancement,
    Statut,
    TransitionProjet,
)
from projets.reequilibrage import plan_reequilibrer
from projets.services import (
    LigneSaisie,
    document_deposer,
    document_remplacer,
    document_retirer,
    piece_demandee_deposer,
    pieces_demander,
    projet_creer,
    projet_modifier,
    projet_transitionner,
)
from projets.workflow import AVEC_SUIVI_FINANCIER, EN_EXECUTION, TRANSITIONS, Action
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError
from tests.factories.gouvernance import grilles_deja_deposees, notes

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


class _Annuler(Exception):
    """Raised to roll back a successful attempt, so that the next one starts from the same
    dossier."""


def lignes_region_etat(region: Decimal = Decimal("400000.00")) -> list[LigneSaisie]:
    return [
        LigneSaisie(
            region, NatureFinancement.CPER, signataire_id=Signataire.objects.get(code="region").pk
        ),
        LigneSaisie(
            Decimal("350000.00"),
            NatureFinancement.CPER,
            signataire_id=Signataire.objects.get(code="etat").pk,
        ),
        LigneSaisie(
            Decimal("250000.00"),
            NatureFinancement.HORS_CPER,
            source=SourceFinancement.FONDS_PROPRES,
        ),
    ]


def lignes_sans_cper(propres: Decimal = Decimal("1000000.00")) -> list[LigneSaisie]:
    return [
        LigneSaisie(propres, NatureFinancement.HORS_CPER, source=SourceFinancement.FONDS_PROPRES)
    ]


def agent_de(creer_utilisateur, code: str):
    return creer_utilisateur(
        f"agent.{code}",
        role=Role.AGENT,
        organisation=Signataire.objects.get(code=code).organisation,
    )


@dataclass
class Scene:
    projet: Projet
    personne: object
    lignes: list[LigneSaisie]
    lignes_modifiees: list[LigneSaisie]
    cout_modifie: Decimal


def construire(relation: str, creer_utilisateur, porteur, universite, donnees_completes) -> Scene:
    """A dossier and a person standing in `relation` to it."""
    avec_cper = relation != Relation.SANS_FINANCEUR
    lignes = lignes_region_etat() if avec_cper else lignes_sans_cper()
    # « Modifier une ligne »: the Région's line (or the own funds) grows with the cost.
    modifiees = (
        lignes_region_etat(Decimal("500000.00"))
        if avec_cper
        else lignes_sans_cper(Decimal("1100000.00"))
    )
    createur = porteur
    if relation == Relation.AUTEUR:
        # The Aisne's agent types a dossier the Région and the État co-fund.
        createur = agent_de(creer_utilisateur, "aisne")
    projet = projet_creer(
        donnees=donnees_completes(lignes=lignes, maitre_ouvrage=universite), par=createur
    )
    personne = {
        Relation.PORTEUR: porteur,
        Relation.AUTEUR: createur,
        Relation.COFINANCEUR: lambda: agent_de(creer_utilisateur, "region"),
        Relation.SANS_FINANCEUR: lambda: agent_de(creer_utilisateur, "aisne"),
        Relation.AUTRE_SIGNATAIRE: lambda: agent_de(creer_utilisateur, "aisne"),
        Relation.SECRETARIAT: lambda: creer_utilisateur("secretariat", role=Role.ADMINISTRATEUR),
        Relation.LECTEUR: lambda: creer_utilisateur("lecteur", role=Role.LECTEUR),
        Relation.MEMBRE_COMITE: lambda: creer_utilisateur("membre", role=Role.MEMBRE_COMITE),
        Relation.AUCUNE: lambda: creer_utilisateur(
            "porteur.autre",
            role=Role.PORTEUR,
            organisation=Organisation.objects.create(nom="Commune d'ailleurs"),
        ),
    }[relation]
    personne = personne() if callable(personne) else personne
    return Scene(projet, personne, lignes, modifiees, Decimal("1100000.00"))


def tenter(scene: Scene, action: str, donnees_completes) -> None:
    """Take `action` through the service the portal uses for it."""
    projet, par = Projet.objects.get(pk=scene.projet.pk), scene.personne
    if action == Action.PROGRAMMER:
        projet_programmer(projet=projet, par=par)
    elif action == Action.SOLDER:
        projet_solder(projet=projet, par=par, commentaire="Motif")
    elif action == Action.ABANDONNER:
        projet_abandonner(projet=projet, par=par, commentaire="Motif")
    elif action == Action.REPRENDRE:
        # By hand, without the import's mandate: always refused.
        projet_reprendre(projet=projet, par=par, mandat=None)
    elif action == ActionDossier.MODIFIER:
        projet_modifier(
            projet=projet,
            donnees=donnees_completes(
                titre="Titre changé", lignes=scene.lignes, maitre_ouvrage=projet.maitre_ouvrage
            ),
            par=par,
        )
    elif action == ActionDossier.MODIFIER_LIGNE:
        projet_modifier(
            projet=projet,
            donnees=donnees_completes(
                cout_total_ht=scene.cout_modifie,
                lignes=scene.lignes_modifiees,
                maitre_ouvrage=projet.maitre_ouvrage,
            ),
            par=par,
        )
    elif action == ActionDossier.JOINDRE_DOCUMENT:
        document_deposer(projet=projet, fichier=SimpleUploadedFile("devis.pdf", PDF), par=par)
    elif action == ActionDossier.RETIRER_DOCUMENT:
        document_retirer(document=Document.objects.filter(projet=projet).first(), par=par)
    elif action == ActionDossier.REMPLACER_DOCUMENT:
        document_remplacer(
            document=Document.objects.filter(projet=projet).first(),
            fichier=SimpleUploadedFile("plan-v2.pdf", PDF),
            par=par,
        )
    elif action == ActionDossier.DEMANDER_PIECES:
        pieces_demander(projet=projet, types=["deliberation"], message="Motif", par=par)
    elif action == ActionDossier.JOINDRE_PIECE_DEMANDEE:
        # The request `pieces_du_dossier` left open names the devis.
        piece_demandee_deposer(
            projet=projet, fichier=SimpleUploadedFile("devis.pdf", PDF), type_piece="devis", par=par
        )
    elif action == Action.TERMINER_INSTRUCTION:
        projet_transitionner(projet=projet, action=action, par=par, commentaire="Motif")
    elif action == ActionDossier.DECLARER_AVANCEMENT:
        avancement_declarer(
            projet=projet, par=par, saisie=AvancementSaisi(etape="travaux", pourcentage_travaux=40)
        )
    elif action == ActionDossier.DEMANDER_PAIEMENT:
        # The last line (the État's, or the only one) has no request waiting.
        ligne = LigneProgrammee.objects.filter(projet=projet).order_by("pk").last()
        if ligne is None:  # not programmed: the service's first check, the table, refuses
            verifier_action(par=par, projet=projet, action=action)
        demande_deposer(
            ligne=ligne, par=par, type_="avance", montant=Decimal("1000.00"), depenses=[]
        )
    elif action == ActionDossier.INSTRUIRE_PAIEMENT:
        demande = DemandePaiement.objects.filter(ligne__projet=projet, statut="deposee").first()
        if demande is None:
            verifier_action(par=par, projet=projet, action=action)
        demande_refuser(demande=demande, par=par, motif="Motif")
    elif action == ActionDossier.ARBITRER_LIGNE:
        # On an agenda of the programming committee: its own signatory's line, or the first.
        seance = Seance.objects.create(
            comite=Comite.objects.get(code="programmation"),
            date=timezone.now() + timedelta(days=1),
            lieu="Lille",
            cree_par=projet.cree_par,
        )
        point = PointOrdreDuJour.objects.create(seance=seance, projet=projet, ordre=1)
        lignes = projet.lignes_financement.order_by("pk")
        ligne = (
            lignes.filter(signataire__organisation_id=par.organisation_id).first() or lignes.first()
        )
        arbitrage_enregistrer(point=point, ligne=ligne, issue="refusee", motif="Motif", par=par)
    elif action == ActionDossier.REEQUILIBRER:
        # As if the committee had taken 100 000,00 € off the plan: the own funds cover it.
        Projet.objects.filter(pk=projet.pk).update(montant_a_reequilibrer=Decimal("100000.00"))
        propres = sum(
            (lf.montant for lf in projet.lignes_financement.filter(signataire=None)), Decimal(0)
        )
        plan_reequilibrer(
            projet=projet,
            lignes=[
                LigneSaisie(
                    propres, NatureFinancement.HORS_CPER, source=SourceFinancement.FONDS_PROPRES
                )
            ],
            par=par,
        )
    elif action == ActionDossier.REMPLIR_GRILLE:
        # The secretariat files for a co-funder it names; an agent, for its own signatory.
        pour = None if par.role == Role.AGENT else Signataire.objects.get(code="region")
        evaluation_enregistrer(
            projet=projet, par=par, notes=notes(), avis="favorable", signataire=pour
        )
    else:
        projet_transitionner(projet=projet, action=action, par=par, commentaire="Motif")


def empreinte(projet: Projet) -> tuple:
    """Everything an action on the dossier could write."""
    projet = Projet.objects.get(pk=projet.pk)
    return (
        projet.statut,
        projet.titre,
        projet.cout_total_ht,
        TransitionProjet.objects.filter(projet=projet).count(),
        projet.historique.count(),
        LignePlanFinancement.historique.filter(projet_id=projet.pk).count(),
        sorted(
            (str(ligne.montant), ligne.signataire_id) for ligne in projet.lignes_financement.all()
        ),
        sorted(Document.objects.filter(projet=projet).values_list("pk", "nom", "fichier")),
        sorted(DemandePieces.objects.filter(projet=projet).values_list("pk", "close_le")),
        EvenementPiece.objects.filter(projet=projet).count(),
        LigneProgrammee.objects.filter(projet=projet).count(),
        Evaluation.objects.filter(projet=projet).count(),
        DeclarationAvancement.objects.filter(projet=projet).count(),
        sorted(DemandePaiement.objects.filter(ligne__projet=projet).values_list("pk", "statut")),
        ArbitrageLigne.objects.filter(point__projet=projet).count(),
    )


def pieces_du_dossier(projet: Projet, porteur) -> None:
    """A piece to withdraw or replace, and an instructor's request (a devis) left open."""
    Document.objects.create(
        projet=projet,
        type_piece="plan_situation",
        fichier=SimpleUploadedFile("plan.pdf", PDF),
        nom="plan.pdf",
        type_mime="application/pdf",
        taille=len(PDF),
        depose_par=porteur,
    )
    DemandePieces.objects.create(projet=projet, types=["devis"], demande_par=porteur)


def lignes_executables(projet: Projet, porteur) -> None:
    """A dossier the test put straight into an execution state has no programmed line: its
    plan's lines are programmed as the ledger would (the Région's line with a request waiting
    for its instruction); the State's line stays free for a new request."""
    lignes = list(projet.lignes_financement.order_by("pk"))
    cper = [ligne for ligne in lignes if ligne.signataire_id is not None] or lignes[:1]
    region = Signataire.objects.get(code="region")
    for ligne in cper:
        LigneProgrammee.objects.create(
            ligne_plan=ligne,
            projet=projet,
            signataire=ligne.signataire or region,
            noeud=projet.mesure,
            montant_programme=ligne.montant,
            par=porteur,
        )
    DemandePaiement.objects.create(
        ligne=LigneProgrammee.objects.filter(projet=projet).order_by("pk").first(),
        type="avance",
        montant_demande=Decimal("1000.00"),
        deposee_par=porteur,
    )


# Steps the table allows that another rule may still refuse on this test dossier (the
# lifecycle's own checks are exercised in test_workflow): none expected.
AUTRES_REGLES: set[str] = set()

CAS = [(r, s) for r in Relation.values for s in Statut.values]


def test_la_table_couvre_chaque_action_et_ne_depasse_pas_le_cycle_de_vie():
    assert set(DROITS) == set(TOUTES_LES_ACTIONS)
    assert len(TOUTES_LES_ACTIONS) == 27
    for action, par_relation in DROITS.items():
        assert set(par_relation) <= set(Relation.values)
        if action in TRANSITIONS:
            for etats in par_relation.values():
                assert etats <= TRANSITIONS[action].depuis, action
    # The secretariat may do everything anyone may.
    for par_relation in DROITS.values():
        tous = frozenset().union(*par_relation.values()) if par_relation else frozenset()
        assert par_relation.get(Relation.SECRETARIAT, frozenset()) == tous
    # Nobody takes a committee's step, nor the import's, by hand.
    for action in (
        Action.RETENIR,
        Action.REJETER,
        Action.AJOURNER,
        Action.INSCRIRE_ORDRE_DU_JOUR,
        Action.RETIRER_ORDRE_DU_JOUR,
        Action.REPRENDRE,
    ):
        assert DROITS[action] == {}


@pytest.mark.parametrize(("relation", "statut"), CAS, ids=[f"{r}-{s}" for r, s in CAS])
def test_chaque_relation_chaque_etat_chaque_action(
    relation, statut, creer_utilisateur, porteur, universite, donnees_completes
):
    scene = construire(relation, creer_utilisateur, porteur, universite, donnees_completes)
    Projet.objects.filter(pk=scene.projet.pk).update(
        statut=statut, motif_abandon="Abandonné" if statut == Statut.ABANDONNE else ""
    )
    projet = Projet.objects.get(pk=scene.projet.pk)
    if statut in AVEC_SUIVI_FINANCIER:
        lignes_executables(projet, porteur)
    pieces_du_dossier(projet, porteur)
    relations_ = relations(scene.personne, projet)
    attendues = {relation} | ({Relation.AUTRE_SIGNATAIRE} if relation == Relation.AUTEUR else set())
    assert relations_ == attendues
    reussies, autres_refus = set(), {}
    for action in TOUTES_LES_ACTIONS:
        permis = statut in etats_permis(relations_, action)
        if action == Action.ABANDONNER and est_operation_du_contrat(projet):
            permis = False
        try:
            with transaction.atomic():
                if action == Action.TERMINER_INSTRUCTION:
                    # The co-funders' grids are filed (the grid rule holds): the table decides.
                    grilles_deja_deposees(projet)
                avant = empreinte(projet)
                try:
                    tenter(scene, action, donnees_completes)
                except RegleMetierError as erreur:
                    refus = erreur
                else:
                    refus = None
                    assert permis, f"{relation} a pu « {action} » un dossier « {statut} »"
                    reussies.add(action)
                    raise _Annuler
                if isinstance(refus, ActionNonAutorisee | EtatIncompatible):
                    assert not permis, f"{relation} refusé à tort : {action}/{statut}: {refus}"
                    assert empreinte(projet) == avant, (relation, statut, action)
                    assert refus.message and refus.message[0].isupper()
                    # 403 when who they are is the cause: no right to it at any step, an agent
                    # on the porteur's draft, another's money in execution; 409 when the
                    # person may take it at other steps of the lifecycle.
                    sans_aucun_droit = not etats_permis(relations_, action)
                    brouillon_d_autrui = (
                        statut in BROUILLONS
                        and action in ACTIONS_DU_PROPRIETAIRE
                        and bool(relations_ & AGENTS)
                        and not relations_ & PROPRIETAIRES
                    )
                    argent_d_autrui = statut in EN_EXECUTION and action in ACTIONS_SUR_L_ARGENT
                    par_avenant = action == Action.ABANDONNER and est_operation_du_contrat(projet)
                    hors_cycle = action in TRANSITIONS and statut not in TRANSITIONS[action].depuis
                    if sans_aucun_droit or brouillon_d_autrui or par_avenant:
                        assert isinstance(refus, ActionNonAutorisee), (relation, statut, action)
                    elif hors_cycle:
                        assert isinstance(refus, EtatIncompatible), (relation, statut, action)
                    elif argent_d_autrui:
                        assert isinstance(refus, ActionNonAutorisee), (relation, statut, action)
                    elif action in TRANSITIONS:
                        assert isinstance(refus, EtatIncompatible), (relation, statut, action)
                else:
                    # Another business rule (an envelope, a plan) may refuse an allowed step.
                    assert permis, f"{relation} {action}/{statut} : {refus}"
                    autres_refus[action] = refus.message
                raise _Annuler
        except _Annuler:
            pass
    # What the table allows is done, unless another rule of the portal refuses it.
    permises = {
        a
        for a in TOUTES_LES_ACTIONS
        if statut in etats_permis(relations_, a)
        and not (a == Action.ABANDONNER and est_operation_du_contrat(projet))
    }
    assert reussies | set(autres_refus) == permises
    assert set(autres_refus) <= AUTRES_REGLES, autres_refus
