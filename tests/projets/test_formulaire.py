"""The dossier's form for a first-time porteur: required fields marked, the own-funds line's
nature follows its funder, and a refused form starts with a summary linking to each field."""

import re

from django.urls import reverse

from axes.models import Departement, Noeud, Signataire
from projets.models import LignePlanFinancement, NatureFinancement, Projet, Statut
from projets.services import CHAMPS_REQUIS_AU_DEPOT, projet_creer, verifier_depot


def _donnees(**surcharges):
    region = Signataire.objects.get(code="region")
    donnees = {
        "titre": "Maison de santé de Fourmies",
        "description": "Regrouper six professionnels de santé.",
        "mesure": Noeud.objects.get(code="II.3").pk,
        "departements": [Departement.objects.get(code_insee="59").pk],
        "communes": "59249 Fourmies",
        "date_debut": "2026-03-01",
        "date_fin": "2027-06-30",
        "cout_total_ht": "1 000 000,00",
        "decarbonation": "favorable",
        "decarbonation_justification": "Bâtiment passif.",
        "impact_environnemental": "neutre",
        "impact_environnemental_justification": "Friche réutilisée.",
        "egalite_femmes_hommes": "neutre",
        "egalite_femmes_hommes_justification": "Sans effet.",
        "lignes-TOTAL_FORMS": "2",
        "lignes-INITIAL_FORMS": "0",
        "lignes-0-financeur": f"sig:{region.pk}",
        "lignes-0-nature": "",
        "lignes-0-montant": "750 000,00",
        "lignes-1-financeur": "src:fonds_propres",
        "lignes-1-nature": "",
        "lignes-1-montant": "250 000,00",
        "phases-TOTAL_FORMS": "1",
        "phases-INITIAL_FORMS": "0",
        "phases-0-type": "travaux",
        "phases-0-annee_debut": "2026",
        "phases-0-annee_fin": "2027",
    }
    donnees.update(surcharges)
    return donnees


def test_un_premier_porteur_depose_sans_choisir_la_nature_des_lignes(client, porteur):
    client.force_login(porteur)
    reponse = client.post(reverse("projets:creer"), {**_donnees(), "deposer": "1"})
    assert reponse.status_code == 302
    projet = Projet.objects.get(titre="Maison de santé de Fourmies")
    assert projet.statut == Statut.DEPOSE
    natures = {
        (ligne.signataire.code if ligne.signataire_id else ligne.source): ligne.nature
        for ligne in LignePlanFinancement.objects.filter(projet=projet)
    }
    assert natures == {
        "region": NatureFinancement.CPER,
        "fonds_propres": NatureFinancement.HORS_CPER,
    }


def test_des_fonds_propres_declares_cper_restent_refuses(client, porteur):
    client.force_login(porteur)
    reponse = client.post(
        reverse("projets:creer"), {**_donnees(**{"lignes-1-nature": "cper"}), "deposer": "1"}
    )
    assert reponse.status_code == 200
    assert "Seule la part d'un signataire du contrat peut être de nature CPER." in (
        reponse.content.decode().replace("&#x27;", "'")
    )
    assert not Projet.objects.filter(titre="Maison de santé de Fourmies").exists()


def test_un_refus_commence_par_un_resume_qui_mene_a_chaque_champ(client, porteur):
    client.force_login(porteur)
    donnees = _donnees(date_fin="2025-01-01", **{"lignes-0-montant": "abc"})
    reponse = client.post(reverse("projets:creer"), {**donnees, "deposer": "1"})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    resume = html.split('id="resume-erreurs"', 1)[1].split("</div>", 1)[0]
    assert "Le formulaire contient 2 erreurs" in resume
    liens = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', resume))
    assert "id_date_fin" in liens and liens["id_date_fin"].startswith("Date de fin")
    assert "id_lignes-0-montant" in liens and "(ligne 1)" in liens["id_lignes-0-montant"]
    # the summary sits above the form, the fields it names exist in the page
    assert html.index('id="resume-erreurs"') < html.index('id="formulaire-projet"')
    assert 'id="id_date_fin"' in html and 'id="id_lignes-0-montant"' in html
    assert not Projet.objects.filter(titre="Maison de santé de Fourmies").exists()


def test_les_champs_requis_au_depot_sont_marques(client, porteur):
    client.force_login(porteur)
    html = client.get(reverse("projets:creer")).content.decode()
    assert re.search(r"Description\s*\*", html)
    assert re.search(r"Coût total[^<]*\*", html)
    assert "Les champs marqués d’un astérisque (*) sont obligatoires pour déposer" in html


def test_le_marquage_dit_ce_que_le_depot_verifie(porteur, donnees_completes):
    projet = projet_creer(
        donnees=donnees_completes(
            description="",
            departements=[],
            cout_total_ht=None,
            lignes=[],
            date_debut=None,
            date_fin=None,
            phases=[],
            decarbonation="",
            decarbonation_justification="",
            impact_environnemental="",
            impact_environnemental_justification="",
            egalite_femmes_hommes="",
            egalite_femmes_hommes_justification="",
        ),
        par=porteur,
    )
    demandes = set(verifier_depot(projet))
    assert demandes <= CHAMPS_REQUIS_AU_DEPOT
    # the porteur's organisation is its maître d'ouvrage; « lignes » is asked once a cost is set
    assert CHAMPS_REQUIS_AU_DEPOT - demandes == {"maitre_ouvrage", "lignes"}


def test_sans_script_ajouter_une_ligne_recharge_le_formulaire_avec_une_rangee_de_plus(
    client, porteur
):
    client.force_login(porteur)
    reponse = client.post(reverse("projets:creer"), {**_donnees(), "ajouter": "ligne"})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert 'name="lignes-2-financeur"' in html
    assert 'id="resume-erreurs"' not in html
