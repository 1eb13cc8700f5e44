"""Codes nest: a node covers itself and every node whose code extends its own after a dot.
One place spells it (`axes.models`); every edge asks it."""

from decimal import Decimal

from axes.models import Noeud, code_couvre, codes_couvrants
from axes.selectors import ascendants
from financement.selectors import CODE_NOEUD_CSNE, parite_csne
from projets.models import Projet
from projets.selectors import projets_du_noeud


def test_la_regle_sur_les_codes():
    assert code_couvre("I.3", "I.3") and code_couvre("I.3", "I.3.2.a")
    assert not code_couvre("I.3", "I.30") and not code_couvre("I.3.2", "I.3")
    assert codes_couvrants("I.3.2.a") == ["I", "I.3", "I.3.2", "I.3.2.a"]


def test_sous_et_couvrant_lisent_l_arbre_du_contrat():
    i3 = Noeud.objects.get(code="I.3")
    sous = set(Noeud.objects.sous(i3).values_list("code", flat=True))
    assert "I.3" in sous and {n.code for n in i3.enfants.all()} <= sous
    assert all(code_couvre("I.3", code) for code in sous)
    feuille = Noeud.objects.filter(niveau=4).order_by("position").first()
    couvrant = list(Noeud.objects.couvrant(feuille).order_by("niveau"))
    assert [n.niveau for n in couvrant] == [1, 2, 3, 4]
    assert all(n.couvre(feuille) for n in couvrant)
    assert ascendants(feuille) == couvrant[:-1]


def test_le_q_traverse_une_cle_etrangere(projet_brouillon):
    mesure = projet_brouillon.mesure  # IV.2.1.a
    dossier = Projet.objects.filter(pk=projet_brouillon.pk)
    assert dossier.filter(Noeud.q_sous(Noeud.objects.get(code="IV"), prefixe="mesure")).exists()
    assert dossier.filter(Noeud.q_sous(mesure, prefixe="mesure")).exists()
    assert not dossier.filter(Noeud.q_sous(Noeud.objects.get(code="I"), prefixe="mesure")).exists()
    assert dossier.filter(Noeud.q_sous_code("IV.2", prefixe="mesure")).exists()
    assert not dossier.filter(Noeud.q_sous_code("IV.2.1.b", prefixe="mesure")).exists()
    assert projet_brouillon in projets_du_noeud(
        noeud=Noeud.objects.get(code="IV.2"), utilisateur=projet_brouillon.cree_par
    )
    assert all(
        code_couvre("IV.2", p.mesure.code)
        for p in projets_du_noeud(
            noeud=Noeud.objects.get(code="IV.2"), utilisateur=projet_brouillon.cree_par
        )
    )


def test_la_parite_csne_nomme_son_sous_axe():
    parite = parite_csne(contrat=Noeud.objects.get(code=CODE_NOEUD_CSNE).contrat)
    assert parite.code == "II.6"
    assert parite.total == Decimal("0.00")
