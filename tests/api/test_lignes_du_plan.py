"""A financing plan's lines refused through the API: one shape, whoever refuses them.

DRF's own checks and the services' rules answer alike: `lignes` is a list with one entry per
line sent, `{}` for a line without error, `{"champ": ["message"]}` otherwise; what concerns the
plan as a whole (« le plan n'est pas équilibré ») or the list itself is in `non_field_errors`.
Each refusal writes nothing.
"""

import pytest

from projets.models import LignePlanFinancement, Projet, Statut
from projets.services import projet_creer
from tests.api.test_projets import creer
from tests.factories.projets import a_reequilibrer as reduit_par_le_comite

REGION = {"signataire": "region", "nature": "cper", "montant": "1000000.00"}
ETAT = {"signataire": "etat", "nature": "cper", "montant": "750000.00"}
PROPRES = {"source": "fonds_propres", "nature": "hors_cper", "montant": "750000.00"}
ESP, NBSP = "\u202f", "\xa0"


def empreinte(projet: Projet | None = None) -> tuple:
    """What a write on dossiers or their plans would change."""
    lignes = LignePlanFinancement.objects.all()
    if projet is not None:
        lignes = lignes.filter(projet=projet)
        projet = Projet.objects.get(pk=projet.pk)
    return (
        Projet.objects.count(),
        sorted((str(ligne.montant), ligne.nature, ligne.source) for ligne in lignes),
        LignePlanFinancement.historique.count(),
        None
        if projet is None
        else (projet.statut, projet.cout_total_ht, projet.montant_a_reequilibrer),
    )


# --- Création ------------------------------------------------------------------------------
def test_a_la_creation_chaque_ligne_refusee_par_drf_l_est_sous_son_index(client, agent):
    client.force_login(agent)
    avant = empreinte()
    reponse = creer(
        client,
        lignes=[
            REGION,
            {"signataire": "etat", "source": "ademe", "nature": "cper", "montant": "10.00"},
            {**PROPRES, "montant": "0"},
        ],
    )
    assert reponse.status_code == 400
    assert reponse.json() == {
        "lignes": [
            {},
            {"signataire": ["Indiquez soit un signataire, soit une autre source."]},
            {"montant": ["Le montant doit être supérieur à zéro."]},
        ]
    }
    assert empreinte() == avant


def test_a_la_creation_la_regle_du_service_repond_sous_l_index_de_la_ligne(client, agent):
    """Past DRF, the service refuses an other source's line said CPER: the same shape."""
    client.force_login(agent)
    avant = empreinte()
    reponse = creer(client, lignes=[REGION, ETAT, {**PROPRES, "nature": "cper"}])
    assert reponse.status_code == 400
    assert reponse.json() == {
        "lignes": [
            {},
            {},
            {"nature": ["Seule une ligne d'un signataire peut être de nature CPER."]},
        ],
        "detail": "Ligne 3 : seule une ligne d'un signataire peut être de nature CPER.",
    }
    assert empreinte() == avant


def test_des_lignes_qui_ne_sont_pas_une_liste_sont_refusees_pour_le_plan(client, agent):
    client.force_login(agent)
    avant = empreinte()
    reponse = creer(client, lignes={"montant": "10.00"})
    assert reponse.status_code == 400
    assert reponse.json() == {
        "non_field_errors": [
            "Les lignes du plan de financement s'envoient en liste, un objet par ligne."
        ]
    }
    assert empreinte() == avant


# --- Modification --------------------------------------------------------------------------
def test_a_la_modification_les_erreurs_de_lignes_ont_la_meme_forme(client, agent):
    client.force_login(agent)
    reference = creer(client).json()["reference"]
    projet = Projet.objects.get(reference=reference)
    avant = empreinte(projet)
    url = f"/api/v1/projets/{reference}/"
    drf = client.patch(
        url, {"lignes": [REGION, {**ETAT, "montant": "0.00"}]}, content_type="application/json"
    )
    assert drf.status_code == 400
    assert drf.json() == {"lignes": [{}, {"montant": ["Le montant doit être supérieur à zéro."]}]}
    service = client.patch(
        url,
        {"lignes": [{**PROPRES, "nature": "cper"}, REGION]},
        content_type="application/json",
    )
    assert service.status_code == 400
    assert service.json() == {
        "lignes": [{"nature": ["Seule une ligne d'un signataire peut être de nature CPER."]}, {}],
        "detail": "Ligne 1 : seule une ligne d'un signataire peut être de nature CPER.",
    }
    assert empreinte(projet) == avant


def test_un_plan_desequilibre_apres_le_depot_est_refuse_pour_le_plan(client, agent):
    """The Région's agent lowers its own line after filing: a rule of the whole plan, in
    `non_field_errors`, never a list of strings in `lignes`."""
    client.force_login(agent)
    reference = creer(client).json()["reference"]
    client.post(f"/api/v1/projets/{reference}/deposer/", {}, content_type="application/json")
    projet = Projet.objects.get(reference=reference)
    assert projet.statut == Statut.DEPOSE
    avant = empreinte(projet)
    reponse = client.patch(
        f"/api/v1/projets/{reference}/",
        {"lignes": [{**REGION, "montant": "950000.00"}, ETAT, PROPRES]},
        content_type="application/json",
    )
    assert reponse.status_code == 400
    assert reponse.json() == {
        "non_field_errors": [
            f"Le plan de financement n'est pas équilibré : les lignes totalisent "
            f"2{ESP}450{ESP}000,00{NBSP}€ pour un coût total de 2{ESP}500{ESP}000,00{NBSP}€ "
            f"(il manque 50{ESP}000,00{NBSP}€)."
        ],
        "detail": "Le plan de financement modifié ne tient plus : rien n'a été enregistré.",
    }
    assert empreinte(projet) == avant


def test_un_depot_refuse_pour_le_plan_le_dit_hors_des_lignes(client, agent):
    client.force_login(agent)
    reference = creer(client, cout_total_ht="2500000.50").json()["reference"]
    reponse = client.post(
        f"/api/v1/projets/{reference}/deposer/", {}, content_type="application/json"
    )
    assert reponse.status_code == 400
    corps = reponse.json()
    assert "lignes" not in corps
    assert corps["non_field_errors"] == [
        f"Le plan de financement n'est pas équilibré : les lignes totalisent "
        f"2{ESP}500{ESP}000,00{NBSP}€ pour un coût total de 2{ESP}500{ESP}000,50{NBSP}€ "
        f"(il manque 0,50{NBSP}€)."
    ]
    assert Projet.objects.get(reference=reference).statut == Statut.BROUILLON


# --- Rééquilibrage -------------------------------------------------------------------------
@pytest.fixture
def a_reequilibrer(porteur, donnees_completes):
    """A retained dossier whose État line the committee cut by 100 000,00 € (350 000 → 250 000):
    1 000 000,00 € of cost, 900 000,00 € of lines and 100 000,00 € to re-balance."""
    return reduit_par_le_comite(
        projet_creer(donnees=donnees_completes(), par=porteur), porteur=porteur
    )


def _reequilibrer(client, projet, lignes):
    return client.post(
        f"/api/v1/projets/{projet.reference}/reequilibrer/",
        {"lignes": lignes},
        content_type="application/json",
    )


def test_le_reequilibrage_refuse_chaque_ligne_sous_son_index(client, porteur, a_reequilibrer):
    client.force_login(porteur)
    avant = empreinte(a_reequilibrer)
    drf = _reequilibrer(
        client,
        a_reequilibrer,
        [{"source": "fonds_propres", "montant": "350000.00"}, {"source": "ademe", "montant": "0"}],
    )
    assert drf.status_code == 400
    assert drf.json() == {"lignes": [{}, {"montant": ["Le montant doit être supérieur à zéro."]}]}
    service = _reequilibrer(
        client,
        a_reequilibrer,
        [
            {"source": "fonds_propres", "montant": "250000.00"},
            {"source": "ademe", "nature": "cper", "montant": "100000.00"},
        ],
    )
    assert service.status_code == 400
    message = (
        "Le rééquilibrage ne nomme pas de signataire du contrat ; seule une décision de son "
        "comité engage l'argent d'un signataire."
    )
    assert service.json() == {
        "lignes": [{}, {"nature": [message]}],
        "detail": f"Ligne 2 : l{message[1:]}",
    }
    assert empreinte(a_reequilibrer) == avant


def test_un_reequilibrage_trop_court_est_refuse_pour_le_plan(client, porteur, a_reequilibrer):
    client.force_login(porteur)
    avant = empreinte(a_reequilibrer)
    reponse = _reequilibrer(
        client, a_reequilibrer, [{"source": "fonds_propres", "montant": "300000.00"}]
    )
    assert reponse.status_code == 400
    assert reponse.json() == {
        "non_field_errors": [
            f"Le plan de financement n'est pas équilibré : les lignes totalisent "
            f"950{ESP}000,00{NBSP}€ pour un coût total de 1{ESP}000{ESP}000,00{NBSP}€ "
            f"(il manque 50{ESP}000,00{NBSP}€)."
        ],
        "detail": f"Le plan ne couvre pas encore les 100{ESP}000,00{NBSP}€ retirés par le "
        "comité : rien n'a été enregistré.",
    }
    assert empreinte(a_reequilibrer) == avant
    fait = _reequilibrer(
        client, a_reequilibrer, [{"source": "fonds_propres", "montant": "350000.00"}]
    )
    assert fait.status_code == 200, fait.json()
    assert fait.json()["montant_a_reequilibrer"] == "0.00"
