"""Dossiers, built through the services.

DossierFactory()                      # a draft with a balanced plan (Région 400 000 €,
                                      # État 350 000 €, own funds 250 000 € = 1 000 000 €)
DossierFactory(depose=True)           # filed by its porteur
DossierFactory(programme=True)        # retained and programmed on PROGRAMME_LE: two
                                      # LigneProgrammee
DossierFactory(titre="Halle", cout_total_ht=Decimal("2000000.00"), lignes=[...])
"""

from datetime import date, datetime, time
from decimal import Decimal

import factory
from django.utils import timezone

from comptes.models import TypeOrganisation
from financement.models import LigneProgrammee
from financement.services import projet_programmer
from projets.models import NatureFinancement, Projet, SourceFinancement, Statut
from projets.services import (
    DonneesProjet,
    LigneSaisie,
    PhaseSaisie,
    projet_creer,
    projet_transitionner,
)
from projets.workflow import Action
from tests.factories.axes import departement, noeud, signataire
from tests.factories.comptes import OrganisationFactory, UtilisateurFactory

# The day the test dossiers were programmed. A commitment follows the programming of its line:
# the tests' commitments (from 1 February 2026) and payments are dated after it, whatever the day
# the suite runs.
PROGRAMME_LE = date(2026, 1, 15)


def dater_la_programmation(projet: Projet, jour: date = PROGRAMME_LE) -> Projet:
    """Date the programmed lines of `projet` on `jour` (10 h, local time), as if the committee
    had programmed it then."""
    LigneProgrammee.objects.filter(projet=projet).update(
        programme_le=timezone.make_aware(datetime.combine(jour, time(10)))
    )
    return projet


def plan_equilibre() -> list[LigneSaisie]:
    """1 000 000,00 € : Région 400 000, État 350 000 (CPER) and 250 000 of own funds."""
    return [
        LigneSaisie(
            Decimal("400000.00"), NatureFinancement.CPER, signataire_id=signataire("region").pk
        ),
        LigneSaisie(
            Decimal("350000.00"), NatureFinancement.CPER, signataire_id=signataire("etat").pk
        ),
        LigneSaisie(
            Decimal("250000.00"),
            NatureFinancement.HORS_CPER,
            source=SourceFinancement.FONDS_PROPRES,
        ),
    ]


class DonneesProjetFactory(factory.Factory):
    """What a porteur types in the form: a dossier that passes every filing rule."""

    class Meta:
        model = DonneesProjet

    titre = factory.Sequence(lambda n: f"Réhabilitation du bâtiment {n}")
    description = "Rénovation énergétique d'un bâtiment d'enseignement."
    mesure = factory.LazyFunction(lambda: noeud("IV.2.1.a"))
    departements = factory.LazyFunction(lambda: [departement("59")])
    communes = factory.LazyFunction(lambda: [("59009", "Villeneuve-d'Ascq")])
    date_debut = date(2026, 1, 1)
    date_fin = date(2027, 6, 30)
    cout_total_ht = Decimal("1000000.00")
    decarbonation = "favorable"
    decarbonation_justification = "Chauffage par pompe à chaleur."
    impact_environnemental = "favorable"
    impact_environnemental_justification = "Matériaux biosourcés."
    egalite_femmes_hommes = "neutre"
    egalite_femmes_hommes_justification = "Accès égal aux locaux."
    lignes = factory.LazyFunction(plan_equilibre)
    phases = factory.LazyFunction(
        lambda: [PhaseSaisie("etudes", 2026, 2026), PhaseSaisie("travaux", 2026, 2027)]
    )


class DossierFactory(factory.Factory):
    """A dossier created by its porteur through `projet_creer`, then moved by the services.

    Any field of `DonneesProjetFactory` can be given; `par` is the porteur (one is made for a
    test university otherwise)."""

    class Meta:
        model = Projet

    class Params:
        depose = factory.Trait(etape=Statut.DEPOSE)
        programme = factory.Trait(etape=Statut.PROGRAMME)

    etape = Statut.BROUILLON  # where the services leave the dossier (handed to `_create`)
    par = factory.SubFactory(
        UtilisateurFactory,
        porteur=True,
        username="porteur",
        organisation=factory.SubFactory(
            OrganisationFactory,
            nom="Université de test",
            type=TypeOrganisation.ENSEIGNEMENT_RECHERCHE,
        ),
    )

    @classmethod
    def _create(cls, model_class, *args, par, etape=Statut.BROUILLON, **champs):
        projet = projet_creer(donnees=DonneesProjetFactory(**champs), par=par)
        if etape == Statut.DEPOSE:
            projet = projet_transitionner(projet=projet, action=Action.DEPOSER, par=par)
        elif etape == Statut.PROGRAMME:
            # The committee's decision is another test's business: the dossier is « retenu »
            # as a committee would leave it, then programmed by the secretariat's service.
            Projet.objects.filter(pk=projet.pk).update(statut=Statut.RETENU)
            projet = projet_programmer(
                projet=Projet.objects.get(pk=projet.pk),
                par=UtilisateurFactory(administrateur=True, username="admin"),
            )
            dater_la_programmation(projet)
        return projet

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Un dossier se crée par les services : utilisez create().")


def a_reequilibrer(projet: Projet, *, porteur) -> Projet:
    """The committee's cut, without the session: the dossier filed then retained, its État
    line lowered by 100 000,00 € and the gap recorded (a dossier of `DossierFactory`'s plan:
    1 000 000,00 € of cost, 900 000,00 € of lines, 100 000,00 € to re-balance)."""
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=porteur)
    Projet.objects.filter(pk=projet.pk).update(
        statut=Statut.RETENU, montant_a_reequilibrer=Decimal("100000.00")
    )
    etat = projet.lignes_financement.get(signataire__code="etat")
    projet.lignes_financement.filter(pk=etat.pk).update(montant=etat.montant - Decimal("100000"))
    return Projet.objects.get(pk=projet.pk)
