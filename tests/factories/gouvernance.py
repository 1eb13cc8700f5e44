"""Committees: a session with its members, built through the services.

seance = SeanceFactory()                   # the programming committee, tomorrow, with a
                                           # secretariat and three voting members
seance = SeanceFactory(membres=5)
SeanceFactory.membres_de(seance)           # the members in office on the session's day
instruire(projet)                          # filed, instructed, every co-funder's grid filed
deposer_grilles(projet, cofinanceurs=["etat"])   # only the État's grid
"""

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from comptes.models import Utilisateur
from gouvernance.models import Comite, Evaluation, Membre, RoleMembre, Seance
from gouvernance.selectors import etat_instruction, grille_active, membres_de_seance
from gouvernance.services import NoteSaisie, evaluation_deposer, seance_creer
from projets.models import Projet
from projets.services import projet_transitionner
from projets.workflow import Action
from tests.factories.axes import signataire
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


# --- The instruction by every co-funder ----------------------------------------------------
CRITERES = (
    "conformite-axes",
    "ambitions",
    "faisabilite",
    "decarbonation",
    "impact-environnemental",
    "egalite-femmes-hommes",
)


def notes(note: int = 3, commentaire: str = "Conforme.") -> list[NoteSaisie]:
    """One mark per criterion of the grid in force."""
    return [NoteSaisie(code, note, commentaire) for code in CRITERES]


def agent_instructeur(code: str) -> Utilisateur:
    """An agent of the signatory `code` who instructs (made once per test)."""
    return UtilisateurFactory(agent=True, signataire=code, username=f"instructeur.{code}")


def deposer_grilles(
    projet: Projet,
    *,
    par: Utilisateur | None = None,
    avis: str = "favorable",
    note: int = 3,
    cofinanceurs: list[str] | None = None,
) -> Projet:
    """Each CPER co-funder of the dossier (or those of `cofinanceurs`, by code) files its grid
    by one of its agents — `par` for its own signatory when it is an agent of one. With the
    rule on, the dossier is then « instruit »."""
    codes = cofinanceurs or [
        c.signataire.code for c in etat_instruction(projet=projet).cofinanceurs
    ]
    for code in codes:
        instructeur = agent_instructeur(code)
        if par is not None and par.organisation_id == signataire(code).organisation_id:
            instructeur = par
        evaluation_deposer(projet=projet, par=instructeur, notes=notes(note), avis=avis)
    return Projet.objects.get(pk=projet.pk)


def instruire(projet: Projet, *, par: Utilisateur | None = None, **grilles: Any) -> Projet:
    """From a draft to « instruit »: filed by its author, instruction begun (by `par` or the
    first co-funder's agent), every co-funder's grid filed."""
    projet_transitionner(projet=projet, action=Action.DEPOSER, par=projet.cree_par)
    debut = par or agent_instructeur(
        etat_instruction(projet=projet).cofinanceurs[0].signataire.code
    )
    projet_transitionner(projet=projet, action=Action.INSTRUIRE, par=debut)
    return deposer_grilles(projet, par=par, **grilles)


def grilles_deja_deposees(projet: Projet) -> None:
    """Every co-funder's grid filed, as the instruction would have left them, without moving
    the dossier: for tests that put a dossier in a state by hand and then take the bare
    « terminer l'instruction » step, which the rule then allows."""
    grille = grille_active()
    for cofinanceur in etat_instruction(projet=projet).cofinanceurs:
        Evaluation.objects.get_or_create(
            projet=projet,
            grille=grille,
            signataire=cofinanceur.signataire,
            defaults={
                "instructeur": agent_instructeur(cofinanceur.signataire.code),
                "avis": "favorable",
                "deposee_le": timezone.now(),
            },
        )
