"""The amounts of the vélo journey, to the cent, without a browser (issue 17)."""

from decimal import Decimal

from django.test import override_settings

from axes.models import Signataire
from financement.models import Enveloppe
from financement.services import credits_ouvrir
from scenarios.calculs import bilan, comparer, repartition_annuelle, scenario_charge
from scenarios.models import Avis
from scenarios.services import position_enregistrer, scenario_modifier
from tests.factories.scenarios import SCENARIOS, saisies

D = Decimal


def test_repartition_annuelle_au_centime():
    assert repartition_annuelle(D("100000.00"), 2025, 2027) == {
        2025: D("33333.33"),
        2026: D("33333.33"),
        2027: D("33333.34"),
    }


def test_scenario_b_totaux_par_signataire_et_reste_de_l_enveloppe(velo):
    b = bilan(scenario_charge(velo.scenarios["B"].pk))
    attendus = {
        "etat": D("1749950.00"),
        "region": D("2350000.00"),
        "somme": D("300000.00"),
        "pas-de-calais": D("160000.00"),
        "mel": D("200000.00"),
        "nord": D("120000.00"),
        "oise": D("0.00"),
        "aisne": D("0.00"),
        "amiens-metropole": D("0.00"),
    }
    assert {ligne.signataire.code: ligne.demande for ligne in b.signataires} == attendus
    assert b.autres == D("1220050.00")
    assert b.total == D("6100000.00")
    for code, demande in attendus.items():
        enveloppe = Enveloppe.objects.get(signataire__code=code)
        ligne = b.ligne(code)
        assert ligne.enveloppe == enveloppe.montant
        assert ligne.reste == enveloppe.montant - enveloppe.montant_programme - demande
    assert b.ligne("etat").reste == D("992512050.00")  # 994 262 000,00 − 1 749 950,00
    assert b.ligne("region").reste == D("992862000.00")  # 995 212 000,00 − 2 350 000,00


def test_ratio_etat_region_et_ecart_a_la_parite(velo):
    ratio = bilan(scenario_charge(velo.scenarios["B"].pk)).ratio
    assert (ratio.etat, ratio.region) == (D("1749950.00"), D("2350000.00"))
    assert ratio.ratio == D("0.74")
    assert ratio.part_etat == D("42.68")
    assert ratio.ecart == D("-600050.00")
    assert ratio.parite_visee is False  # the text asks for parity on II.6, not on V.2.1
    parite = bilan(scenario_charge(velo.scenarios["A"].pk)).ratio
    assert parite.ecart == D("0.00") and parite.ratio == D("1.00")


@override_settings(SCENARIOS_SOUS_AXES_PARITE=("V.2.1",))
def test_la_parite_s_affiche_ou_le_reglage_la_demande(velo):
    assert bilan(scenario_charge(velo.scenarios["B"].pk)).ratio.parite_visee is True


def test_profil_annuel_face_aux_credits_ouverts(velo, administrateur):
    credits_ouvrir(
        signataire=Signataire.objects.get(code="etat"),
        annee=2025,
        montant=D("500000.00"),
        par=administrateur,
    )
    b = bilan(scenario_charge(velo.scenarios["B"].pk))
    assert b.annees == [2024, 2025, 2026, 2027]
    etat = {a.annee: a for a in b.profil["etat"]}
    # 2025: 300 000 + 100 000 + 200 000 + 75 000 + 166 650
    assert etat[2025].montant == D("841650.00")
    assert etat[2025].disponibles == D("500000.00")
    assert etat[2025].depasse is True
    assert etat[2024].credits is None and etat[2024].depasse is False
    assert sum(a.montant for a in b.profil["etat"]) == D("1749950.00")
    assert [a.annee for a in b.depassements()] == [2025]


def test_ce_qui_n_est_pas_encore_accorde(velo, agent_de):
    scenario = velo.scenarios["B"]
    position_enregistrer(
        scenario=scenario,
        signataire=Signataire.objects.get(code="somme"),
        avis=Avis.ACCORD_PLAFONNE,
        plafond=D("250000.00"),
        par=agent_de("somme"),
    )
    position_enregistrer(
        scenario=scenario,
        signataire=Signataire.objects.get(code="region"),
        avis=Avis.ACCORD,
        par=agent_de("region"),
    )
    b = bilan(scenario_charge(scenario.pk))
    assert b.ligne("somme").non_accorde == D("50000.00")
    assert b.ligne("region").non_accorde == D("0.00")
    assert b.ligne("etat").non_accorde == D("1749950.00")  # no position yet
    assert b.non_accorde == D("50000.00") + D("1749950.00") + D("160000.00") + D("200000.00") + D(
        "120000.00"
    )


def test_comparaison_cote_a_cote(velo):
    comparaison = comparer([bilan(scenario_charge(velo.scenarios[c].pk)) for c in ("A", "B", "C")])
    etat = next(ligne for ligne in comparaison.par_signataire if ligne.libelle == "État")
    assert etat.valeurs == [D("2440000.00"), D("1749950.00"), D("1650000.00")]
    assert etat.differe
    oise = next(ligne for ligne in comparaison.par_signataire if ligne.libelle.endswith("Oise"))
    assert not oise.differe
    amiens = comparaison.par_operation[4]
    assert amiens.libelle == "Liaison cyclable Amiens-Longueau"
    assert amiens.valeurs == [D("1500000.00"), D("1500000.00"), D("0.00")]
    assert [ligne.libelle for ligne in comparaison.par_annee] == ["2024", "2025", "2026", "2027"]
    assert etat.ecarts() == [D("0.00"), D("-690050.00"), D("-790000.00")]


def test_un_accord_donne_avant_une_modification_ne_vaut_plus(velo, agent_de, administrateur):
    scenario = velo.scenarios["B"]
    position_enregistrer(
        scenario=scenario,
        signataire=Signataire.objects.get(code="region"),
        avis=Avis.ACCORD,
        par=agent_de("region"),
    )
    assert bilan(scenario_charge(scenario.pk)).ligne("region").non_accorde == D("0.00")
    nom, repartitions = SCENARIOS["B"]
    scenario_modifier(
        scenario=scenario,
        nom=nom,
        operations=saisies(velo.candidates, repartitions),
        par=administrateur,
    )
    region = bilan(scenario_charge(scenario.pk)).ligne("region")
    assert region.perimee and region.non_accorde == D("2350000.00")
