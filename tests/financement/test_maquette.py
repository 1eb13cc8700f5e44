"""The maquette financière, imported as CSV (the annex is not in the text we have)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from financement.models import MaquetteLigne


def importer(client, contenu: str):
    return client.post(
        reverse("financement:maquette"),
        {"fichier": SimpleUploadedFile("maquette.csv", contenu.encode("utf-8"))},
    )


def test_le_secretariat_importe_la_maquette(client, administrateur):
    client.force_login(administrateur)
    reponse = importer(
        client, "signataire;noeud;montant\nregion;IV;120 000 000,00\netat;V.2.1;15000000.50\n"
    )
    assert reponse.status_code == 302
    lignes = dict(MaquetteLigne.objects.values_list("noeud__code", "montant"))
    assert lignes == {"IV": Decimal("120000000.00"), "V.2.1": Decimal("15000000.50")}


def test_une_maquette_fautive_est_refusee_ligne_par_ligne_et_rien_n_est_ecrit(
    client, administrateur
):
    client.force_login(administrateur)
    html = importer(client, "region;IV;120000000\ninconnu;IV;1\netat;IX.9;1\n").content.decode()
    assert "Ligne 2 : signataire inconnu « inconnu »" in html
    assert "Ligne 3 : nœud du programme inconnu « IX.9 »" in html
    html = importer(client, "region;IV;120000000\nnord;I;beaucoup\n").content.decode()
    assert "Ligne 2 : montant illisible « beaucoup »" in html
    assert not MaquetteLigne.objects.exists()


def test_une_maquette_par_axe_ne_depasse_pas_l_enveloppe(client, administrateur):
    client.force_login(administrateur)
    reponse = importer(client, "aisne;I;20000000\naisne;II;8180000.01\n")
    assert "plus que son enveloppe de 28\u202f180\u202f000,00\u00a0€" in reponse.content.decode()
    assert not MaquetteLigne.objects.exists()


def test_seul_le_secretariat_importe_la_maquette(client, agent):
    client.force_login(agent)
    assert importer(client, "region;IV;1\n").status_code == 403
    assert not MaquetteLigne.objects.exists()


def test_une_maquette_importee_apres_programmation_part_du_deja_programme(
    client, administrateur, projet_programme
):
    client.force_login(administrateur)
    html = importer(client, "region;IV;399999.99\n").content.decode()
    assert "400\u202f000,00\u00a0€ sont déjà programmés sur IV par region" in html
    assert not MaquetteLigne.objects.exists()
    assert importer(client, "region;IV;1000000\n").status_code == 302
    assert MaquetteLigne.objects.get().montant_programme == Decimal("400000.00")
