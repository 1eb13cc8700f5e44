"""Data of the cluster scenario, written on the cluster's primary by its own settings:
`python -m tests.deploiement.preparer` with the cluster's environment. Prints a JSON line:
the accounts' identifiers, the dossier references and the ids the test needs."""

import json
from datetime import date, timedelta
from decimal import Decimal

import django

if __name__ == "__main__":
    django.setup()

from django.utils import timezone

from axes.models import Departement, Noeud, Signataire
from comptes.models import Organisation, Role, TypeOrganisation, Utilisateur
from financement.services import projet_programmer
from gouvernance.models import Comite, Membre, RoleMembre
from gouvernance.services import seance_creer
from projets.models import NatureFinancement, Projet, SourceFinancement, Statut
from projets.services import DonneesProjet, LigneSaisie, PhaseSaisie, projet_creer

MOT_DE_PASSE = "motdepasse-grappe-42"


def utilisateur(identifiant, role, organisation):
    return Utilisateur.objects.create_user(
        username=identifiant,
        password=MOT_DE_PASSE,
        organisation=organisation,
        role=role,
        email=f"{identifiant}@exemple.fr",
    )


def donnees(titre):
    region = Signataire.objects.get(code="region")
    etat = Signataire.objects.get(code="etat")
    return DonneesProjet(
        titre=titre,
        description="Rénovation énergétique d'un bâtiment d'enseignement.",
        mesure=Noeud.objects.get(code="IV.2.1.a"),
        departements=[Departement.objects.get(code_insee="59")],
        communes=[("59009", "Villeneuve-d'Ascq")],
        date_debut=date(2026, 1, 1),
        date_fin=date(2027, 6, 30),
        cout_total_ht=Decimal("1000000.00"),
        decarbonation="favorable",
        decarbonation_justification="Chauffage par pompe à chaleur.",
        impact_environnemental="favorable",
        impact_environnemental_justification="Matériaux biosourcés.",
        egalite_femmes_hommes="neutre",
        egalite_femmes_hommes_justification="Accès égal aux locaux.",
        lignes=[
            LigneSaisie(Decimal("400000.00"), NatureFinancement.CPER, signataire_id=region.pk),
            LigneSaisie(Decimal("350000.00"), NatureFinancement.CPER, signataire_id=etat.pk),
            LigneSaisie(
                Decimal("250000.00"),
                NatureFinancement.HORS_CPER,
                source=SourceFinancement.FONDS_PROPRES,
            ),
        ],
        phases=[PhaseSaisie("etudes", 2026, 2026), PhaseSaisie("travaux", 2026, 2027)],
    )


def main():
    orga = {s.code: s.organisation for s in Signataire.objects.all()}
    universite = Organisation.objects.create(
        nom="Université de la grappe", type=TypeOrganisation.ENSEIGNEMENT_RECHERCHE
    )
    porteur = utilisateur("porteur", Role.PORTEUR, universite)
    utilisateur("agent.region", Role.AGENT, orga["region"])
    utilisateur("agent.etat", Role.AGENT, orga["etat"])
    administrateur = utilisateur("admin", Role.ADMINISTRATEUR, orga["etat"])
    utilisateur("cible", Role.LECTEUR, universite)  # the account the log-in storm locks

    comite = Comite.objects.get(code="programmation")
    debut = date(2024, 1, 1)
    membres = []
    for identifiant, role, code in (
        ("prefet", RoleMembre.CO_PRESIDENT, "etat"),
        ("president.region", RoleMembre.CO_PRESIDENT, "region"),
        ("elu.nord", RoleMembre.VOTANT, "nord"),
        ("sgar", RoleMembre.SECRETARIAT, "etat"),
    ):
        compte = utilisateur(
            identifiant, Role.AGENT if identifiant == "sgar" else Role.MEMBRE_COMITE, orga[code]
        )
        membres.append(
            Membre.objects.create(
                comite=comite, utilisateur=compte, organisation=orga[code], role=role, debut=debut
            )
        )
    secretaire = membres[-1].utilisateur
    seance = seance_creer(
        comite=comite,
        date=timezone.now() + timedelta(days=1),
        lieu="Préfecture de région, Lille",
        par=secretaire,
    )
    brouillon = projet_creer(donnees=donnees("Maison de l'étudiant"), par=porteur)

    tempete = projet_creer(donnees=donnees("Halle des sports"), par=porteur)
    Projet.objects.filter(pk=tempete.pk).update(statut=Statut.RETENU)
    tempete = projet_programmer(projet=Projet.objects.get(pk=tempete.pk), par=administrateur)
    print(
        json.dumps(
            {
                "brouillon": brouillon.reference,
                "seance": seance.pk,
                "membres": {m.utilisateur.username: m.pk for m in membres[:-1]},
                "ligne_tempete": tempete.lignes_programmees.get(signataire__code="region").pk,
            }
        )
    )


if __name__ == "__main__":
    main()
