"""Issue 13: a page labels a figure « article 2 » only when it is the signed one; where an
avenant in force changed an envelope, it shows the amount in force with « avenant n° N »; the
loader then leaves that envelope and says so."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from axes.selectors import contrat_courant
from financement.models import Enveloppe
from financement.selectors import tableau_enveloppes
from financement.services import avenant_mettre_en_vigueur
from tests.financement.test_avenants import approuver_par_tous, creer


def _avenant_en_vigueur(administrateur):
    avenant = creer(administrateur)
    approuver_par_tous(avenant, administrateur)
    avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())
    return avenant


def test_sans_avenant_les_enveloppes_sont_celles_de_l_article_2(client):
    lignes, _ = tableau_enveloppes(contrat=contrat_courant())
    assert lignes.avenants == [] and all(ligne.avenant is None for ligne in lignes)
    texte = client.get("/").content.decode()
    assert "(article 2)" in texte and "avenant n°" not in texte
    # the total is the portal's sum: the signed text states no total
    assert "(somme calculée des neuf montants de l’article 2)" in texte


def test_une_enveloppe_changee_par_avenant_montre_le_montant_en_vigueur(client, administrateur):
    _avenant_en_vigueur(administrateur)
    lignes, _ = tableau_enveloppes(contrat=contrat_courant())
    par_code = {ligne.signataire.code: ligne for ligne in lignes}
    assert par_code["etat"].montant == Decimal("1094262000.00")
    assert par_code["etat"].avenant == 1 and par_code["nord"].avenant is None
    assert lignes.avenants == [1]

    accueil = client.get("/").content.decode()
    assert "article 2 modifié par l’avenant n° 1" in accueil
    assert "(avenant n° 1)" in accueil
    assert "soit" in accueil and "(article 2)</p>" not in accueil
    assert "Enveloppe de chaque signataire (en vigueur, article 2 modifié par avenant)" in accueil

    client.force_login(administrateur)
    page = client.get("/financement/signataires/etat/").content.decode()
    assert "Fixée par l’avenant n° 1" in page
    assert "Article 2 (signé)" in page

    sortie = StringIO()
    call_command("charger_cper", stdout=sortie)
    assert Enveloppe.objects.get(signataire__code="etat").montant == Decimal("1094262000.00")
    assert "laissé tel quel : modifié dans le portail" in sortie.getvalue()
