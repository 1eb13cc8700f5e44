"""The ledger through the browser forms: refusals next to the field, nothing written."""

from decimal import Decimal

from django.urls import reverse

from financement.models import Engagement, Enveloppe, Paiement


def donnees_engagement(**surcharges):
    donnees = {
        "date_acte": "2026-03-01",
        "type_acte": "convention",
        "reference": "CONV-2026-014",
        "montant": "250 000,00",
        "annee_budgetaire": "2026",
    }
    donnees.update(surcharges)
    return donnees


def test_l_agent_engage_puis_paie_par_les_formulaires(client, agent, ligne_region):
    client.force_login(agent)
    url = reverse("financement:engager", args=[ligne_region.pk])
    assert client.post(url, donnees_engagement()).status_code == 302
    engagement = Engagement.objects.get()
    assert engagement.montant == Decimal("250000.00")
    reponse = client.post(
        reverse("financement:payer", args=[engagement.pk]),
        {
            f"paiement-{engagement.pk}-date_paiement": "2026-05-01",
            f"paiement-{engagement.pk}-montant": "100 000,00",
            f"paiement-{engagement.pk}-type_": "avance",
            f"paiement-{engagement.pk}-reference": "MANDAT-77",
        },
    )
    assert reponse.status_code == 302
    page = client.get(reverse("financement:signataire", args=["region"])).content.decode()
    assert "250\u202f000,00\u00a0€" in page and "100\u202f000,00\u00a0€" in page
    # Each line of the table leads to its own page (its address, built once for the table).
    lien = f'<a href="/financement/lignes/{ligne_region.pk}/">{ligne_region.projet.reference}</a>'
    assert lien in page
    assert client.get(f"/financement/lignes/{ligne_region.pk}/").status_code == 200


def test_un_engagement_trop_gros_montre_le_disponible_a_cote_du_champ(client, agent, ligne_region):
    client.force_login(agent)
    reponse = client.post(
        reverse("financement:engager", args=[ligne_region.pk]),
        donnees_engagement(montant="400 000,01"),
    )
    assert reponse.status_code == 400
    html = reponse.content.decode()
    assert "400\u202f000,00\u00a0€ disponibles sur 400\u202f000,00\u00a0€ programmés" in html
    assert "fr-input-group--error" in html
    assert not Engagement.objects.exists()
    assert Enveloppe.objects.get(signataire__code="region").montant_engage == Decimal("0.00")


def test_un_paiement_trop_gros_est_refuse_sans_rien_ecrire(client, agent, ligne_region):
    client.force_login(agent)
    client.post(reverse("financement:engager", args=[ligne_region.pk]), donnees_engagement())
    engagement = Engagement.objects.get()
    reponse = client.post(
        reverse("financement:payer", args=[engagement.pk]),
        {
            f"paiement-{engagement.pk}-date_paiement": "2026-05-01",
            f"paiement-{engagement.pk}-montant": "250 000,01",
            f"paiement-{engagement.pk}-type_": "solde",
        },
    )
    assert reponse.status_code == 400
    assert "250\u202f000,00\u00a0€ sur 250\u202f000,00\u00a0€ engagés" in reponse.content.decode()
    assert not Paiement.objects.exists()


def test_l_agent_d_un_autre_signataire_recoit_403(client, agent_etat, ligne_region):
    client.force_login(agent_etat)
    page = client.get(reverse("financement:ligne", args=[ligne_region.pk])).content.decode()
    assert "Seuls les agents de la Région Hauts-de-France" in page
    reponse = client.post(
        reverse("financement:engager", args=[ligne_region.pk]), donnees_engagement()
    )
    assert reponse.status_code == 403
    assert not Engagement.objects.exists()


def test_un_porteur_d_une_autre_organisation_recoit_404(client, porteur_autre, ligne_region):
    client.force_login(porteur_autre)
    assert client.get(reverse("financement:ligne", args=[ligne_region.pk])).status_code == 404
    reponse = client.post(
        reverse("financement:engager", args=[ligne_region.pk]), donnees_engagement()
    )
    assert reponse.status_code == 404
    assert not Engagement.objects.exists()


def test_la_page_du_programme_montre_les_neuf_enveloppes_et_l_execution(
    client, lecteur, projet_programme
):
    client.force_login(lecteur)
    html = client.get(reverse("financement:programme")).content.decode()
    assert "994\u202f262\u202f000,00\u00a0€" in html
    assert "2\u202f759\u202f563\u202f000,00\u00a0€" in html
    assert "750\u202f000,00\u00a0€" in html  # total programmed
    assert "Canal Seine-Nord Europe" in html


def test_les_credits_se_saisissent_par_les_agents_du_signataire(client, agent, agent_etat):
    client.force_login(agent_etat)
    url = reverse("financement:signataire", args=["region"])
    assert client.post(url, {"annee": "2026", "montant": "1 000 000,00"}).status_code == 403
    client.force_login(agent)
    assert client.post(url, {"annee": "2026", "montant": "1 000 000,00"}).status_code == 302
    assert "1\u202f000\u202f000,00\u00a0€" in client.get(url).content.decode()


def test_le_parcours_d_un_avenant_par_les_pages(client, administrateur):
    client.force_login(administrateur)
    reponse = client.post(
        reverse("financement:avenant_nouveau"),
        {
            "numero": "1",
            "titre": "Avenant mobilités 2023-2027",
            "justification": "",
            "initie_par": "1",
            "enveloppe_etat": "1 000 000 000,00",
        },
    )
    assert reponse.status_code == 200
    assert "exige la justification" in reponse.content.decode()
    from axes.models import Signataire

    reponse = client.post(
        reverse("financement:avenant_nouveau"),
        {
            "numero": "1",
            "titre": "Avenant mobilités 2023-2027",
            "justification": "Programmation 2023-2027 du volet Mobilités.",
            "initie_par": str(Signataire.objects.get(code="etat").pk),
            "enveloppe_etat": "1 000 000 000,00",
        },
    )
    assert reponse.status_code == 302
    page = reverse("financement:avenant", args=[1])
    for signataire in Signataire.objects.order_by("ordre"):
        client.post(
            page,
            {
                "signataire": signataire.pk,
                "date_acte": "2026-11-01",
                "reference": f"D-{signataire.code}",
            },
        )
    assert "9 sur 9" in client.get(page).content.decode()
    confirmation = client.get(reverse("financement:avenant_vigueur", args=[1]))
    assert "irréversible" in confirmation.content.decode()
    client.post(reverse("financement:avenant_vigueur", args=[1]))
    assert Enveloppe.objects.get(signataire__code="etat").montant == Decimal("1000000000.00")
