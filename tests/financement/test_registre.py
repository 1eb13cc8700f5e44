"""The ledger's invariants, through the services and straight against the database."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from axes.models import Noeud, Signataire
from financement.models import (
    CreditsOuverts,
    Engagement,
    Enveloppe,
    JournalFinancier,
    LigneProgrammee,
    MaquetteLigne,
    Paiement,
)
from financement.services import (
    EnveloppeInsuffisante,
    credits_ouvrir,
    engagement_enregistrer,
    paiement_enregistrer,
    projet_abandonner,
    projet_programmer,
    projet_solder,
)
from projets.models import Projet, Statut, TransitionProjet
from projets.services import projet_creer, projet_transitionner
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError


def enveloppe(code):
    return Enveloppe.objects.get(signataire__code=code)


def etat_registre():
    return (
        list(
            Enveloppe.objects.order_by("pk").values_list(
                "montant_programme", "montant_engage", "montant_paye"
            )
        ),
        LigneProgrammee.objects.count(),
        Engagement.objects.count(),
        Paiement.objects.count(),
        JournalFinancier.objects.count(),
        TransitionProjet.objects.count(),
    )


def engager(ligne, par, montant, annee=2026):
    return engagement_enregistrer(
        ligne=ligne,
        par=par,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-001",
        montant=Decimal(montant),
        annee_budgetaire=annee,
    )


def test_programmer_un_projet_retenu_inscrit_ses_lignes_cper(projet_programme):
    assert projet_programme.statut == Statut.PROGRAMME
    assert enveloppe("region").montant_programme == Decimal("400000.00")
    assert enveloppe("etat").montant_programme == Decimal("350000.00")
    assert enveloppe("nord").montant_programme == Decimal("0.00")  # own funds never count
    assert (
        JournalFinancier.objects.filter(type="programmation", projet=projet_programme).count() == 2
    )


def test_une_enveloppe_insuffisante_refuse_la_programmation_et_n_ecrit_rien(
    porteur, administrateur, donnees_completes, retenir
):
    Enveloppe.objects.filter(signataire__code="region").update(montant=Decimal("300000.00"))
    projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
    avant = etat_registre()
    with pytest.raises(EnveloppeInsuffisante) as erreur:
        projet_programmer(projet=projet, par=administrateur)
    message = erreur.value.erreurs["lignes"][0]
    assert (
        "L’enveloppe de la Région Hauts-de-France ne peut pas prendre 400\u202f000,00\u00a0€"
        in message
    )
    assert "il reste 300\u202f000,00\u00a0€ disponibles" in message
    assert etat_registre() == avant
    assert Projet.objects.get(pk=projet.pk).statut == Statut.RETENU


def test_la_maquette_plafonne_quand_elle_existe(
    porteur, administrateur, donnees_completes, retenir
):
    region = Signataire.objects.get(code="region")
    MaquetteLigne.objects.create(
        signataire=region, noeud=Noeud.objects.get(code="IV"), montant=Decimal("399999.99")
    )
    projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
    avant = etat_registre()
    with pytest.raises(EnveloppeInsuffisante) as erreur:
        projet_programmer(projet=projet, par=administrateur)
    assert "La maquette de la Région Hauts-de-France sur IV" in erreur.value.erreurs["lignes"][0]
    assert "il reste 399\u202f999,99\u00a0€" in erreur.value.erreurs["lignes"][0]
    assert etat_registre() == avant
    MaquetteLigne.objects.filter(signataire=region).update(montant=Decimal("400000.00"))
    projet_programmer(projet=projet, par=administrateur)
    assert MaquetteLigne.objects.get(signataire=region).montant_programme == Decimal("400000.00")


def test_engager_dans_la_ligne_puis_refus_au_dela(ligne_region, agent):
    engager(ligne_region, agent, "250000.00")
    ligne_region.refresh_from_db()
    assert ligne_region.montant_engage == Decimal("250000.00")
    assert enveloppe("region").montant_engage == Decimal("250000.00")
    avant = etat_registre()
    with pytest.raises(EnveloppeInsuffisante) as erreur:
        engager(ligne_region, agent, "150000.01")
    assert (
        "150\u202f000,00\u00a0€ disponibles sur 400\u202f000,00\u00a0€ programmés"
        in erreur.value.erreurs["montant"][0]
    )
    assert etat_registre() == avant
    engager(ligne_region, agent, "150000.00")
    assert enveloppe("region").montant_engage == Decimal("400000.00")


def test_les_credits_ouverts_de_l_annee_plafonnent_ses_engagements(ligne_region, agent):
    credits_ouvrir(
        signataire=ligne_region.signataire, annee=2026, montant=Decimal("100000.00"), par=agent
    )
    avant = etat_registre()
    with pytest.raises(EnveloppeInsuffisante) as erreur:
        engager(ligne_region, agent, "100000.01", annee=2026)
    assert (
        "crédits ouverts par Région Hauts-de-France pour 2026 : 100\u202f000,00\u00a0€"
        in erreur.value.erreurs["montant"][0]
    )
    assert etat_registre() == avant
    engager(ligne_region, agent, "100000.00", annee=2026)
    engager(
        ligne_region, agent, "50000.00", annee=2027
    )  # no credits opened for 2027: « sous réserve »
    assert CreditsOuverts.objects.get(annee=2026).montant_engage == Decimal("100000.00")
    with pytest.raises(EnveloppeInsuffisante, match="déjà engagés sur 2026"):
        credits_ouvrir(
            signataire=ligne_region.signataire, annee=2026, montant=Decimal("99999.99"), par=agent
        )


def test_payer_dans_l_engagement_puis_refus_au_dela(ligne_region, agent):
    engagement = engager(ligne_region, agent, "200000.00")
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 6, 1),
        montant=Decimal("80000.00"),
        type_="avance",
    )
    avant = etat_registre()
    with pytest.raises(EnveloppeInsuffisante) as erreur:
        paiement_enregistrer(
            engagement=engagement,
            par=agent,
            date_paiement=date(2026, 7, 1),
            montant=Decimal("120000.01"),
            type_="solde",
        )
    assert (
        "120\u202f000,00\u00a0€ sur 200\u202f000,00\u00a0€ engagés"
        in erreur.value.erreurs["montant"][0]
    )
    assert etat_registre() == avant
    assert enveloppe("region").montant_paye == Decimal("80000.00")


def test_seul_un_agent_du_signataire_engage_ou_paie(
    ligne_region, agent_etat, lecteur, administrateur
):
    avant = etat_registre()
    for intrus in (agent_etat, lecteur):
        with pytest.raises(
            ActionNonAutorisee, match="Seuls les agents de la Région Hauts-de-France"
        ):
            engager(ligne_region, intrus, "1.00")
    assert etat_registre() == avant
    engager(ligne_region, administrateur, "1.00")


def test_on_n_engage_pas_sur_un_projet_solde(ligne_region, agent, administrateur):
    projet = ligne_region.projet
    projet_transitionner(projet=projet, action="demarrer", par=administrateur)
    projet_solder(projet=projet, par=administrateur)
    with pytest.raises(EtatIncompatible, match="il ne reçoit plus d'engagement"):
        engager(ligne_region, agent, "1.00")


def test_le_solde_degage_ce_qui_n_a_pas_servi(ligne_region, agent, administrateur):
    engagement = engager(ligne_region, agent, "300000.00")
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 6, 1),
        montant=Decimal("100000.00"),
        type_="acompte",
    )
    projet_transitionner(projet=ligne_region.projet, action="demarrer", par=administrateur)
    projet_solder(projet=ligne_region.projet, par=administrateur)
    ligne_region.refresh_from_db()
    engagement.refresh_from_db()
    assert engagement.montant == Decimal("100000.00") and engagement.montant_degage == Decimal(
        "200000.00"
    )
    assert ligne_region.montant_programme == Decimal("100000.00")
    assert ligne_region.montant_degage == Decimal("300000.00")
    region = enveloppe("region")
    assert (region.montant_programme, region.montant_engage, region.montant_paye) == (
        Decimal("100000.00"),
        Decimal("100000.00"),
        Decimal("100000.00"),
    )
    degagements = dict(
        JournalFinancier.objects.filter(type="degagement").values_list(
            "signataire__code", "montant"
        )
    )
    assert degagements == {"region": Decimal("300000.00"), "etat": Decimal("350000.00")}


def test_l_abandon_d_un_projet_programme_rend_tout_a_l_enveloppe(projet_programme, administrateur):
    projet_abandonner(
        projet=projet_programme,
        par=administrateur,
        commentaire="Permis refusé.",
    )
    assert enveloppe("region").montant_programme == Decimal("0.00")
    assert enveloppe("etat").montant_programme == Decimal("0.00")


class TestLaBaseRefuseSeule:
    """The admin or the shell bypass the services: PostgreSQL still refuses."""

    def test_un_engagement_insere_au_dela_du_programme(self, ligne_region, agent):
        with pytest.raises(IntegrityError), transaction.atomic():
            Engagement.objects.create(
                ligne=ligne_region,
                signataire=ligne_region.signataire,
                date_acte=date(2026, 1, 1),
                type_acte="arrete",
                reference="X",
                montant=Decimal("400000.01"),
                annee_budgetaire=2026,
                par=agent,
            )
        assert not Engagement.objects.exists()

    def test_un_paiement_insere_au_dela_de_l_engagement(self, ligne_region, agent):
        engagement = engager(ligne_region, agent, "10.00")
        with pytest.raises(IntegrityError), transaction.atomic():
            Paiement.objects.create(
                engagement=engagement,
                date=date(2026, 1, 1),
                montant=Decimal("10.01"),
                type="solde",
                par=agent,
            )
        assert not Paiement.objects.exists()

    def test_une_enveloppe_sous_son_programme(self, projet_programme):
        with pytest.raises(IntegrityError), transaction.atomic():
            Enveloppe.objects.filter(signataire__code="region").update(montant=Decimal("399999.99"))
        assert enveloppe("region").montant == Decimal("995212000.00")

    def test_une_ligne_programmee_inseree_au_dela_de_l_enveloppe(
        self, projet_programme, administrateur
    ):
        Enveloppe.objects.filter(signataire__code="aisne").update(montant=Decimal("100.00"))
        ligne_plan = projet_programme.lignes_financement.get(signataire__code="etat")
        with pytest.raises(IntegrityError), transaction.atomic():
            LigneProgrammee.objects.filter(ligne_plan=ligne_plan).delete()
            LigneProgrammee.objects.create(
                ligne_plan=ligne_plan,
                projet=projet_programme,
                signataire=Signataire.objects.get(code="aisne"),
                noeud=projet_programme.mesure,
                montant_programme=Decimal("100.01"),
                par=administrateur,
            )
        assert enveloppe("aisne").montant_programme == Decimal("0.00")

    def test_les_totaux_suivent_les_suppressions(self, ligne_region, agent):
        engagement = engager(ligne_region, agent, "1234.56")
        Engagement.objects.filter(pk=engagement.pk).delete()
        assert enveloppe("region").montant_engage == Decimal("0.00")
        ligne_region.refresh_from_db()
        assert ligne_region.montant_engage == Decimal("0.00")


def test_une_saisie_negative_est_refusee(ligne_region, agent):
    with pytest.raises(RegleMetierError, match="supérieur à zéro"):
        engager(ligne_region, agent, "-5.00")


def test_des_credits_ouverts_apres_coup_partent_des_engagements_de_l_annee(ligne_region, agent):
    engager(ligne_region, agent, "70000.00", annee=2026)
    with pytest.raises(EnveloppeInsuffisante, match="70\u202f000,00\u00a0€ sont déjà engagés"):
        credits_ouvrir(
            signataire=ligne_region.signataire, annee=2026, montant=Decimal("69999.99"), par=agent
        )
    credits = credits_ouvrir(
        signataire=ligne_region.signataire, annee=2026, montant=Decimal("100000.00"), par=agent
    )
    assert credits.montant_engage == Decimal("70000.00")
