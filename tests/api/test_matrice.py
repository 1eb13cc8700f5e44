"""Permission matrix of the API: each role × each endpoint × (own, other) object.

« own » is the owning organisation's porteur; « other » is a porteur of another organisation,
for whom the object does not exist (404). Agents are the Région's (the signatory of the line
under test) and the État's (another signatory). On every refusal, the database is unchanged.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from axes.models import Signataire
from financement.execution import demande_deposer
from financement.models import (
    ApprobationAvenant,
    Avenant,
    DemandePaiement,
    Engagement,
    Enveloppe,
    JournalFinancier,
    LigneProgrammee,
    Paiement,
)
from financement.services import avenant_creer, engagement_enregistrer
from projets.models import (
    DeclarationAvancement,
    Document,
    LignePlanFinancement,
    Projet,
    TransitionProjet,
)
from suivi.models import ContributionIndicateur, Echeance, Indicateur

ROLES = ["anonyme", "porteur", "porteur_autre", "lecteur", "agent", "agent_etat", "administrateur"]

ENGAGEMENT = {
    "date_acte": "2026-03-01",
    "type_acte": "arrete",
    "reference": "ARR-1",
    "montant": "1000.00",
    "annee_budgetaire": 2026,
}
INDICATEUR = {
    "mesure": "IV.2.1",
    "nom": "Surface",
    "unite": "m²",
    "nature": "realisation",
    "cible_2027": "10.00",
    "source": "Maîtres d'ouvrage",
}
PAIEMENT = {"date": "2026-04-01", "montant": "10.00", "type": "acompte"}
APPROBATION = {"signataire": "region", "date_acte": "2026-05-01", "reference": "DEL-1"}

#               anonyme porteur autre lecteur agent agent_etat admin
MATRICE = {
    # Nothing to re-balance on a plan that balances: 409 for the porteur and the secretariat.
    "projet_reequilibrer": (
        "POST",
        "/api/v1/projets/{programme}/reequilibrer/",
        {"lignes": [{"source": "fonds_propres", "montant": "1.00"}]},
        (401, 409, 404, 403, 403, 403, 409),
    ),
    "projets_liste": ("GET", "/api/v1/projets/", None, (401, 200, 200, 200, 200, 200, 200)),
    "projet_detail": (
        "GET",
        "/api/v1/projets/{brouillon}/",
        None,
        (401, 200, 404, 200, 200, 200, 200),
    ),
    "projet_creer": (
        "POST",
        "/api/v1/projets/",
        {"titre": "Projet de la matrice", "mesure": "IV.2.1.a"},
        (401, 201, 201, 403, 201, 201, 201),
    ),
    "projet_modifier": (
        "PATCH",
        "/api/v1/projets/{brouillon}/",
        {"titre": "Titre modifié"},
        # Issue 13: the porteur's draft is its own; agents may not edit it.
        (401, 200, 404, 403, 403, 403, 200),
    ),
    "projet_deposer": (
        "POST",
        "/api/v1/projets/{brouillon}/deposer/",
        {},
        # Issue 13: nor file it.
        (401, 200, 404, 403, 403, 403, 200),
    ),
    "projet_instruire_un_brouillon": (
        "POST",
        "/api/v1/projets/{brouillon}/instruire/",
        {},
        (401, 403, 404, 403, 409, 409, 409),
    ),
    "projet_demarrer": (
        "POST",
        "/api/v1/projets/{programme}/demarrer/",
        {},
        (401, 403, 404, 403, 200, 200, 200),
    ),
    "documents": (
        "GET",
        "/api/v1/projets/{brouillon}/documents/",
        None,
        (401, 200, 404, 200, 200, 200, 200),
    ),
    "lignes": ("GET", "/api/v1/financement/lignes/", None, (401, 200, 200, 200, 200, 200, 200)),
    "engager": (
        "POST",
        "/api/v1/financement/lignes/{ligne}/engagements/",
        ENGAGEMENT,
        (401, 403, 404, 403, 201, 403, 201),
    ),
    "engagements": (
        "GET",
        "/api/v1/financement/engagements/",
        None,
        (401, 200, 200, 200, 200, 200, 200),
    ),
    "payer": (
        "POST",
        "/api/v1/financement/engagements/{engagement}/paiements/",
        PAIEMENT,
        (401, 403, 404, 403, 201, 403, 201),
    ),
    # Issue 16: the porteur asks (the État's line: the Région's has a request waiting), the
    # line's signatory instructs (the État co-funds the dossier, not the Région's line).
    "demandes_de_la_ligne": (
        "GET",
        "/api/v1/financement/lignes/{ligne}/demandes-paiement/",
        None,
        (401, 200, 404, 200, 200, 200, 200),
    ),
    "demander_paiement": (
        "POST",
        "/api/v1/financement/lignes/{ligne_etat}/demandes-paiement/",
        {"type": "avance", "montant_demande": "1000.00"},
        (401, 201, 404, 403, 403, 403, 201),
    ),
    "instruire_paiement": (
        "POST",
        "/api/v1/financement/demandes-paiement/{demande}/instruction/",
        {"decision": "accepter", "montant_accepte": "10.00"},
        (401, 403, 404, 403, 200, 403, 200),
    ),
    "declarer_avancement": (
        "POST",
        "/api/v1/projets/{programme}/avancements/",
        {"etape": "travaux", "pourcentage_travaux": 10},
        (401, 201, 404, 403, 403, 403, 201),
    ),
    "avenants": ("GET", "/api/v1/avenants/", None, (200, 200, 200, 200, 200, 200, 200)),
    "avenant_approuver": (
        "POST",
        "/api/v1/avenants/{avenant}/approbations/",
        APPROBATION,
        (401, 403, 403, 403, 201, 403, 201),
    ),
    "donnees_ouvertes": (
        "GET",
        "/api/v1/donnees/projets-programmes.csv",
        None,
        (200, 200, 200, 200, 200, 200, 200),
    ),
    "scdl": ("GET", "/api/v1/donnees/subventions-scdl.csv", None, (200,) * 7),
    "export_projets": (
        "GET",
        "/api/v1/exports/projets.csv",
        None,
        (401, 200, 200, 200, 200, 200, 200),
    ),
    # Issue 16: a signatory's forecast is for its agents and the secretariat; the schedule is
    # written by the porteur and the line's signatory's agents.
    "previsions": (
        "GET",
        "/api/v1/signataires/region/previsions/",
        None,
        (401, 403, 403, 403, 200, 403, 200),
    ),
    "export_previsions": (
        "GET",
        "/api/v1/exports/previsions.csv",
        None,
        (401, 403, 403, 403, 200, 200, 200),
    ),
    "echeancier": (
        "PUT",
        "/api/v1/financement/lignes/{ligne}/echeancier/",
        {"echeances": [{"annee": 2026, "montant_ae": "1.00", "montant_cp": "1.00"}]},
        (401, 200, 404, 403, 200, 403, 200),
    ),
    "indicateurs": ("GET", "/api/v1/indicateurs/", None, (401, 200, 200, 200, 200, 200, 200)),
    "indicateur_creer": (
        "POST",
        "/api/v1/indicateurs/",
        {
            "mesure": "IV.2.1",
            "nom": "Surface",
            "unite": "m²",
            "nature": "realisation",
            "cible_2027": "10.00",
            "source": "Maîtres d'ouvrage",
        },
        (401, 403, 403, 403, 403, 403, 201),
    ),
    "bilan_mi_parcours": (
        "GET",
        "/api/v1/bilan-mi-parcours/",
        None,
        (401, 403, 403, 403, 200, 200, 200),
    ),
    "contributions": (
        "GET",
        "/api/v1/projets/{programme}/indicateurs/",
        None,
        (401, 200, 404, 200, 200, 200, 200),
    ),
    "donnees_indicateurs": ("GET", "/api/v1/donnees/indicateurs.json", None, (200,) * 7),
    "export_lignes": (
        "GET",
        "/api/v1/exports/lignes.xlsx",
        None,
        (401, 200, 200, 200, 200, 200, 200),
    ),
}

CAS = [
    pytest.param(nom, role, attendu, id=f"{nom}-{role}")
    for nom, (_, _, _, statuts) in MATRICE.items()
    for role, attendu in zip(ROLES, statuts, strict=True)
]


def etat_de_la_base() -> dict:
    """What a refused request must leave as it was."""
    return {
        "projets": list(
            Projet.objects.order_by("pk").values_list("pk", "statut", "titre", "modifie_le")
        ),
        "plans": LignePlanFinancement.objects.count(),
        "transitions": TransitionProjet.objects.count(),
        "documents": Document.objects.count(),
        "lignes": list(
            LigneProgrammee.objects.order_by("pk").values_list(
                "pk", "montant_engage", "montant_paye"
            )
        ),
        "engagements": list(Engagement.objects.order_by("pk").values_list("pk", "montant_paye")),
        "paiements": Paiement.objects.count(),
        "approbations": ApprobationAvenant.objects.count(),
        "enveloppes": list(
            Enveloppe.objects.order_by("pk").values_list(
                "montant", "montant_programme", "montant_engage", "montant_paye"
            )
        ),
        "journal": JournalFinancier.objects.count(),
        "demandes": list(
            DemandePaiement.objects.order_by("pk").values_list("pk", "statut", "montant_accepte")
        ),
        "avancements": DeclarationAvancement.objects.count(),
        "echeances": list(Echeance.objects.values_list("ligne", "annee", "montant_ae")),
        "indicateurs": Indicateur.objects.count(),
        "contributions": ContributionIndicateur.objects.count(),
    }


@pytest.fixture
def objets(projet_brouillon, projet_programme, ligne_region, agent, administrateur):
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 2, 1),
        type_acte="arrete",
        reference="ARR-0",
        montant=Decimal("100000.00"),
        annee_budgetaire=2026,
    )
    avenant = avenant_creer(
        numero=1,
        titre="Avenant de test",
        justification="Redéploiement.",
        initie_par=Signataire.objects.get(code="region"),
        enveloppes={Signataire.objects.get(code="nord"): Decimal("1000000.00")},
        par=administrateur,
    )
    demande = demande_deposer(
        ligne=ligne_region,
        par=projet_programme.cree_par,
        type_="avance",
        montant=Decimal("10.00"),
        depenses=[],
    )
    return {
        "ligne_etat": projet_programme.lignes_programmees.get(signataire__code="etat").pk,
        "demande": demande.pk,
        "brouillon": projet_brouillon.reference,
        "programme": projet_programme.reference,
        "ligne": ligne_region.pk,
        "engagement": engagement.pk,
        "avenant": avenant.numero,
    }


@pytest.fixture
def utilisateurs(porteur, porteur_autre, lecteur, agent, agent_etat, administrateur):
    return {
        "anonyme": None,
        "porteur": porteur,
        "porteur_autre": porteur_autre,
        "lecteur": lecteur,
        "agent": agent,
        "agent_etat": agent_etat,
        "administrateur": administrateur,
    }


@pytest.mark.parametrize(("nom", "role", "attendu"), CAS)
def test_matrice_des_permissions(nom, role, attendu, objets, utilisateurs):
    methode, modele, corps, _ = MATRICE[nom]
    client = Client()
    if utilisateurs[role] is not None:
        client.force_login(utilisateurs[role])
    avant = etat_de_la_base()
    reponse = client.generic(
        methode,
        modele.format(**objets),
        data=b"" if corps is None else json.dumps(corps),
        content_type="application/json",
    )
    if reponse.streaming:
        b"".join(reponse.streaming_content)  # read to the end, as a client does: files close
    assert reponse.status_code == attendu, (reponse.status_code, getattr(reponse, "data", None))
    if attendu >= 400:
        assert etat_de_la_base() == avant, "un refus ne change rien"
        assert reponse.json(), "une erreur dit pourquoi, en JSON"


def test_un_porteur_d_une_autre_organisation_ne_voit_rien_dans_les_listes(
    client, objets, porteur_autre
):
    client.force_login(porteur_autre)
    for url in [
        "/api/v1/projets/",
        "/api/v1/financement/lignes/",
        "/api/v1/financement/engagements/",
    ]:
        assert client.get(url).json()["count"] == 0, url
    export = b"".join(client.get("/api/v1/exports/projets.csv").streaming_content)
    assert export.count(b"\r\n") == 1, "l'en-tête seulement"
    assert Avenant.objects.count() == 1
