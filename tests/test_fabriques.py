"""The factories build what the services would: states, ledger rows, members in office."""

from decimal import Decimal

from comptes.models import Role
from financement.models import JournalFinancier
from gouvernance.models import RoleMembre
from projets.models import Statut
from tests.factories.comptes import UtilisateurFactory
from tests.factories.financement import EngagementFactory, LigneProgrammeeFactory
from tests.factories.gouvernance import SeanceFactory
from tests.factories.projets import DossierFactory


def test_les_traits_des_utilisateurs():
    porteur = UtilisateurFactory(porteur=True)
    agent = UtilisateurFactory(agent=True, signataire="etat")
    assert porteur.role == Role.PORTEUR
    assert agent.role == Role.AGENT and agent.organisation.signataire.code == "etat"
    assert agent.check_password("mot-de-passe-de-test-1234")


def test_un_brouillon_au_plan_equilibre_puis_un_dossier_depose():
    brouillon = DossierFactory()
    assert brouillon.statut == Statut.BROUILLON
    assert sum(ligne.montant for ligne in brouillon.lignes_financement.all()) == Decimal(
        "1000000.00"
    )
    assert DossierFactory(depose=True).statut == Statut.DEPOSE


def test_un_dossier_programme_avec_sa_ligne_et_un_engagement_par_les_services():
    ligne = LigneProgrammeeFactory()
    assert ligne.projet.statut == Statut.PROGRAMME
    assert ligne.montant_programme == Decimal("400000.00")
    EngagementFactory(ligne=ligne, montant=Decimal("250000.00"))
    ligne.refresh_from_db()
    assert ligne.montant_engage == Decimal("250000.00")  # kept by the trigger
    assert JournalFinancier.objects.filter(type="engagement").count() == 1


def test_une_seance_avec_ses_membres():
    seance = SeanceFactory(membres=4)
    roles = [m.role for m in SeanceFactory.membres_de(seance)]
    assert roles.count(RoleMembre.SECRETARIAT) == 1
    assert roles.count(RoleMembre.CO_PRESIDENT) == 1
    assert roles.count(RoleMembre.VOTANT) == 3
