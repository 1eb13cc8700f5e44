"""The secretariat manages a committee's members from the portal: appoint, end a mandate;
anyone else is refused with nothing written, every change journaled."""

from datetime import date

from django.urls import reverse

from comptes.models import Organisation, Role
from gouvernance.models import JournalGouvernance, Membre
from tests.gouvernance.test_pages import client_de


def test_le_secretariat_nomme_un_membre_puis_met_fin_a_son_mandat(comitologie, creer_utilisateur):
    c = comitologie
    nouvelle = creer_utilisateur("elue.oise", role=Role.MEMBRE_COMITE)
    oise = Organisation.objects.get(nom="Département de l’Oise")
    secretariat = client_de(c.secretaire)
    url = reverse("gouvernance:membre_nommer", args=["programmation"])
    reponse = secretariat.post(
        url,
        {
            "utilisateur": nouvelle.pk,
            "organisation": oise.pk,
            "role": "votant",
            "debut": "2026-01-15",
        },
    )
    assert reponse.status_code == 302
    membre = Membre.objects.get(utilisateur=nouvelle)
    assert (membre.organisation, membre.role, membre.debut) == (oise, "votant", date(2026, 1, 15))
    assert JournalGouvernance.objects.filter(action="membre_nommer", par=c.secretaire).exists()
    page = secretariat.get(reverse("gouvernance:comite", args=["programmation"])).content.decode()
    assert "elue.oise" in page and "Nommer un membre" in page

    # the same person twice: refused, next to the field
    reponse = secretariat.post(
        url,
        {
            "utilisateur": nouvelle.pk,
            "organisation": oise.pk,
            "role": "votant",
            "debut": "2026-02-01",
        },
    )
    assert reponse.status_code == 400
    assert "siège déjà à ce comité" in reponse.content.decode()
    assert Membre.objects.filter(utilisateur=nouvelle).count() == 1

    fin = reverse("gouvernance:membre_terminer", args=["programmation", membre.pk])
    assert secretariat.post(fin, {"fin": "2026-01-01"}).status_code == 302  # before its start
    membre.refresh_from_db()
    assert membre.fin is None
    assert secretariat.post(fin, {"fin": "2026-06-30"}).status_code == 302
    membre.refresh_from_db()
    assert membre.fin == date(2026, 6, 30)
    assert JournalGouvernance.objects.filter(action="membre_terminer").count() == 1


def test_un_membre_ou_un_agent_ne_gere_pas_les_membres(comitologie, creer_utilisateur, agent):
    c = comitologie
    cible = creer_utilisateur("elu.aisne", role=Role.MEMBRE_COMITE)
    aisne = Organisation.objects.get(nom="Département de l’Aisne")
    avant = Membre.objects.count()
    for personne in (c.president.utilisateur, agent):
        navigateur = client_de(personne)
        reponse = navigateur.post(
            reverse("gouvernance:membre_nommer", args=["programmation"]),
            {
                "utilisateur": cible.pk,
                "organisation": aisne.pk,
                "role": "votant",
                "debut": "2026-01-15",
            },
        )
        assert reponse.status_code == 403
        reponse = navigateur.post(
            reverse("gouvernance:membre_terminer", args=["programmation", c.votants[0].pk]),
            {"fin": "2026-06-30"},
        )
        assert reponse.status_code == 403
        page = navigateur.get(reverse("gouvernance:comite", args=["programmation"]))
        assert "Nommer un membre" not in page.content.decode()
    assert Membre.objects.count() == avant
    c.votants[0].refresh_from_db()
    assert c.votants[0].fin is None
    assert not JournalGouvernance.objects.filter(action__startswith="membre_").exists()
