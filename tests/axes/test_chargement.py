"""The signed contract, loaded from the repository's fixture, exactly as signed."""

from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.core.management import call_command

from axes.models import ArticleContrat, Contrat, Departement, Niveau, Noeud, Signataire
from financement.models import Enveloppe
from projets.models import Origine, Projet, Statut

# Article 2 of the signed text (lines 111-119), in euros.
ENVELOPPES_ARTICLE_2 = {
    "etat": Decimal("994262000.00"),
    "region": Decimal("995212000.00"),
    "nord": Decimal("195400000.00"),
    "pas-de-calais": Decimal("146420000.00"),
    "oise": Decimal("52976000.00"),
    "somme": Decimal("96205000.00"),
    "aisne": Decimal("28180000.00"),
    "mel": Decimal("194600000.00"),
    "amiens-metropole": Decimal("56308000.00"),
}


def instantane():
    """Every row of every table of the portal's apps, to compare two states of the base."""
    etat = {}
    for app in ("comptes", "axes", "projets", "financement"):
        for modele in apps.get_app_config(app).get_models():
            etat[modele.__name__] = [
                tuple(sorted(ligne.items())) for ligne in modele.objects.order_by("pk").values()
            ]
    etat["Projet.departements"] = sorted(
        Projet.departements.through.objects.values_list("projet_id", "departement_id")
    )
    return etat


def test_le_contrat_est_celui_signe_a_lille_le_9_janvier_2023():
    contrat = Contrat.objects.get()
    assert contrat.nom == "Contrat de Plan État-Région Hauts-de-France 2021-2027"
    assert (contrat.annee_debut, contrat.annee_fin) == (2021, 2027)
    assert contrat.lieu_signature == "Lille"
    assert contrat.date_signature.isoformat() == "2023-01-09"
    assert list(ArticleContrat.objects.values_list("numero", flat=True)) == [1, 2, 3, 4, 5]
    article_4 = ArticleContrat.objects.get(numero=4)
    assert "donnera lieu à un avenant" in article_4.texte


def test_chaque_enveloppe_est_celle_de_l_article_2_au_centime():
    signataires = {s.code: s for s in Signataire.objects.select_related("enveloppe")}
    assert set(signataires) == set(ENVELOPPES_ARTICLE_2)
    for code, montant in ENVELOPPES_ARTICLE_2.items():
        assert signataires[code].montant_article_2 == montant, code
        assert signataires[code].enveloppe.montant == montant, code


def test_le_total_des_neuf_enveloppes_est_2_759_563_000_euros():
    total = sum(Enveloppe.objects.values_list("montant", flat=True), Decimal(0))
    assert total == Decimal("2759563000.00")
    assert Signataire.objects.count() == 9


def test_les_signataires_gardent_representant_et_deliberation():
    oise = Signataire.objects.get(code="oise")
    assert oise.representant.startswith("Nadège LEFEBVRE")
    assert oise.date_deliberation.isoformat() == "2022-10-17"
    assert Signataire.objects.get(code="etat").date_deliberation is None


def test_l_arbre_compte_six_axes_et_112_intitules_numerotes():
    assert Noeud.objects.axes().count() == 6
    assert Noeud.objects.numerotes().count() == 112
    par_niveau = {niveau: Noeud.objects.filter(niveau=niveau).count() for niveau in Niveau.values}
    assert par_niveau == {1: 6, 2: 21, 3: 54, 4: 37}


def test_les_parents_sont_ceux_du_contrat():
    parents = dict(Noeud.objects.values_list("code", "parent__code"))
    assert parents["I"] is None
    assert parents["I.3.2.a"] == "I.3.2"
    assert parents["I.3.2"] == "I.3"
    assert parents["I.3"] == "I"
    assert parents["II.6"] == "II"
    assert parents["IV.2.2.d"] == "IV.2.2"
    assert parents["V.3.1.b"] == "V.3.1"
    assert parents["VI.2"] == "VI"
    axes = dict(Noeud.objects.values_list("code", "axe__code"))
    assert axes["IV.2.1.b"] == "IV"
    assert axes["III.3.2.a"] == "III"


def test_chaque_noeud_garde_son_titre_imprime_et_sa_ligne():
    i1 = Noeud.objects.get(code="I.1")
    assert i1.titre_imprime.startswith("ACCELERER LA DECARBONATION")
    assert i1.titre.startswith("Accélérer la décarbonation de l’économie régionale")
    assert i1.ligne == 176
    assert Noeud.objects.get(code="I.3.2.a").ligne == 563


def test_les_cinq_departements_de_la_region():
    assert dict(Departement.objects.values_list("code_insee", "signataire__code")) == {
        "02": "aisne",
        "59": "nord",
        "60": "oise",
        "62": "pas-de-calais",
        "80": "somme",
    }


def test_les_95_operations_listees_sont_inscrites_au_contrat():
    operations = Projet.objects.filter(origine=Origine.CONTRAT)
    assert operations.count() == 95
    assert set(operations.values_list("statut", flat=True)) == {Statut.INSCRIT_CONTRAT}
    assert operations.filter(hors_cper=True).count() == 2


def test_un_montant_seulement_quand_le_texte_en_donne_un():
    montants = dict(
        Projet.objects.exclude(montant_mentionne=None).values_list(
            "identifiant_contrat", "montant_mentionne"
        )
    )
    assert montants == {
        "op-061": Decimal("20000000.00"),
        "op-127": Decimal("1500000.00"),
        "op-134": Decimal("5200000.00"),
    }


def test_une_operation_garde_mesure_maitre_ouvrage_et_territoire():
    projet = Projet.objects.get(identifiant_contrat="op-127")
    assert projet.reference == "HDF-CPER-127"
    assert projet.mesure.code == "IV.2.1.a"
    assert projet.maitre_ouvrage.nom == "Université de Picardie Jules Verne"
    assert list(projet.departements.values_list("code_insee", flat=True)) == ["02"]
    maubeuge = Projet.objects.get(identifiant_contrat="op-179")
    assert maubeuge.maitre_ouvrage.signataire.code == "nord"


def test_charger_deux_fois_ne_change_rien():
    avant = instantane()
    sortie = StringIO()
    call_command("charger_cper", stdout=sortie)
    assert "aucune modification" in sortie.getvalue()
    assert instantane() == avant


def test_recharger_ne_remet_pas_a_zero_le_cycle_de_vie_ni_l_enveloppe():
    projet = Projet.objects.get(identifiant_contrat="op-041")
    projet.statut = Statut.PROGRAMME
    projet.save()
    Enveloppe.objects.filter(signataire__code="mel").update(montant=Decimal("200000000.00"))
    call_command("charger_cper", stdout=StringIO())
    projet.refresh_from_db()
    assert projet.statut == Statut.PROGRAMME
    assert Enveloppe.objects.get(signataire__code="mel").montant == Decimal("200000000.00")


def test_recharger_retablit_un_titre_altere():
    Noeud.objects.filter(code="II.6").update(titre="titre altéré")
    sortie = StringIO()
    call_command("charger_cper", stdout=sortie)
    assert "mises à jour : 1 nœud du programme" in sortie.getvalue()
    assert Noeud.objects.get(code="II.6").titre.startswith("Faire du canal Seine-Nord Europe")
