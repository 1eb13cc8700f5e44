"""The steps of a dossier's lifecycle that move money go through the ledger's use-cases, from
the services, the dossier's page and the API: programming takes the CPER lines, closing and
abandoning release what was not used; a refusal writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from financement.models import Engagement, Enveloppe, JournalFinancier, LigneProgrammee
from financement.services import (
    EnveloppeInsuffisante,
    engagement_enregistrer,
    paiement_enregistrer,
    projet_abandonner,
    projet_programmer,
    projet_solder,
)
from projets.models import Projet, Statut, TransitionProjet
from projets.services import projet_creer, projet_transitionner
from socle.exceptions import ActionNonAutorisee


def enveloppe(code):
    return Enveloppe.objects.get(signataire__code=code)


def degagements():
    return dict(
        JournalFinancier.objects.filter(type="degagement").values_list(
            "signataire__code", "montant"
        )
    )


@pytest.fixture
def en_cours_paye_en_partie(ligne_region, agent, administrateur):
    """A programmed dossier under way: 300 000,00 € committed on the Région's line, 100 000,00 €
    paid; nothing committed on the État's 350 000,00 €."""
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-001",
        montant=Decimal("300000.00"),
        annee_budgetaire=2026,
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 6, 1),
        montant=Decimal("100000.00"),
        type_="acompte",
    )
    projet_transitionner(projet=ligne_region.projet, action="demarrer", par=administrateur)
    return Projet.objects.get(pk=ligne_region.projet_id)


def _verifier_degage(projet):
    """Closed or abandoned under way: the Région keeps what it paid, the rest goes back."""
    region = enveloppe("region")
    assert (region.montant_programme, region.montant_engage, region.montant_paye) == (
        Decimal("100000.00"),
        Decimal("100000.00"),
        Decimal("100000.00"),
    )
    assert enveloppe("etat").montant_programme == Decimal("0.00")
    engagement = Engagement.objects.get(ligne__projet=projet)
    assert (engagement.montant, engagement.montant_degage) == (
        Decimal("100000.00"),
        Decimal("200000.00"),
    )
    assert degagements() == {"region": Decimal("300000.00"), "etat": Decimal("350000.00")}


def test_programmer_est_tout_ou_rien(porteur, administrateur, donnees_completes, retenir):
    Enveloppe.objects.filter(signataire__code="etat").update(montant=Decimal("349999.99"))
    projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
    with pytest.raises(EnveloppeInsuffisante, match="État"):
        projet_programmer(projet=projet, par=administrateur)
    # Neither the transition nor the Région's line (which its envelope could take) remain.
    assert Projet.objects.get(pk=projet.pk).statut == Statut.RETENU
    assert not TransitionProjet.objects.filter(projet=projet).exists()
    assert not LigneProgrammee.objects.exists()
    assert enveloppe("region").montant_programme == Decimal("0.00")


def test_programmer_sans_mandat_suit_les_droits_du_dossier(
    porteur, donnees_completes, retenir, lecteur
):
    projet = retenir(projet_creer(donnees=donnees_completes(), par=porteur))
    with pytest.raises(ActionNonAutorisee):
        projet_programmer(projet=projet, par=lecteur)
    assert not LigneProgrammee.objects.exists()


def test_solder_par_le_service_degage(en_cours_paye_en_partie, administrateur):
    projet_solder(projet=en_cours_paye_en_partie, par=administrateur)
    assert Projet.objects.get(pk=en_cours_paye_en_partie.pk).statut == Statut.SOLDE
    _verifier_degage(en_cours_paye_en_partie)


def test_abandonner_un_brouillon_ne_touche_pas_au_registre(projet_brouillon, porteur):
    projet_abandonner(projet=projet_brouillon, par=porteur, commentaire="Financé autrement.")
    assert Projet.objects.get(pk=projet_brouillon.pk).statut == Statut.ABANDONNE
    assert not JournalFinancier.objects.exists()


def test_solder_par_la_page_du_dossier_degage(client, administrateur, en_cours_paye_en_partie):
    client.force_login(administrateur)
    url = reverse("projet_action", args=[en_cours_paye_en_partie.reference, "solder"])
    assert url == f"/projets/{en_cours_paye_en_partie.reference}/action/solder/"
    assert "Solder" in client.get(url).content.decode()
    reponse = client.post(url, {"commentaire": "Opération achevée."})
    assert reponse.status_code == 302
    projet = Projet.objects.get(pk=en_cours_paye_en_partie.pk)
    assert projet.statut == Statut.SOLDE
    assert projet.transitions.last().commentaire == "Opération achevée."
    _verifier_degage(projet)


def test_abandonner_par_la_page_du_dossier_degage(client, administrateur, en_cours_paye_en_partie):
    client.force_login(administrateur)
    url = reverse("projet_action", args=[en_cours_paye_en_partie.reference, "abandonner"])
    refus = client.post(url, {"commentaire": ""})
    assert refus.status_code == 200  # the reason is required: the form says so
    assert degagements() == {}
    assert client.post(url, {"commentaire": "Permis refusé."}).status_code == 302
    projet = Projet.objects.get(pk=en_cours_paye_en_partie.pk)
    assert (projet.statut, projet.motif_abandon) == (Statut.ABANDONNE, "Permis refusé.")
    _verifier_degage(projet)


def test_solder_par_l_api_degage(client, administrateur, en_cours_paye_en_partie):
    client.force_login(administrateur)
    reponse = client.post(
        f"/api/v1/projets/{en_cours_paye_en_partie.reference}/solder/",
        {},
        content_type="application/json",
    )
    assert reponse.status_code == 200
    assert reponse.json()["statut"] == "solde"
    _verifier_degage(en_cours_paye_en_partie)


def test_abandonner_par_l_api_degage_et_un_refus_n_ecrit_rien(
    client, administrateur, projet_programme
):
    client.force_login(administrateur)
    url = f"/api/v1/projets/{projet_programme.reference}/abandonner/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    assert enveloppe("region").montant_programme == Decimal("400000.00")
    reponse = client.post(url, {"commentaire": "Permis refusé."}, content_type="application/json")
    assert reponse.status_code == 200
    assert reponse.json()["statut"] == "abandonne"
    assert enveloppe("region").montant_programme == Decimal("0.00")
    assert enveloppe("etat").montant_programme == Decimal("0.00")
    assert degagements() == {"region": Decimal("400000.00"), "etat": Decimal("350000.00")}


def test_programmer_par_l_api_prend_les_lignes(client, administrateur, porteur, donnees_completes):
    projet = projet_creer(donnees=donnees_completes(), par=porteur)
    Projet.objects.filter(pk=projet.pk).update(statut=Statut.RETENU)
    client.force_login(administrateur)
    reponse = client.post(
        f"/api/v1/projets/{projet.reference}/programmer/", {}, content_type="application/json"
    )
    assert reponse.status_code == 200
    assert enveloppe("region").montant_programme == Decimal("400000.00")
    assert enveloppe("etat").montant_programme == Decimal("350000.00")


def test_une_action_de_comite_n_est_pas_offerte_par_l_api(client, administrateur, projet_brouillon):
    client.force_login(administrateur)
    reponse = client.post(
        f"/api/v1/projets/{projet_brouillon.reference}/retenir/",
        {},
        content_type="application/json",
    )
    assert reponse.status_code == 404


def test_seul_le_registre_prend_les_etapes_qui_engagent_de_l_argent():
    """No application module but the ledger's use-cases asks `projet_transitionner` for
    programmer, solder or abandonner (the tests of the lifecycle table itself may)."""
    import ast
    from pathlib import Path

    racine = Path(__file__).resolve().parents[2]
    financieres = {"programmer", "solder", "abandonner", "PROGRAMMER", "SOLDER", "ABANDONNER"}
    fautifs = []
    applications = ["socle", "comptes", "axes", "projets", "financement", "gouvernance"]
    applications += ["rapports", "tableau_de_bord", "cper", "outillage"]
    for fichier in (f for app in applications for f in (racine / app).rglob("*.py")):
        relatif = fichier.relative_to(racine).as_posix()
        if "/migrations/" in relatif or relatif == "financement/services.py":
            continue
        for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
            if not (
                isinstance(noeud, ast.Call)
                and getattr(noeud.func, "id", getattr(noeud.func, "attr", ""))
                == "projet_transitionner"
            ):
                continue
            for argument in noeud.keywords:
                valeur = argument.value
                if isinstance(valeur, ast.Constant):
                    nom = valeur.value
                elif isinstance(valeur, ast.Attribute):
                    nom = valeur.attr
                else:
                    continue  # computed: the edges go through `projet_faire_avancer`
                if argument.arg == "action" and nom in financieres:
                    fautifs.append(f"{relatif}:{noeud.lineno}")
    assert fautifs == []
