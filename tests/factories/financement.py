"""The ledger, through its services: a programmed line, a commitment on it.

ligne = LigneProgrammeeFactory()                       # the Région line of a programmed
                                                       # dossier (400 000 € programmed)
engagement = EngagementFactory(ligne=ligne, montant=Decimal("250000.00"))

A commitment follows the programming of its line: the factory's act (1 March 2026) follows
the day its dossiers are programmed (`tests.factories.projets.PROGRAMME_LE`, 15 January 2026);
on a line programmed by a test itself, date the programming (`dater_la_programmation`) or the
act.
"""

from datetime import date
from decimal import Decimal

import factory

from financement.models import Engagement, LigneProgrammee
from financement.services import engagement_enregistrer
from tests.factories.comptes import UtilisateurFactory
from tests.factories.projets import DossierFactory


class LigneProgrammeeFactory(factory.Factory):
    """A programmed line: the signatory's line of a dossier programmed through the services."""

    class Meta:
        model = LigneProgrammee

    signataire = "region"
    projet = factory.LazyFunction(lambda: DossierFactory(programme=True))

    @classmethod
    def _create(cls, model_class, *args, projet, signataire):
        return projet.lignes_programmees.select_related("signataire", "projet").get(
            signataire__code=signataire
        )


class EngagementFactory(factory.Factory):
    """A legal commitment recorded by an agent of the line's signatory."""

    class Meta:
        model = Engagement

    ligne = factory.SubFactory(LigneProgrammeeFactory)
    par = factory.LazyAttribute(
        lambda o: UtilisateurFactory(
            agent=True,
            signataire=o.ligne.signataire.code,
            username=f"agent.{o.ligne.signataire.code}",
        )
    )
    date_acte = date(2026, 3, 1)
    type_acte = "convention"
    reference = factory.Sequence(lambda n: f"CONV-2026-{n:03d}")
    montant = Decimal("100000.00")
    annee_budgetaire = 2026

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return engagement_enregistrer(**kwargs)
