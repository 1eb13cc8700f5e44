"""Committees: a session with its members, built through the services.

seance = SeanceFactory()                   # the programming committee, tomorrow, with a
                                           # secretariat and three voting members
seance = SeanceFactory(membres=5)
SeanceFactory.membres_de(seance)           # the members in office on the session's day
"""

from datetime import date, timedelta

import factory
from django.utils import timezone

from gouvernance.models import Comite, Membre, RoleMembre, Seance
from gouvernance.selectors import membres_de_seance
from gouvernance.services import seance_creer
from tests.factories.comptes import UtilisateurFactory

SIGNATAIRES_VOTANTS = ["etat", "region", "nord", "somme", "aisne", "oise", "pas-de-calais"]


class MembreFactory(factory.django.DjangoModelFactory):
    """A member of a committee, with the user holding the mandate."""

    class Meta:
        model = Membre

    class Params:
        signataire = "etat"
        president = factory.Trait(role=RoleMembre.CO_PRESIDENT)
        secretariat = factory.Trait(
            role=RoleMembre.SECRETARIAT,
            utilisateur=factory.SubFactory(
                UtilisateurFactory,
                agent=True,
                signataire=factory.SelfAttribute("..signataire"),
            ),
        )

    comite = factory.LazyFunction(lambda: Comite.objects.get(code="programmation"))
    utilisateur = factory.SubFactory(
        UtilisateurFactory, membre_comite=True, signataire=factory.SelfAttribute("..signataire")
    )
    organisation = factory.LazyAttribute(lambda o: o.utilisateur.organisation)
    role = RoleMembre.VOTANT
    debut = date(2024, 1, 1)


class SeanceFactory(factory.Factory):
    """A planned session of a committee with its secretariat and `membres` voting members
    (the first co-presides), created by the secretariat through `seance_creer`."""

    class Meta:
        model = Seance

    comite = factory.LazyFunction(lambda: Comite.objects.get(code="programmation"))
    date = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    lieu = "Préfecture de région, Lille"
    membres = 3

    @classmethod
    def _create(cls, model_class, *args, comite, date, lieu, membres):
        secretariat = MembreFactory(comite=comite, secretariat=True)
        for rang in range(membres):
            MembreFactory(
                comite=comite,
                signataire=SIGNATAIRES_VOTANTS[rang % len(SIGNATAIRES_VOTANTS)],
                president=rang == 0,
            )
        return seance_creer(comite=comite, date=date, lieu=lieu, par=secretariat.utilisateur)

    @staticmethod
    def membres_de(seance: Seance) -> list[Membre]:
        return list(membres_de_seance(seance=seance))
