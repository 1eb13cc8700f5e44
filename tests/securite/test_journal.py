"""Audit completeness and immutability (craft R6).

Each write service that changes a state or an amount writes its journal row inside its own
transaction: rolled back with the caller's transaction, nothing of it remains. The journals
refuse UPDATE and DELETE in PostgreSQL itself, and the admin shows them read-only."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from axes.models import Signataire
from financement.models import (
    Avenant,
    CreditsOuverts,
    DemandePaiement,
    Engagement,
    Enveloppe,
    JournalFinancier,
    LigneProgrammee,
    MaquetteLigne,
    Paiement,
    TypeMouvement,
)
from financement.services import (
    _degager,
    avenant_approuver,
    avenant_creer,
    avenant_mettre_en_vigueur,
    credits_ouvrir,
    engagement_enregistrer,
    paiement_enregistrer,
    projet_programmer,
)
from projets.models import LignePlanFinancement, Projet, Statut, TransitionProjet
from projets.services import projet_creer, projet_modifier, projet_transitionner
from projets.workflow import (
    ACTIONS_FINANCIERES,
    TRANSITIONS,
    Acteur,
    Action,
    MandatComite,
    MandatReprise,
)
from tests.factories.gouvernance import grilles_deja_deposees


class Annulation(Exception):
    """Raised inside the caller's transaction to roll it back."""


def dans_une_transaction_annulee(fonction):
    """Run `fonction` in a transaction that is then rolled back; return what it returned."""
    resultat = None
    with pytest.raises(Annulation), transaction.atomic():
        resultat = fonction()
        raise Annulation
    return resultat


def mouvements(type_):
    return JournalFinancier.objects.filter(type=type_).count()


def engager(ligne, par, montant="200000.00"):
    return engagement_enregistrer(
        ligne=ligne,
        par=par,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-001",
        montant=Decimal(montant),
        annee_budgetaire=2026,
    )


# --- projets ----------------------------------------------------------------------------------
def test_creer_un_projet_ecrit_son_historique_dans_la_meme_transaction(porteur, donnees_completes):
    avant = Projet.historique.count()

    def creer():
        projet = projet_creer(donnees=donnees_completes(), par=porteur)
        entree = projet.historique.get()
        assert entree.history_change_reason == "Création du dossier"
        assert entree.history_user == porteur
        assert LignePlanFinancement.historique.filter(projet_id=projet.pk).count() == 3

    dans_une_transaction_annulee(creer)
    assert Projet.historique.count() == avant


def test_modifier_un_projet_ecrit_son_historique_dans_la_meme_transaction(
    projet_brouillon, porteur, donnees_completes
):
    avant = projet_brouillon.historique.count()

    def modifier():
        projet_modifier(
            projet=projet_brouillon,
            donnees=donnees_completes(cout_total_ht=Decimal("1100000.00")),
            par=porteur,
        )
        assert projet_brouillon.historique.count() == avant + 1
        assert (
            projet_brouillon.historique.first().history_change_reason == "Modification du dossier"
        )

    dans_une_transaction_annulee(modifier)
    assert projet_brouillon.historique.count() == avant


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_chaque_transition_ecrit_son_journal_dans_la_meme_transaction(
    action, projet_brouillon, administrateur
):
    transition = TRANSITIONS[action]
    depuis = Statut.RETENU if action == "programmer" else sorted(transition.depuis)[0]
    Projet.objects.filter(pk=projet_brouillon.pk).update(statut=depuis)
    mandat = (
        MandatComite(comite="programmation", seance_id=1, decision_id=1)
        if transition.acteur in (Acteur.COMITE, Acteur.SECRETARIAT)
        # What `reprise` passes when the secretariat applies an import of the programming.
        else MandatReprise(import_id=1)
        if transition.acteur == Acteur.REPRISE
        else None
    )

    if action == Action.TERMINER_INSTRUCTION:
        # The co-funders' grids end the instruction (`GOUVERNANCE_GRILLE_OBLIGATOIRE`).
        grilles_deja_deposees(projet_brouillon)

    def transitionner():
        # The steps that move money go through the ledger's use-cases (which take the step).
        projet_transitionner(
            projet=projet_brouillon,
            action=action,
            par=administrateur,
            commentaire="Motif de test",
            mandat=mandat,
            par_le_registre=action in ACTIONS_FINANCIERES,
        )
        ligne = TransitionProjet.objects.get(projet=projet_brouillon)
        assert (ligne.action, ligne.de_statut, ligne.vers_statut) == (
            action,
            depuis,
            transition.vers,
        )
        assert ligne.par == administrateur

    dans_une_transaction_annulee(transitionner)
    assert not TransitionProjet.objects.filter(projet=projet_brouillon).exists()
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == depuis


# --- financement ------------------------------------------------------------------------------
def test_programmer_ecrit_le_journal_dans_la_meme_transaction(
    projet_brouillon, administrateur, retenir
):
    projet = retenir(projet_brouillon)

    def programmer():
        projet_programmer(projet=projet, par=administrateur)
        assert mouvements(TypeMouvement.PROGRAMMATION) == 2
        assert LigneProgrammee.objects.filter(projet=projet).count() == 2

    dans_une_transaction_annulee(programmer)
    assert mouvements(TypeMouvement.PROGRAMMATION) == 0
    assert Enveloppe.objects.get(signataire__code="region").montant_programme == 0


def test_engager_ecrit_le_journal_dans_la_meme_transaction(ligne_region, agent):
    def engagement():
        engager(ligne_region, agent)
        mouvement = JournalFinancier.objects.get(type=TypeMouvement.ENGAGEMENT)
        assert mouvement.montant == Decimal("200000.00") and mouvement.par == agent

    dans_une_transaction_annulee(engagement)
    assert mouvements(TypeMouvement.ENGAGEMENT) == 0
    assert not Engagement.objects.exists()


def test_payer_ecrit_le_journal_dans_la_meme_transaction(ligne_region, agent):
    engagement = engager(ligne_region, agent)

    def paiement():
        paiement_enregistrer(
            engagement=engagement,
            par=agent,
            date_paiement=date(2026, 6, 1),
            montant=Decimal("80000.00"),
            type_="avance",
        )
        assert mouvements(TypeMouvement.PAIEMENT) == 1

    dans_une_transaction_annulee(paiement)
    assert mouvements(TypeMouvement.PAIEMENT) == 0
    assert not Paiement.objects.exists()


def test_ouvrir_des_credits_ecrit_le_journal_dans_la_meme_transaction(agent):
    region = Signataire.objects.get(code="region")

    def ouvrir():
        credits_ouvrir(signataire=region, annee=2026, montant=Decimal("100000.00"), par=agent)
        assert mouvements(TypeMouvement.CREDITS) == 1

    dans_une_transaction_annulee(ouvrir)
    assert mouvements(TypeMouvement.CREDITS) == 0
    assert not CreditsOuverts.objects.exists()


def test_degager_ecrit_le_journal_dans_la_meme_transaction(ligne_region, agent, administrateur):
    engager(ligne_region, agent)

    def degager():
        libere = _degager(projet=ligne_region.projet, par=administrateur, motif="Soldé")
        assert libere == Decimal("750000.00")
        assert mouvements(TypeMouvement.DEGAGEMENT) == 2

    dans_une_transaction_annulee(degager)
    assert mouvements(TypeMouvement.DEGAGEMENT) == 0
    assert LigneProgrammee.objects.get(pk=ligne_region.pk).montant_degage == 0


def test_mettre_un_avenant_en_vigueur_ecrit_le_journal_dans_la_meme_transaction(administrateur):
    etat = Signataire.objects.get(code="etat")
    avenant = avenant_creer(
        numero=1,
        titre="Avenant de test",
        justification="Justification de test (article 4).",
        initie_par=etat,
        enveloppes={etat: Decimal("1094262000.00")},
        par=administrateur,
    )
    for signataire in Signataire.objects.order_by("ordre"):
        avenant_approuver(
            avenant=avenant,
            signataire=signataire,
            date_acte=date(2026, 10, 1),
            reference=f"Délibération {signataire.code}",
            par=administrateur,
        )
    montant_avant = Enveloppe.objects.get(signataire=etat).montant

    def mettre_en_vigueur():
        avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=date(2026, 11, 1))
        assert mouvements(TypeMouvement.AVENANT) >= 1

    dans_une_transaction_annulee(mettre_en_vigueur)
    assert mouvements(TypeMouvement.AVENANT) == 0
    assert Enveloppe.objects.get(signataire=etat).montant == montant_avant
    assert Avenant.objects.get(pk=avenant.pk).statut == "en_approbation"


# --- immutability -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "instruction",
    [
        "UPDATE financement_journalfinancier SET montant = 0",
        "DELETE FROM financement_journalfinancier",
        "UPDATE projets_transitionprojet SET commentaire = 'réécrit'",
        "DELETE FROM projets_transitionprojet",
    ],
)
def test_la_base_refuse_de_modifier_ou_d_effacer_un_journal(instruction, projet_programme):
    assert JournalFinancier.objects.exists() and TransitionProjet.objects.exists()
    with (
        pytest.raises(DatabaseError, match="ne se modifie pas"),
        transaction.atomic(),
        connection.cursor() as curseur,
    ):
        curseur.execute(instruction)
    assert JournalFinancier.objects.filter(montant=0).count() == 0


def test_un_update_par_l_orm_est_refuse_aussi(projet_programme):
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalFinancier.objects.update(montant=Decimal("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        TransitionProjet.objects.filter(projet=projet_programme).delete()


MODELES_EN_LECTURE_SEULE = [
    JournalFinancier,
    TransitionProjet,
    LigneProgrammee,
    Engagement,
    Paiement,
    CreditsOuverts,
    MaquetteLigne,
    Avenant,
    Enveloppe,
    DemandePaiement,
]


@pytest.mark.parametrize("modele", MODELES_EN_LECTURE_SEULE, ids=lambda m: m.__name__)
def test_l_administration_montre_sans_permettre_de_modifier(modele, creer_utilisateur, client):
    superutilisateur = creer_utilisateur(
        "super", role="administrateur", is_staff=True, is_superuser=True
    )
    requete = RequestFactory().get("/admin/")
    requete.user = superutilisateur
    modele_admin = admin.site._registry[modele]
    assert modele_admin.has_view_permission(requete)
    assert not modele_admin.has_add_permission(requete)
    assert not modele_admin.has_change_permission(requete)
    assert not modele_admin.has_delete_permission(requete)
    client.force_login(superutilisateur)
    options = modele._meta
    liste = f"/admin/{options.app_label}/{options.model_name}/"
    assert client.get(liste).status_code == 200
    assert client.get(f"{liste}add/").status_code == 403


def test_l_historique_d_un_projet_ne_peut_pas_etre_restaure(
    projet_brouillon, creer_utilisateur, client, settings
):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    client.force_login(
        creer_utilisateur("super", role="administrateur", is_staff=True, is_superuser=True)
    )
    entree = projet_brouillon.historique.first()
    url = f"/admin/projets/projet/{projet_brouillon.pk}/history/{entree.history_id}/"
    reponse = client.post(url, {"titre": "réécrit"})
    assert (
        reponse.status_code in (403, 404, 405)
        or "réécrit" not in Projet.objects.get(pk=projet_brouillon.pk).titre
    )
    assert Projet.objects.get(pk=projet_brouillon.pk).titre != "réécrit"
