"""Article 4: avenants are justified, approved by all nine, and change envelopes from a date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from axes.models import Signataire
from axes.selectors import contrat_courant
from financement.models import Avenant, Enveloppe, StatutAvenant
from financement.selectors import enveloppes_a_la_date
from financement.services import (
    EnveloppeInsuffisante,
    avenant_approuver,
    avenant_creer,
    avenant_mettre_en_vigueur,
)
from socle.exceptions import ActionNonAutorisee, EtatIncompatible, RegleMetierError

MOBILITE = "Avenant mobilités 2023-2027"


def creer(administrateur, **surcharges):
    valeurs = {
        "numero": 1,
        "titre": MOBILITE,
        "justification": "Intégrer la programmation 2023-2027 du volet Mobilités (article 4).",
        "initie_par": Signataire.objects.get(code="region"),
        "enveloppes": {
            Signataire.objects.get(code="etat"): Decimal("1094262000.00"),
            Signataire.objects.get(code="region"): Decimal("1045212000.50"),
        },
        "par": administrateur,
    }
    valeurs.update(surcharges)
    return avenant_creer(**valeurs)


def approuver_par_tous(avenant, administrateur, sauf=()):
    for signataire in Signataire.objects.order_by("ordre"):
        if signataire.code in sauf:
            continue
        avenant_approuver(
            avenant=avenant,
            signataire=signataire,
            date_acte=date(2026, 10, 1),
            reference=f"Délibération {signataire.code}-2026",
            par=administrateur,
        )


def test_un_avenant_sans_justification_est_refuse(administrateur):
    with pytest.raises(RegleMetierError) as erreur:
        creer(administrateur, justification="   ")
    assert "justification des raisons" in erreur.value.erreurs["justification"][0]
    assert not Avenant.objects.exists()


def test_seul_le_secretariat_prepare_un_avenant(agent):
    with pytest.raises(ActionNonAutorisee):
        creer(agent)
    assert not Avenant.objects.exists()


def test_il_faut_les_neuf_approbations(administrateur):
    avenant = creer(administrateur)
    approuver_par_tous(avenant, administrateur, sauf=("amiens-metropole",))
    with pytest.raises(EtatIncompatible) as erreur:
        avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())
    assert "Communauté d’Agglomération d’Amiens Métropole" in erreur.value.message
    assert Enveloppe.objects.get(signataire__code="etat").montant == Decimal("994262000.00")
    assert Avenant.objects.get().statut == StatutAvenant.EN_APPROBATION


def test_un_agent_n_approuve_que_pour_son_signataire(administrateur, agent):
    avenant = creer(administrateur)
    with pytest.raises(ActionNonAutorisee):
        avenant_approuver(
            avenant=avenant,
            signataire=Signataire.objects.get(code="etat"),
            date_acte=date(2026, 10, 1),
            reference="X",
            par=agent,
        )
    avenant_approuver(
        avenant=avenant,
        signataire=Signataire.objects.get(code="region"),
        date_acte=date(2026, 10, 1),
        reference="Délibération 2026.01234",
        par=agent,
    )
    with pytest.raises(EtatIncompatible, match="déjà approuvé"):
        avenant_approuver(
            avenant=avenant,
            signataire=Signataire.objects.get(code="region"),
            date_acte=date(2026, 10, 2),
            reference="Y",
            par=agent,
        )


def test_en_vigueur_les_enveloppes_changent_et_l_ancien_etat_reste_lisible(administrateur):
    avenant = creer(administrateur)
    approuver_par_tous(avenant, administrateur)
    aujourd_hui = timezone.localdate()
    avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=aujourd_hui)
    assert Enveloppe.objects.get(signataire__code="etat").montant == Decimal("1094262000.00")
    assert Enveloppe.objects.get(signataire__code="region").montant == Decimal("1045212000.50")
    total = sum(Enveloppe.objects.values_list("montant", flat=True), Decimal(0))
    assert total == Decimal("2909563000.50")
    contrat = contrat_courant()
    avant = {
        s.code: m
        for s, m in enveloppes_a_la_date(contrat=contrat, le=aujourd_hui - timedelta(days=1))
    }
    apres = {s.code: m for s, m in enveloppes_a_la_date(contrat=contrat, le=aujourd_hui)}
    assert avant["etat"] == Decimal("994262000.00") and apres["etat"] == Decimal("1094262000.00")
    assert sum(avant.values()) == Decimal("2759563000.00")
    assert sum(apres.values()) == Decimal("2909563000.50")
    assert (
        enveloppes_a_la_date(contrat=contrat, le=date(2022, 12, 31))[0][1] is None
    )  # before signature
    with pytest.raises(EtatIncompatible):
        avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=aujourd_hui)


def test_un_avenant_ne_descend_pas_sous_le_programme(administrateur, projet_programme):
    region = Signataire.objects.get(code="region")
    with pytest.raises(
        RegleMetierError, match="ne peut pas descendre sous ce qui est déjà programmé"
    ):
        creer(administrateur, enveloppes={region: Decimal("399999.99")})
    # programmed between drafting and entry into force: refused at entry into force
    avenant = creer(administrateur, numero=2, enveloppes={region: Decimal("400000.00")})
    approuver_par_tous(avenant, administrateur)
    from financement.models import LigneProgrammee

    LigneProgrammee.objects.filter(signataire=region).update(montant_programme=Decimal("400000.01"))
    with pytest.raises(EnveloppeInsuffisante, match="sont déjà programmés"):
        avenant_mettre_en_vigueur(avenant=avenant, par=administrateur, le=timezone.localdate())
    assert Enveloppe.objects.get(signataire=region).montant == Decimal("995212000.00")
