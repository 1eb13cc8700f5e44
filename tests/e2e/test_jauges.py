"""The envelope gauge drawn to scale, measured in Chromium: after a commitment and a payment
recorded through the ledger's services, on the signatory's page and on its agent's dashboard
(at 1280 and 375 px), each bar (programmé, engagé, payé) is as long, against its track, as the
share written beside it; a payment of exactly 0,1 % of the envelope draws a sliver, never a full
bar; no label is cut. On /financement/, the chart of each signatory's shares (0 to 100 %) is
drawn on the same rule."""

from datetime import date
from decimal import Decimal

import pytest

from financement.models import Enveloppe
from financement.services import engagement_enregistrer, paiement_enregistrer
from projets.models import NatureFinancement, SourceFinancement
from projets.services import LigneSaisie
from socle.graphiques import LARGEUR, LARGEUR_LIBELLES, LARGEUR_VALEURS
from tests.conftest import MOT_DE_PASSE
from tests.e2e.outils import se_connecter, verifier_accessibilite
from tests.factories.axes import signataire
from tests.factories.comptes import MOT_DE_PASSE as MOT_DE_PASSE_FABRIQUE
from tests.factories.comptes import UtilisateurFactory
from tests.factories.projets import DossierFactory

pytestmark = [pytest.mark.e2e, pytest.mark.lent, pytest.mark.django_db(transaction=True)]

# Each line of the gauge: its series, the share written beside it, the widths of its bar and of
# its track, and whether its label is cut.
MESURE_JAUGE = """() => [...document.querySelectorAll('#jauge .jauge__ligne')].map((l) => {
  const svg = l.querySelector('svg.jauge__barre');
  const [fond, barre] = svg.querySelectorAll('rect');
  const libelle = l.querySelector('.jauge__libelle');
  return {
    serie: l.dataset.serie,
    part: l.querySelector('.jauge__libelle strong').textContent,
    barre: barre.getBoundingClientRect().width,
    piste: fond.getBoundingClientRect().width,
    piste_svg: svg.getBoundingClientRect().width,
    contour: getComputedStyle(barre).vectorEffect + ' ' + getComputedStyle(barre).strokeWidth,
    coupe: libelle.scrollWidth > libelle.clientWidth
      || libelle.scrollHeight > libelle.clientHeight + 1,
    depasse: libelle.getBoundingClientRect().right > document.documentElement.clientWidth,
  };
})"""

# Each bar of the chart on /financement/: the share written after it, its width, the width of the
# chart's 0-100 % zone on screen, and whether its text runs past the drawing.
MESURE_GRAPHIQUE = """([largeur, zone]) => {
  const svg = document.querySelector('#graphique-consommation svg');
  const boite = svg.getBoundingClientRect();
  const echelle = boite.width / largeur;
  const rects = [...svg.querySelectorAll('rect.graphique-barres__barre')];
  const textes = [...svg.querySelectorAll('text.graphique-barres__valeur')];
  return rects.map((r, i) => ({
    titre: r.querySelector('title').textContent,
    part: textes[i].textContent,
    barre: r.getBoundingClientRect().width,
    zone: zone * echelle,
    texte_dehors: textes[i].getBoundingClientRect().right > boite.right + 0.5,
  }));
}"""


def pourcentage(texte: str) -> Decimal:
    chiffres = texte.replace("moins de", "").replace("\u00a0%", "").replace(",", ".").strip()
    return Decimal(chiffres)


def verifier_jauge(page, largeur):
    lignes = page.evaluate(MESURE_JAUGE)
    assert [ligne["serie"] for ligne in lignes] == ["programme", "engage", "paye"]
    for ligne in lignes:
        assert not ligne["coupe"] and not ligne["depasse"], (largeur, ligne)
        assert abs(ligne["piste"] - ligne["piste_svg"]) < 0.5, ligne  # the track fills its box
        piste, barre = ligne["piste"], ligne["barre"]
        if ligne["part"].startswith("moins de"):
            # Under 0,1 %: a sliver, a thousandth of the track.
            assert 0 < barre <= piste / 1000 + 0.5, (largeur, ligne)
            continue
        # To scale: within one pixel of the share written beside it.
        attendu = piste * float(pourcentage(ligne["part"])) / 100
        assert abs(barre - attendu) <= 1.0, (largeur, ligne, attendu)
        # Drawn with a one-pixel outline whatever the scale, so that a thousandth shows.
        assert ligne["contour"] == "non-scaling-stroke 1px", ligne
    return lignes


def test_la_jauge_de_l_enveloppe_est_a_l_echelle(visite, administrateur):
    region = signataire("region")
    enveloppe = Enveloppe.objects.get(signataire=region)
    assert enveloppe.montant_paye == 0  # the contract as loaded: nothing paid yet
    # A dossier big enough for a payment of exactly one thousandth of the Région's envelope.
    millieme = (enveloppe.montant / 1000).quantize(Decimal("0.01"))
    projet = DossierFactory(
        programme=True,
        titre="Plateforme régionale de recherche",
        cout_total_ht=Decimal("3000000.00"),
        lignes=[
            LigneSaisie(Decimal("1200000.00"), NatureFinancement.CPER, signataire_id=region.pk),
            LigneSaisie(
                Decimal("1050000.00"),
                NatureFinancement.CPER,
                signataire_id=signataire("etat").pk,
            ),
            LigneSaisie(
                Decimal("750000.00"),
                NatureFinancement.HORS_CPER,
                source=SourceFinancement.FONDS_PROPRES,
            ),
        ],
    )
    agent = UtilisateurFactory(agent=True, signataire="region", username="agent.region")
    ligne = projet.lignes_programmees.get(signataire=region)
    engagement = engagement_enregistrer(
        ligne=ligne,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-001",
        montant=Decimal("1000000.00"),
        annee_budgetaire=2026,
    )
    paiement_enregistrer(
        engagement=engagement,
        par=agent,
        date_paiement=date(2026, 4, 1),
        montant=millieme,
        type_="acompte",
        reference="MANDAT-2026-001",
    )
    enveloppe.refresh_from_db()
    assert enveloppe.montant_paye == millieme

    page = visite.page
    se_connecter(page, visite.url_base, "agent.region", MOT_DE_PASSE_FABRIQUE)
    mesures = {}
    for largeur in (1280, 375):
        page.set_viewport_size({"width": largeur, "height": 800})
        for chemin in ("/financement/signataires/region/", "/tableau-de-bord/"):
            assert visite.ouvrir(chemin).status == 200
            lignes = verifier_jauge(page, largeur)
            mesures[(largeur, chemin)] = lignes
            paye = lignes[2]
            # Exactly 0,1 % paid: written so, and drawn as a sliver, not a full bar.
            assert paye["part"] == "0,1\u00a0%", paye
            assert abs(paye["barre"] - paye["piste"] / 1000) < 0.5, paye
            # The bars keep their order: payé ≤ engagé ≤ programmé.
            assert lignes[2]["barre"] <= lignes[1]["barre"] <= lignes[0]["barre"], lignes
            assert page.evaluate("document.documentElement.scrollWidth") <= largeur
            verifier_accessibilite(page)
            visite.capture(f"{largeur}-{chemin.strip('/').replace('/', '-')}")

    # The chart of /financement/: every share on the same 0-100 % scale.
    page.context.clear_cookies()
    se_connecter(page, visite.url_base, "admin", MOT_DE_PASSE)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert visite.ouvrir("/financement/").status == 200
    barres = page.evaluate(
        MESURE_GRAPHIQUE, [LARGEUR, LARGEUR - LARGEUR_LIBELLES - LARGEUR_VALEURS]
    )
    assert len(barres) >= 9 * 3
    for b in barres:
        assert not b["texte_dehors"], b
        part = float(pourcentage(b["part"]))
        if part == 0:
            assert b["barre"] < 1, b
            continue
        attendu = b["zone"] * part / 100
        assert abs(b["barre"] - attendu) <= max(1.0, b["zone"] / 1000 * 2), (b, attendu)
    region_engage = next(
        b for b in barres if b["titre"].startswith("Région") and "engagé" in b["titre"]
    )
    assert region_engage["barre"] > 0
    visite.capture("financement")
