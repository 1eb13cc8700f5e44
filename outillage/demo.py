"""Demonstration accounts: one per role and one agent per signatory (never in production)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from axes.models import Signataire
from comptes.models import Organisation, Role, TypeOrganisation, Utilisateur

MOT_DE_PASSE_DEMO = "cper-demo-2027"


@dataclass
class CompteDemo:
    identifiant: str
    nom: str
    role: str
    organisation: str


def comptes_demo_prevus() -> list[tuple[str, str, str, str, str, str]]:
    """(identifiant, prénom, nom, rôle, organisation, type d'organisation)."""
    comptes: list[tuple[str, str, str, str, str, str]] = [
        ("admin", "Camille", "Secrétariat", Role.ADMINISTRATEUR, "Secrétariat du CPER", "etat"),
        ("lecteur", "Louis", "Lecteur", Role.LECTEUR, "Secrétariat du CPER", "etat"),
        ("membre", "Morgane", "Membre", Role.MEMBRE_COMITE, "Région Hauts-de-France", "region"),
        (
            "porteur",
            "Paul",
            "Porteur",
            Role.PORTEUR,
            "Université de Lille",
            TypeOrganisation.ENSEIGNEMENT_RECHERCHE,
        ),
    ]
    for signataire in Signataire.objects.select_related("organisation").order_by("ordre"):
        comptes.append(
            (
                f"agent.{signataire.code}",
                "Agent",
                signataire.nom,
                Role.AGENT,
                signataire.organisation.nom,
                signataire.organisation.type,
            )
        )
    return comptes


@transaction.atomic
def creer_comptes_demo() -> list[CompteDemo]:
    if not settings.COMPTES_DEMO_AUTORISES:
        raise ImproperlyConfigured(
            "Les comptes de démonstration sont refusés sur une instance de production "
            "(COMPTES_DEMO_AUTORISES est faux)."
        )
    crees = []
    for (
        identifiant,
        prenom,
        nom,
        role,
        nom_organisation,
        type_organisation,
    ) in comptes_demo_prevus():
        organisation, _ = Organisation.objects.get_or_create(
            nom=nom_organisation, defaults={"type": type_organisation}
        )
        utilisateur = Utilisateur.objects.filter(username=identifiant).first()
        if utilisateur is None:
            utilisateur = Utilisateur(username=identifiant)
            utilisateur.set_password(MOT_DE_PASSE_DEMO)
        utilisateur.first_name = prenom
        utilisateur.last_name = nom
        utilisateur.email = f"{identifiant}@demo.cper.local"
        utilisateur.organisation = organisation
        utilisateur.role = role
        utilisateur.is_staff = utilisateur.is_superuser = role == Role.ADMINISTRATEUR
        utilisateur.save()
        crees.append(CompteDemo(identifiant, f"{prenom} {nom}", Role(role).label, organisation.nom))
    return crees
