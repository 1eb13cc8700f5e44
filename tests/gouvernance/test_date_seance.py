"""A committee may meet early and a past session may be entered late: the portal allows both,
and warns the secretariat when it opens or closes a session well before its planned date."""

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gouvernance.models import EtatSeance, Seance
from tests.gouvernance.test_pages import client_de


def test_ouvrir_une_seance_trois_jours_avant_sa_date_est_permis_avec_un_avertissement(
    comitologie,
):
    c = comitologie
    Seance.objects.filter(pk=c.seance.pk).update(date=timezone.now() + timedelta(days=3, hours=1))
    secretariat = client_de(c.secretaire)
    page = secretariat.get(reverse("gouvernance:seance", args=[c.seance.pk])).content.decode()
    assert 'id="avance-sur-la-date"' in page and "dans 3 jours" in page
    reponse = secretariat.post(
        reverse("gouvernance:seance_action", args=[c.seance.pk, "ouvrir"]), follow=True
    )
    c.seance.refresh_from_db()
    assert c.seance.etat == EtatSeance.OUVERTE
    html = reponse.content.decode()
    assert "Séance ouverte" in html
    assert "Attention : cette séance est prévue le" in html
    clore = secretariat.get(reverse("gouvernance:clore", args=[c.seance.pk])).content.decode()
    assert "Attention : cette séance est prévue le" in clore


@override_settings(GOUVERNANCE_AVANCE_TOLEREE_HEURES=48)
def test_dans_la_tolerance_du_secretariat_aucun_avertissement(comitologie):
    c = comitologie  # planned tomorrow: within 48 hours
    page = client_de(c.secretaire).get(reverse("gouvernance:seance", args=[c.seance.pk]))
    assert 'id="avance-sur-la-date"' not in page.content.decode()


def test_une_seance_deja_tenue_peut_etre_saisie(comitologie):
    c = comitologie
    secretariat = client_de(c.secretaire)
    page = secretariat.get(reverse("gouvernance:comite", args=["programmation"])).content.decode()
    assert 'type="datetime-local" id="id_date" name="date" required min=' not in page
    hier = timezone.localtime() - timedelta(days=1)
    reponse = secretariat.post(
        reverse("gouvernance:seance_creer", args=["programmation"]),
        {"date": hier.strftime("%Y-%m-%dT%H:%M"), "lieu": "Hôtel de Région, Lille"},
    )
    assert reponse.status_code == 302
    assert Seance.objects.filter(lieu="Hôtel de Région, Lille").count() == 1


def test_une_feuille_de_presence_refusee_garde_la_saisie_et_nomme_le_membre(comitologie):
    c = comitologie
    secretariat = client_de(c.secretaire)
    presences = {
        f"presence_{m.pk}": "present" for m in [c.president, *c.votants, c.recuse, c.associe]
    }
    # Elu Somme represented by the associated member, who has no vote: refused by the rules
    presences[f"presence_{c.votants[2].pk}"] = "represente"
    presences[f"mandataire_{c.votants[2].pk}"] = str(c.president.pk)
    presences[f"presence_{c.votants[1].pk}"] = "represente"  # no proxy holder given
    reponse = secretariat.post(reverse("gouvernance:presences", args=[c.seance.pk]), presences)
    assert reponse.status_code == 400
    html = reponse.content.decode()
    assert "La feuille de présence n’a pas été enregistrée" in html
    assert f"{c.votants[1].utilisateur} : Indiquez le membre qui détient le pouvoir." in html
    # what was typed is still there: the president's « présent », the Somme's proxy
    assert (
        '<option value="present" selected>'
        in html.split(f'id="presence_{c.president.pk}"')[1][:400]
    )
    assert (
        f'<option value="{c.president.pk}" selected>'
        in (html.split(f'id="mandataire_{c.votants[2].pk}"')[1][:1500])
    )
    assert not c.seance.presences.exists()
