from django.core.management import call_command

from gouvernance.models import Comite, Critere, GrilleAnalyse, RegleMajorite, RegleQuorum


def test_les_comites_du_contrat_sont_charges_avec_leurs_mesures_et_leurs_lignes():
    assert Comite.objects.count() == 13
    velo = Comite.objects.get(code="technique-velo")
    assert [n.code for n in velo.mesures.all()] == ["V.2.1"]
    assert velo.ligne == 3521
    assert [o.nom for o in velo.pilotes.all()] == ["Région Hauts-de-France"]
    fratri = Comite.objects.get(code="gestion-fratri")
    assert sorted(o.nom for o in fratri.pilotes.all()) == ["ADEME", "Région Hauts-de-France"]
    assert fratri.pilotage == "co-animé par l’ADEME et la Région"
    routier = Comite.objects.get(code="technique-routier")
    assert [o.nom for o in routier.pilotes.all()] == ["État"]
    programmation = Comite.objects.get(code="programmation")
    assert sorted(n.code for n in programmation.mesures.all()) == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
    ]
    assert programmation.regle_quorum == RegleQuorum.MOITIE
    assert programmation.regle_majorite == RegleMajorite.SIMPLE
    assert Comite.objects.filter(mesures__code="II.6").count() == 4


def test_la_grille_par_defaut_suit_vi2_et_le_rechargement_garde_les_reglages():
    grille = GrilleAnalyse.objects.get(active=True)
    assert grille.version == 1
    assert [c.code for c in grille.criteres.all()] == [
        "conformite-axes",
        "ambitions",
        "faisabilite",
        "decarbonation",
        "impact-environnemental",
        "egalite-femmes-hommes",
    ]
    Critere.objects.filter(code="faisabilite").update(poids=2)
    Comite.objects.filter(code="technique-velo").update(regle_quorum=RegleQuorum.TIERS)
    call_command("charger_cper", verbosity=0)
    assert Critere.objects.get(code="faisabilite").poids == 2
    assert Comite.objects.get(code="technique-velo").regle_quorum == RegleQuorum.TIERS
