"""The SCDL « subventions » file against the national schema 2.1.1 (its constraints and its
custom checks, with frictionless): 0 errors on the test data, the lines the schema cannot
accept left out and counted on /donnees/, the signatories' SIRET entered by the secretariat."""

import csv
import io
import json
import os
from pathlib import Path

import pytest
from django.urls import reverse

from axes.models import Signataire
from financement.donnees_ouvertes import COLONNES_SCDL
from projets.models import Projet
from tests.financement.test_donnees_ouvertes import contenu, execution  # noqa: F401
from tests.financement.validation_scdl import SCHEMA_SCDL, erreurs_scdl

REGION, ETAT, UNIVERSITE = "20002169500016", "11000000000015", "19708012300015"


def renseigner_les_siret(projet):
    for code, siret in (("region", REGION), ("etat", ETAT)):
        organisation = Signataire.objects.get(code=code).organisation
        organisation.siret = siret
        organisation.save()
    projet.maitre_ouvrage.siret = UNIVERSITE
    projet.maitre_ouvrage.save()


def scdl(client) -> bytes:
    reponse = client.get("/api/v1/donnees/subventions-scdl.csv")
    assert reponse.status_code == 200
    return contenu(reponse)


def rangees(brut: bytes) -> dict[str, dict]:
    lecteur = csv.DictReader(io.StringIO(brut.decode("utf-8"), newline=""))
    return {r["nomAttribuant"]: r for r in lecteur}


def test_le_schema_a_les_colonnes_du_fichier_dans_l_ordre():
    schema = json.loads(SCHEMA_SCDL.read_text(encoding="utf-8"))
    assert [c["name"] for c in schema["fields"]] == [c.key for c in COLONNES_SCDL]
    assert schema["version"] == "2.1.1"
    assert {c["name"] for c in schema["custom_checks"]} == {"french-siret-value", "one-of-required"}


def test_le_fichier_scdl_est_valide_contre_le_schema_national(client, execution):  # noqa: F811
    renseigner_les_siret(execution)
    brut = scdl(client)
    assert erreurs_scdl(brut) == []
    officiel = os.environ.get("SCDL_SCHEMA_OFFICIEL")
    if officiel:  # the national file itself, where it is provided
        assert erreurs_scdl(brut, Path(officiel)) == []
    lignes = rangees(brut)
    assert set(lignes) == {"Région Hauts-de-France", "État"}
    region = lignes["Région Hauts-de-France"]
    assert region["idAttribuant"] == REGION and region["idBeneficiaire"] == UNIVERSITE
    assert region["datesPeriodeVersement"] == "2026-04-01/2026-04-20"
    assert region["pourcentageSubvention"] == "1.00"
    assert region["notificationUE"] == "non"
    assert region["montant"] == "400000.00"
    assert lignes["État"]["datesPeriodeVersement"] == "2026-01-01/2027-06-30"


def test_le_validateur_releve_les_ecarts_au_schema_national(client, execution):  # noqa: F811
    """The differences the issue found, each one caught by the check the suite runs."""
    renseigner_les_siret(execution)
    entete, premiere = scdl(client).decode().split("\r\n")[:2]
    valeurs = next(csv.reader([premiere]))
    noms = entete.split(",")

    def avec(**changes) -> bytes:
        rangee = [changes.get(n, v) for n, v in zip(noms, valeurs, strict=True)]
        sortie = io.StringIO()
        csv.writer(sortie, lineterminator="\r\n").writerows([noms, rangee])
        return sortie.getvalue().encode()

    def champs(**changes) -> set:
        return {e[1] for e in erreurs_scdl(avec(**changes))}

    assert champs(datesPeriodeVersement="2026-04-01_2026-04-20") == {"datesPeriodeVersement"}
    assert champs(pourcentageSubvention="0.004") == {"pourcentageSubvention"}
    assert champs(notificationUE="peut-être") == {"notificationUE"}
    assert champs(objet="x" * 257) == {"objet"}
    assert champs(idRAE="123456") == {"idRAE"}
    assert champs(nature="don") == {"nature"}
    assert champs(idAttribuant="20002169500017") == {"idAttribuant"}  # Luhn key
    assert [e[2] for e in erreurs_scdl(avec(idBeneficiaire=""))] == ["row-error"]


def test_sans_siret_les_lignes_sont_ecartees_et_la_page_le_dit(client, execution):  # noqa: F811
    brut = scdl(client)
    assert brut.count(b"\r\n") == 1  # the header alone: nothing invalid is published
    assert erreurs_scdl(brut) == []
    page = client.get("/donnees/").content.decode()
    assert "0 lignes publiées" in page
    assert "2 lignes : SIRET du signataire financeur non renseigné" in page
    assert "Le secrétariat du CPER n’a pas encore renseigné le SIRET de" in page
    assert "Région Hauts-de-France" in page.split('id="ecart-siret"')[1]
    for code in ("region", "etat"):
        organisation = Signataire.objects.get(code=code).organisation
        organisation.siret = REGION if code == "region" else ETAT
        organisation.save()
    page = client.get("/donnees/").content.decode()
    assert "2 lignes : SIRET du maître d&#x27;ouvrage non renseigné" in page


def test_une_operation_sans_maitre_d_ouvrage_est_ecartee_avec_sa_raison(
    client,
    execution,  # noqa: F811
):
    renseigner_les_siret(execution)
    Projet.objects.filter(pk=execution.pk).update(maitre_ouvrage=None, maitre_ouvrage_texte="")
    brut = scdl(client)
    assert rangees(brut) == {}
    assert erreurs_scdl(brut) == []
    page = client.get("/donnees/").content.decode()
    assert f"<code>{execution.reference}</code>" in page
    assert "2 lignes : maître d&#x27;ouvrage non désigné" in page


def test_un_titre_long_est_abrege_a_256_caracteres(client, execution):  # noqa: F811
    renseigner_les_siret(execution)
    Projet.objects.filter(pk=execution.pk).update(titre="Réhabilitation " * 30)
    objet = next(iter(rangees(scdl(client)).values()))["objet"]
    assert len(objet) <= 256 and objet.endswith("…")
    assert objet.startswith("Réhabilitation Réhabilitation")


# --- Le SIRET des signataires, saisi par le secrétariat -------------------------------------
def test_le_secretariat_renseigne_le_siret_des_signataires(client, administrateur):
    client.force_login(administrateur)
    url = reverse("financement:siret_signataires")
    page = client.get(url)
    assert page.status_code == 200 and "SIRET — Région Hauts-de-France" in page.content.decode()
    reponse = client.post(url, {"region": REGION, "etat": "12345678901234"})
    assert reponse.status_code == 400
    assert (
        "Ce SIRET n&#x27;est pas valide (clé de contrôle incorrecte)." in reponse.content.decode()
    )
    assert Signataire.objects.get(code="region").organisation.siret == ""
    reponse = client.post(url, {"region": REGION, "etat": ETAT})
    assert reponse.status_code == 302
    assert Signataire.objects.get(code="region").organisation.siret == REGION
    assert Signataire.objects.get(code="etat").organisation.siret == ETAT
    page = client.get("/donnees/").content.decode()
    assert "Région Hauts-de-France" not in page.split('id="ecart-siret"')[1].split("</div>")[0]


@pytest.mark.parametrize("role", ["agent", "porteur"])
def test_seul_le_secretariat_renseigne_le_siret(client, request, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("financement:siret_signataires")
    assert client.get(url).status_code == 403
    assert client.post(url, {"region": REGION}).status_code == 403
    assert Signataire.objects.get(code="region").organisation.siret == ""
