"""The mid-term review pack: the partners' page and workbook, with the same figures; its
proposals become a draft avenant through `avenant_creer`, by the secretariat only."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from axes.models import Signataire
from financement.models import Avenant, LigneProgrammee, ModificationEnveloppe
from socle.montants import format_euros

D = Decimal
URL = "/suivi/bilan-mi-parcours/"


def _texte(reponse):
    return reponse.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def _euros(m):
    return format_euros(m).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def dormant(projet_programme):
    LigneProgrammee.objects.filter(projet=projet_programme).update(
        programme_le=datetime(2025, 1, 15, tzinfo=UTC)
    )
    return projet_programme


def test_la_page_du_bilan_pour_le_secretariat_et_les_agents(client, dormant, administrateur, agent):
    region = Signataire.objects.select_related("enveloppe").get(code="region")
    for qui in (administrateur, agent):
        client.force_login(qui)
        reponse = client.get(URL + "?date=2026-12-03")
        assert reponse.status_code == 200
        texte = _texte(reponse)
        assert "Bilan à mi-parcours du 3 décembre 2026" in texte
        assert "Dossiers dormants (2)" in texte
        assert _euros(D("750000.00")) + "</strong> programmés" in texte
        a_degager = region.enveloppe.montant - region.enveloppe.montant_programme
        assert _euros(a_degager) in texte
    # Only the secretariat gets the avenant form.
    assert 'id="form-avenant-revue"' not in texte


@pytest.mark.parametrize("qui", ["porteur", "lecteur"])
def test_les_autres_n_ont_pas_le_bilan(client, dormant, request, qui):
    client.force_login(request.getfixturevalue(qui))
    assert client.get(URL).status_code == 403
    assert client.get("/suivi/bilan-mi-parcours.xlsx").status_code == 403
    assert client.get("/rapports/bilan-mi-parcours.pdf").status_code == 403


def test_le_bilan_en_pdf(client, dormant, administrateur):
    client.force_login(administrateur)
    reponse = client.get("/rapports/bilan-mi-parcours.pdf?date=2026-12-03")
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse.content.startswith(b"%PDF")
    assert 'filename="bilan-mi-parcours-2026-12-03.pdf"' in reponse["Content-Disposition"]


def test_le_classeur_donne_les_memes_chiffres(client, dormant, administrateur):
    client.force_login(administrateur)
    reponse = client.get("/suivi/bilan-mi-parcours.xlsx?date=2026-12-03")
    assert reponse.status_code == 200
    classeur = load_workbook(io.BytesIO(b"".join(reponse.streaming_content)))
    assert classeur.sheetnames == [
        "Signataires",
        "Mesures",
        "Dossiers dormants",
        "Indicateurs",
        "Prévisions et crédits",
        "Propositions",
    ]
    dormants = list(classeur["Dossiers dormants"].iter_rows(values_only=True))[1:]
    assert sorted(r[1] for r in dormants) == ["etat", "region"]
    assert sum(D(str(r[3])) for r in dormants) == D("750000.00")
    propositions = {r[0]: r for r in list(classeur["Propositions"].iter_rows(values_only=True))[1:]}
    region = Signataire.objects.select_related("enveloppe").get(code="region")
    assert D(str(propositions["region"][4])).quantize(D("0.01")) == (
        region.enveloppe.montant - region.enveloppe.montant_programme
    )
    assert D(str(propositions["region"][3])) == D("400000")


def _avenant(region, **surcharges):
    donnees = {
        "numero": "7",
        "titre": "Avenant de mi-parcours",
        "justification": "Bilan à mi-parcours : dégagement du non-programmé.",
        "initie_par": region.pk,
        "degager_region": "1 000 000,00",
    }
    donnees.update(surcharges)
    return donnees


def test_une_proposition_devient_un_projet_d_avenant(client, dormant, administrateur):
    region = Signataire.objects.select_related("enveloppe").get(code="region")
    client.force_login(administrateur)
    reponse = client.post(URL + "avenant/?date=2026-12-03", _avenant(region))
    assert reponse.status_code == 302
    assert reponse["Location"] == "/financement/avenants/7/"
    avenant = Avenant.objects.get(numero=7)
    (modification,) = ModificationEnveloppe.objects.filter(avenant=avenant)
    assert modification.signataire == region
    assert modification.nouveau_montant == region.enveloppe.montant - D("1000000.00")
    region.enveloppe.refresh_from_db()
    assert region.enveloppe.montant == modification.nouveau_montant + D("1000000.00"), (
        "rien ne s'applique avant l'entrée en vigueur"
    )


def test_degager_sous_le_programme_refuse_avec_message_rien_ecrit(client, dormant, administrateur):
    region = Signataire.objects.select_related("enveloppe").get(code="region")
    trop = region.enveloppe.montant - region.enveloppe.montant_programme + D("0.01")
    client.force_login(administrateur)
    reponse = client.post(
        URL + "avenant/", _avenant(region, degager_region=f"{trop}".replace(".", ","))
    )
    assert reponse.status_code == 400
    assert "ne peut pas descendre sous ce qui est déjà programmé" in _texte(reponse)
    assert not Avenant.objects.exists()


@pytest.mark.parametrize("qui", ["agent", "porteur", "lecteur"])
def test_seul_le_secretariat_prepare_l_avenant(client, dormant, request, qui):
    region = Signataire.objects.get(code="region")
    client.force_login(request.getfixturevalue(qui))
    assert client.post(URL + "avenant/", _avenant(region)).status_code == 403
    assert not Avenant.objects.exists()


def test_date_invalide_message(client, administrateur):
    client.force_login(administrateur)
    reponse = client.get(URL + "?date=demain")
    assert reponse.status_code == 200
    assert "Date invalide : utilisez le format AAAA-MM-JJ." in _texte(reponse)


def test_l_api_du_bilan_donne_les_memes_chiffres(client, dormant, agent, porteur):
    region = Signataire.objects.select_related("enveloppe").get(code="region")
    client.force_login(porteur)
    assert client.get("/api/v1/bilan-mi-parcours/").status_code == 403
    client.force_login(agent)
    refus = client.get("/api/v1/bilan-mi-parcours/?date=hier")
    assert refus.status_code == 400
    assert refus.json()["date"] == ["Date invalide : utilisez le format AAAA-MM-JJ."]
    corps = client.get("/api/v1/bilan-mi-parcours/?date=2026-12-03").json()
    assert (corps["nombre_dormants"], corps["montant_dormant"]) == (2, "750000.00")
    (proposition,) = [p for p in corps["propositions"] if p["signataire"] == "region"]
    assert D(proposition["a_degager"]) == (
        region.enveloppe.montant - region.enveloppe.montant_programme
    )
    assert proposition["dormant"] == "400000.00"
    assert {"mesure": "IV.2.1.a", "signataire": "region"}.items() <= next(
        m for m in corps["mesures"] if m["signataire"] == "region"
    ).items()


def test_le_pdf_somme_chaque_mesure_sur_les_signataires(dormant):
    from suivi.mi_parcours import revue_mi_parcours

    revue = revue_mi_parcours(le=date(2026, 12, 3))
    (detail_region,) = [m for m in revue.mesures if m.signataire == "region"]
    (mesure,) = [m for m in revue.par_mesure if m.mesure == detail_region.mesure]
    assert mesure.programme == D("750000.00")
    assert sum(m.programme for m in revue.mesures) == revue.total.programme
