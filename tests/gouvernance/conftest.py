"""A committee with its members, a planned session and instructed dossiers."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils import timezone

from axes.models import Signataire
from comptes.models import Role
from gouvernance.models import Comite, Membre, RoleMembre, Seance
from gouvernance.services import (
    presence_enregistrer,
    seance_creer,
    seance_inscrire_projet,
    seance_ouvrir,
)
from projets.models import Projet
from projets.services import projet_creer
from tests.factories.gouvernance import instruire as instruire_par_tous
from tests.factories.gouvernance import notes

NOTES_FAVORABLES = notes()


@pytest.fixture
def instruire(agent, porteur):
    """Take a dossier from its creation to « instruit » (filed by its porteur, instructed,
    each co-funder's grid filed — `par`'s own, when it is a co-funder's agent)."""

    def faire(projet: Projet, par=None) -> Projet:
        return instruire_par_tous(projet, par=par or agent)

    return faire


@pytest.fixture
def nouveau_projet(porteur, donnees_completes):
    def faire(**surcharges) -> Projet:
        return projet_creer(donnees=donnees_completes(**surcharges), par=porteur)

    return faire


@dataclass
class Comitologie:
    comite: Comite
    secretaire: object
    president: Membre
    votants: list[Membre]
    associe: Membre
    recuse: Membre
    seance: Seance
    projets: list[Projet] = field(default_factory=list)
    points: list = field(default_factory=list)

    def tous_presents(self):
        for membre in [self.president, *self.votants, self.recuse, self.associe]:
            presence_enregistrer(
                seance=self.seance, membre=membre, statut="present", par=self.secretaire
            )

    def ouvrir(self):
        seance_ouvrir(seance=self.seance, par=self.secretaire)
        self.seance.refresh_from_db()


@pytest.fixture
def comitologie(creer_utilisateur, agent, universite, instruire, nouveau_projet):
    """The programming committee (it covers every measure) with five voting members — one of
    them from the université that owns the dossiers —, an associated member and a
    secretariat; a session planned tomorrow with two instructed dossiers on its agenda."""
    comite = Comite.objects.get(code="programmation")
    debut = date(2024, 1, 1)
    orga = {s.code: s.organisation for s in Signataire.objects.all()}

    def membre(identifiant, role, organisation, role_utilisateur=Role.MEMBRE_COMITE):
        utilisateur = creer_utilisateur(
            identifiant,
            role=role_utilisateur,
            organisation=organisation,
            email=f"{identifiant}@exemple.fr",
        )
        return Membre.objects.create(
            comite=comite,
            utilisateur=utilisateur,
            organisation=organisation,
            role=role,
            debut=debut,
        )

    president = membre("prefet", RoleMembre.CO_PRESIDENT, orga["etat"])
    votants = [
        membre("president.region", RoleMembre.CO_PRESIDENT, orga["region"]),
        membre("elu.nord", RoleMembre.VOTANT, orga["nord"]),
        membre("elu.somme", RoleMembre.VOTANT, orga["somme"]),
    ]
    recuse = membre("vice.presidente.universite", RoleMembre.VOTANT, universite)
    associe = membre("sncf.reseau", RoleMembre.ASSOCIE, orga["aisne"])
    secretariat = membre("sgar", RoleMembre.SECRETARIAT, orga["etat"], Role.AGENT)
    seance = seance_creer(
        comite=comite,
        date=timezone.now() + timedelta(days=1),
        lieu="Préfecture de région, Lille",
        par=secretariat.utilisateur,
    )
    scene = Comitologie(
        comite=comite,
        secretaire=secretariat.utilisateur,
        president=president,
        votants=votants,
        associe=associe,
        recuse=recuse,
        seance=seance,
    )
    for titre in ("Rénovation du bâtiment A", "Extension de la bibliothèque"):
        projet = instruire(nouveau_projet(titre=titre))
        scene.projets.append(projet)
        scene.points.append(
            seance_inscrire_projet(seance=seance, projet=projet, par=scene.secretaire)
        )
    return scene
