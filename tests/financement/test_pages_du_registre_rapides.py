"""The ledger's pages at 20 000 dossiers (issue 14): the signatory's 200 lines written in Python,
the forms' renderer built once, the axes and départements read from the programme's cache. The
HTML is the one the templates wrote, and what changes shows at once."""

from decimal import Decimal

import pytest
from django.forms.renderers import TemplatesSetting
from django.template import engines
from django.urls import reverse
from dsfr.forms import DsfrBaseForm

from axes.models import Departement, Niveau, Noeud
from financement.forms import CreditsForm, EngagementForm
from financement.models import LigneProgrammee, MaquetteLigne
from financement.selectors import lignes_du_signataire
from financement.templatetags.registre import rangees_des_lignes
from projets.models import Projet
from socle.textes import titre_court
from tests.axes.test_cache_programme import _page, avec_cache  # noqa: F401 - its fixture

# The rows as templates/financement/signataire.html wrote them, from the model instances.
ANCIENNES_RANGEES = (
    '{% load cper %}{% for l in lignes %}<tr><td data-label="Projet"><a href="{% url '
    "'financement:ligne' l.pk %}\">{{ l.projet.reference }}</a> {{ l.projet.titre|"
    'truncatechars:60 }}</td><td class="cellule-code" data-label="Mesure">{{ l.noeud.code }}'
    '</td><td class="fr-cell--right montant" data-label="Programmé">{{ l.montant_programme|'
    'euros }}</td><td class="fr-cell--right montant" data-label="Engagé">{{ l.montant_engage|'
    'euros }}</td><td class="fr-cell--right montant" data-label="Payé">{{ l.montant_paye|'
    "euros }}</td></tr>{% endfor %}"
)

TITRES = [
    "",
    "Court",
    "x" * 59,
    "x" * 60,
    "x" * 61,
    "Réhabilitation du campus « Cité scientifique » & <laboratoires> 'partagés' et \"neufs\"",
    "e\u0301" * 61,  # combining accents count for nothing
    "Cafe\u0301 " * 20,  # not in NFC
    "Un titre de projet qui dépasse nettement les soixante caractères permis…",
]


@pytest.mark.parametrize("titre", TITRES)
def test_le_titre_court_est_celui_de_truncatechars(titre):
    gabarit = engines["django"].from_string("{{ t|truncatechars:60 }}")
    assert engines["django"].from_string("{{ t }}").render({"t": titre_court(titre, 60)}) == (
        gabarit.render({"t": titre})
    )


def test_les_lignes_du_signataire_s_ecrivent_comme_le_gabarit_les_ecrivait(ligne_region):
    for rang, titre in enumerate(TITRES):
        Projet.objects.filter(pk=ligne_region.projet_id).update(titre=titre)
        LigneProgrammee.objects.filter(pk=ligne_region.pk).update(
            montant_engage=123_456 + rang, montant_paye=rang
        )
        signataire = ligne_region.signataire
        anciennes = list(
            LigneProgrammee.objects.filter(signataire=signataire)
            .select_related("projet", "noeud")
            .order_by("projet__reference")[:200]
        )
        attendu = engines["django"].from_string(ANCIENNES_RANGEES).render({"lignes": anciennes})
        assert rangees_des_lignes(lignes_du_signataire(signataire=signataire)) == attendu
        assert attendu.count("<tr>") == 1


def test_la_page_du_signataire_montre_au_plus_200_lignes(client, agent, ligne_region):
    lignes = lignes_du_signataire(signataire=ligne_region.signataire, limite=0)
    assert lignes == []
    client.force_login(agent)
    page = client.get(reverse("financement:signataire", args=["region"])).content.decode()
    assert f'<a href="/financement/lignes/{ligne_region.pk}/">' in page


# The same fields on django-dsfr's own base form (a new renderer per form).
AncienCredits = type("AncienCredits", (DsfrBaseForm,), dict(CreditsForm.base_fields))
AncienEngagement = type("AncienEngagement", (DsfrBaseForm,), dict(EngagementForm.base_fields))


def test_les_formulaires_partagent_un_rendu_qui_ecrit_le_meme_html():
    assert CreditsForm().renderer is CreditsForm().renderer
    assert AncienCredits().renderer is not AncienCredits().renderer
    assert str(CreditsForm()) == str(AncienCredits())
    refuse, ancien = CreditsForm({"montant": "abc"}), AncienCredits({"montant": "abc"})
    assert not refuse.is_valid() and not ancien.is_valid()
    assert [c.as_field_group() for c in refuse] == [c.as_field_group() for c in ancien]
    initial = {"annee_budgetaire": 2026}
    assert str(EngagementForm({"montant": "1"}, initial=initial)) == str(
        AncienEngagement({"montant": "1"}, initial=initial)
    )


def test_un_autre_rendu_choisi_par_les_reglages_reste_celui_des_reglages(settings):
    settings.FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
    assert type(CreditsForm().renderer) is TemplatesSetting


def test_axes_et_departements_viennent_du_cache_et_leur_changement_se_voit(
    client,
    agent,
    ligne_region,
    avec_cache,  # noqa: F811 - the imported fixture
):
    client.force_login(agent)
    for url in ("/financement/", "/financement/signataires/region/"):
        _page(client, url)
        _, chaud = _page(client, url)
        assert not any('FROM "axes_noeud" WHERE' in sql for sql in chaud), url
        assert not any('FROM "axes_departement"' in sql for sql in chaud), url
    axe = Noeud.objects.filter(niveau=Niveau.AXE).order_by("position").first()
    axe.titre = "Axe renommé par un avenant"
    axe.save()
    nord = Departement.objects.get(code_insee="59")
    nord.nom = "Nord renommé"
    nord.save()
    page, _ = _page(client, "/financement/")
    assert f"Axe {axe.code} – Axe renommé par un avenant" in page
    assert "Nord renommé (59)" in page
    page, _ = _page(client, "/financement/signataires/region/")
    assert f"Axe {axe.code} – Axe renommé par un avenant" in page


def test_la_maquette_du_signataire_se_lit_sur_sa_page(client, agent, ligne_region):
    axe = Noeud.objects.get(code="IV")
    MaquetteLigne.objects.create(
        signataire=ligne_region.signataire, noeud=axe, montant=Decimal("900000.00")
    )
    client.force_login(agent)
    page = client.get(reverse("financement:signataire", args=["region"])).content.decode()
    assert "<li>IV : 0,00\u00a0€ programmés sur 900\u202f000,00\u00a0€</li>" in page
    assert client.get(reverse("financement:signataire", args=["inconnu"])).status_code == 404
