"""The money of a territory adds up to the cent: communes + what is held at département level
= the département, the départements + what is held at regional level = the region, for each
funder and nature, on the demo data and on a generated base."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db.models import Sum

from comptes.models import Role
from financement.models import Engagement, LigneProgrammee, Paiement
from projets.models import CommuneProjet, LignePlanFinancement, Statut
from territoires import selectors
from territoires.referentiel import referentiel
from territoires.selectors import GENRES, Montants, repartir

ZERO = Decimal("0.00")


def _par_financeur(bilan) -> dict[tuple[str, str], Montants]:
    return {(ligne.nature, ligne.financeur): ligne.montants for ligne in bilan.par_financeur}


def _ajouter(cible: dict, source: dict) -> None:
    for cle, montants in source.items():
        cible[cle] = cible.get(cle, Montants()).plus(montants)


def _moins(a: Montants, b: Montants | None, genre: str) -> Decimal:
    return getattr(a, genre) - getattr(b or Montants(), genre)


def _sans_zeros(d: dict) -> dict:
    return {cle: m.en_dict() for cle, m in d.items() if not m.vide}


def verifier_sommes(utilisateur) -> dict[str, Montants]:
    """Walk every département and every commune that has a dossier; return the département
    totals (for the caller's own checks)."""
    region = selectors.bilan(selectors.region(), utilisateur=utilisateur)
    somme_region: dict = {}
    totaux = {}
    for code in referentiel().departements:
        bilan_dep = selectors.bilan(selectors.departement(code), utilisateur=utilisateur)
        somme: dict = {}
        communes = set(
            CommuneProjet.objects.filter(code_insee__startswith=code).values_list(
                "code_insee", flat=True
            )
        )
        for insee in sorted(c for c in communes if c in referentiel().communes):
            _ajouter(
                somme,
                _par_financeur(selectors.bilan(selectors.commune(insee), utilisateur=utilisateur)),
            )
        # What is held at the département's level, by funder: the département's lines minus
        # its communes'.
        tenu_par_financeur = {
            cle: Montants(*(getattr(m, g) - getattr(somme.get(cle, Montants()), g) for g in GENRES))
            for cle, m in _par_financeur(bilan_dep).items()
        }
        for g in GENRES:
            assert getattr(bilan_dep.tenu, g) == sum(
                (getattr(m, g) for m in tenu_par_financeur.values()), ZERO
            ), (code, g)
        _ajouter(somme, tenu_par_financeur)
        assert _sans_zeros(somme) == _sans_zeros(_par_financeur(bilan_dep)), code
        # The commune column of the département page is the same walk.
        assert (
            sum((m.prevu for m in bilan_dep.par_commune.values()), ZERO) + bilan_dep.tenu.prevu
            == bilan_dep.total.prevu
        )
        _ajouter(somme_region, _par_financeur(bilan_dep))
        totaux[code] = bilan_dep.total
    regional = {
        cle: Montants(
            *(getattr(m, g) - getattr(somme_region.get(cle, Montants()), g) for g in GENRES)
        )
        for cle, m in _par_financeur(region).items()
    }
    for g in GENRES:
        assert getattr(region.tenu, g) == sum((getattr(m, g) for m in regional.values()), ZERO)
        assert all(getattr(m, g) >= 0 for m in regional.values())
    return totaux


def _sql(utilisateur) -> dict[str, Decimal]:
    """The region's totals read straight from the tables, without the territory rules."""
    comptes = selectors.projets_comptes(utilisateur)

    def somme(qs, champ):
        return qs.aggregate(s=Sum(champ))["s"] or ZERO

    return {
        "prevu": somme(
            LignePlanFinancement.objects.filter(
                projet__in=comptes.exclude(statut=Statut.ABANDONNE)
            ),
            "montant",
        ),
        "programme": somme(LigneProgrammee.objects.filter(projet__in=comptes), "montant_programme"),
        "engage": somme(Engagement.objects.filter(ligne__projet__in=comptes), "montant"),
        "paye": somme(Paiement.objects.filter(engagement__ligne__projet__in=comptes), "montant"),
    }


def test_repartir_donne_le_reste_des_centimes_a_la_derniere_part():
    assert repartir(Decimal("100.00"), [Decimal(1)] * 3) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert repartir(Decimal("0.01"), [Decimal(1)] * 3) == [ZERO, ZERO, Decimal("0.01")]
    parts = repartir(Decimal("1000.00"), [Decimal(232787), Decimal(1), Decimal(98217)])
    assert parts == [Decimal("703.27"), ZERO, Decimal("296.73")]
    assert sum(parts) == Decimal("1000.00")


@pytest.fixture
def demo(settings):
    settings.COMPTES_DEMO_AUTORISES = True
    call_command("charger_demo", verbosity=0)


def test_demo_communes_et_departement_font_le_departement_au_centime(demo, creer_utilisateur):
    agent = creer_utilisateur("agent.territoires", role=Role.AGENT)
    for utilisateur in (AnonymousUser(), agent):
        totaux = verifier_sommes(utilisateur)
        region = selectors.bilan(selectors.region(), utilisateur=utilisateur)
        assert region.total.en_dict() == _sql(utilisateur)
        for g in GENRES:
            assert getattr(region.total, g) == sum(
                (getattr(t, g) for t in totaux.values()), ZERO
            ) + getattr(region.tenu, g)
    # The demo's programmed dossier on three communes: 800 000 € of the Région split in three.
    lille = selectors.bilan(selectors.commune("59350"), utilisateur=AnonymousUser())
    roubaix = selectors.bilan(selectors.commune("59512"), utilisateur=AnonymousUser())
    region_lille = _par_financeur(lille)[("cper", "region")]
    assert region_lille.programme == Decimal("266666.66")
    assert _par_financeur(roubaix)[("cper", "region")].programme == Decimal("266666.68")


@pytest.mark.parametrize("cle", ["egale", "population"])
def test_base_generee_communes_et_departement_font_le_departement_au_centime(settings, cle):
    settings.TERRITOIRES_CLE_REPARTITION = cle
    call_command("generer_volume", "--seed", "11", "--dossiers", "60", verbosity=0)
    assert CommuneProjet.objects.count() > 20
    for utilisateur in (AnonymousUser(),):
        totaux = verifier_sommes(utilisateur)
        region = selectors.bilan(selectors.region(), utilisateur=utilisateur)
        assert region.total.en_dict() == _sql(utilisateur)
        assert region.tenu.prevu > 0  # dossiers on two départements and no commune
        for g in GENRES:
            assert getattr(region.total, g) == sum(
                (getattr(t, g) for t in totaux.values()), ZERO
            ) + getattr(region.tenu, g)
