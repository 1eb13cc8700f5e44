"""The stored slices of the ledger (per signatory and axis, département, year): kept by the
triggers through every write, read by the ledger pages with the same figures as the rows give,
and any drift found by the nightly check."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse

from axes.models import Departement, Signataire
from financement.models import (
    Engagement,
    LigneProgrammee,
    Paiement,
    TotalAnnee,
    TotalAxe,
    TotalDepartement,
)
from financement.selectors import (
    execution_par_annee,
    execution_par_axe,
    execution_par_departement,
)
from financement.services import (
    credits_ouvrir,
    engagement_enregistrer,
    paiement_enregistrer,
    projet_programmer,
)
from financement.verification import registre_ecarts, registre_verifier
from projets.services import projet_creer
from rapports.selectors import donnees_bilan

ZERO = Decimal("0.00")


@pytest.fixture
def registre(ligne_region, agent):
    """A commitment of 2026 on the Région's line, paid in 2026 and in 2027."""
    credits_ouvrir(
        signataire=ligne_region.signataire, annee=2026, montant=Decimal("300000.00"), par=agent
    )
    engagement = engagement_enregistrer(
        ligne=ligne_region,
        par=agent,
        date_acte=date(2026, 3, 1),
        type_acte="convention",
        reference="CONV-2026-017",
        montant=Decimal("250000.00"),
        annee_budgetaire=2026,
    )
    for jour, montant in ((date(2026, 5, 1), "100000.00"), (date(2027, 1, 15), "50000.10")):
        paiement_enregistrer(
            engagement=engagement,
            par=agent,
            date_paiement=jour,
            montant=Decimal(montant),
            type_="avance",
        )
    return engagement


@pytest.fixture
def deux_dossiers(registre, porteur, administrateur, donnees_completes, retenir):
    projet = retenir(
        projet_creer(
            donnees=donnees_completes(
                departements=list(Departement.objects.filter(code_insee__in=["59", "62"]))
            ),
            par=porteur,
        )
    )
    return projet_programmer(projet=projet, par=administrateur)


# The figures as the pages computed them before the slices: aggregates of the rows.
def _avant_par_axe(signataire):
    lignes = (
        LigneProgrammee.objects.filter(signataire=signataire)
        if signataire
        else (LigneProgrammee.objects.all())
    )
    return {
        s["noeud__axe__code"]: (s["p"], s["e"], s["y"])
        for s in lignes.order_by()
        .values("noeud__axe__code")
        .annotate(p=Sum("montant_programme"), e=Sum("montant_engage"), y=Sum("montant_paye"))
    }


def _avant_par_departement():
    return {
        s["projet__departements__code_insee"]: (s["p"], s["e"], s["y"])
        for s in LigneProgrammee.objects.order_by()
        .values("projet__departements__code_insee")
        .annotate(p=Sum("montant_programme"), e=Sum("montant_engage"), y=Sum("montant_paye"))
    }


def _avant_par_annee(signataire):
    engage = dict(
        Engagement.objects.filter(signataire=signataire)
        .order_by()
        .values_list("annee_budgetaire")
        .annotate(t=Sum("montant"))
    )
    paye = dict(
        Paiement.objects.filter(engagement__signataire=signataire)
        .order_by()
        .annotate(annee=ExtractYear("date"))
        .values_list("annee")
        .annotate(t=Sum("montant"))
    )
    return {a: (engage.get(a) or ZERO, paye.get(a) or ZERO) for a in set(engage) | set(paye)}


def _memes_chiffres_qu_avant():
    region = Signataire.objects.get(code="region")
    contrat = region.contrat
    for signataire in (region, Signataire.objects.get(code="etat"), None):
        avant = _avant_par_axe(signataire)
        for ligne in execution_par_axe(contrat=contrat, signataire=signataire):
            assert (ligne.programme, ligne.engage, ligne.paye) == avant.get(
                ligne.code, (ZERO, ZERO, ZERO)
            ), ligne.libelle
    avant = _avant_par_departement()
    for ligne in execution_par_departement(contrat=contrat):
        assert (ligne.programme, ligne.engage, ligne.paye) == avant.get(
            ligne.code, (ZERO, ZERO, ZERO)
        ), ligne.libelle
    avant = _avant_par_annee(region)
    annees = {
        a["annee"]: (a["engage"], a["paye"])
        for a in execution_par_annee(signataire=region)
        if (a["engage"], a["paye"]) != (ZERO, ZERO)  # a year listed for its credits alone
    }
    assert annees == {a: v for a, v in avant.items() if v != (ZERO, ZERO)}


def _bilan_comme_avant():
    """The bilan's slices (all signatories by year, each signatory by axis) as the rows give."""
    contrat = registre_region().contrat
    bilan = donnees_bilan(contrat=contrat)
    engage = dict(
        Engagement.objects.order_by().values_list("annee_budgetaire").annotate(t=Sum("montant"))
    )
    paye = dict(
        Paiement.objects.order_by()
        .annotate(annee=ExtractYear("date"))
        .values_list("annee")
        .annotate(t=Sum("montant"))
    )
    for ligne in bilan.par_annee:
        assert (ligne.engage, ligne.paye) == (
            engage.get(ligne.annee) or ZERO,
            paye.get(ligne.annee) or ZERO,
        ), ligne.annee
    for bloc in bilan.signataires_axes:
        avant = _avant_par_axe(bloc.signataire)
        assert {a.code: (a.programme, a.engage, a.paye) for a in bloc.axes} == avant


def test_les_pages_du_registre_donnent_les_memes_chiffres_qu_avant(deux_dossiers, client, agent):
    _memes_chiffres_qu_avant()
    _bilan_comme_avant()
    annees = {a["annee"]: a for a in execution_par_annee(signataire=registre_region())}
    assert annees[2026]["engage"] == Decimal("250000.00")
    assert annees[2026]["paye"] == Decimal("100000.00")
    assert annees[2027]["paye"] == Decimal("50000.10")
    nord = next(
        d for d in execution_par_departement(contrat=registre_region().contrat) if d.code == "59"
    )
    assert nord.programme == Decimal("1500000.00")  # both dossiers, 750 000,00 € each
    pas_de_calais = next(
        d for d in execution_par_departement(contrat=registre_region().contrat) if d.code == "62"
    )
    assert pas_de_calais.programme == Decimal("750000.00")

    client.force_login(agent)
    page = client.get(reverse("financement:signataire", args=["region"])).content.decode()
    assert "50\u202f000,10\u00a0€" in page  # paid in 2027
    assert "250\u202f000,00\u00a0€" in page
    programme = client.get(reverse("financement:programme")).content.decode()
    assert "1\u202f500\u202f000,00\u00a0€" in programme


def registre_region():
    return Signataire.objects.get(code="region")


def test_les_tranches_suivent_les_ecritures_et_les_deplacements(deux_dossiers, registre):
    """A payment moved to another year, a dossier leaving a département and joining another,
    a commitment and a line removed: the slices follow, the check finds nothing."""
    paiement = Paiement.objects.get(montant=Decimal("50000.10"))
    Paiement.objects.filter(pk=paiement.pk).update(date=date(2028, 2, 1))
    deux_dossiers.departements.set(Departement.objects.filter(code_insee__in=["62", "80"]))
    assert registre_ecarts()[0] == []
    _memes_chiffres_qu_avant()
    region = registre_region()
    assert TotalAnnee.objects.get(signataire=region, annee=2028).montant_paye == Decimal("50000.10")
    assert TotalAnnee.objects.get(signataire=region, annee=2027).montant_paye == ZERO
    somme = TotalDepartement.objects.filter(departement__code_insee="80").aggregate(
        t=Sum("montant_programme")
    )["t"]
    assert somme == Decimal("750000.00")

    Paiement.objects.filter(engagement=registre).delete()
    registre.delete()
    assert registre_ecarts()[0] == []
    _memes_chiffres_qu_avant()
    # Only the year of the credits opened is left, with nothing committed or paid.
    ((annee),) = execution_par_annee(signataire=region)
    assert (annee["annee"], annee["engage"], annee["paye"]) == (2026, ZERO, ZERO)


def test_une_tranche_derivee_en_sql_est_trouvee(registre):
    region = registre_region()
    axe = registre.ligne.noeud.axe
    with connection.cursor() as curseur:  # writes made outside the portal, on purpose
        curseur.execute(
            "UPDATE financement_totalaxe SET montant_engage = montant_engage + 0.01 "
            "WHERE signataire_id = %s",
            [region.pk],
        )
        curseur.execute("UPDATE financement_totalannee SET montant_paye = 0")
        curseur.execute(
            "DELETE FROM financement_totaldepartement WHERE signataire_id = %s", [region.pk]
        )
    verification = registre_verifier(prevenir=False)
    ecarts = {(e["controle"], e["objet"]): e for e in verification.ecarts}
    axe_region = (
        "Engagé sur l'axe = Σ des lignes programmées de ses mesures",
        f"axe {axe.code} {region.de_nom}",
    )
    assert (ecarts[axe_region]["enregistre"], ecarts[axe_region]["recalcule"]) == (
        "250000.01",
        "250000.00",
    )
    annee = (
        "Payé de l'année = Σ des engagements de l'année budgétaire, des paiements de l'année "
        "civile",
        f"année 2026 {region.de_nom}",
    )
    assert (ecarts[annee]["enregistre"], ecarts[annee]["recalcule"]) == ("0.00", "100000.00")
    nord = (
        "Programmé dans le département = Σ des lignes programmées de ses dossiers",
        f"Nord {region.de_nom}",
    )
    assert (ecarts[nord]["enregistre"], ecarts[nord]["recalcule"]) == ("0.00", "400000.00")
    # Engagé and payé of the missing département slice too, the 2027 payments, nothing else.
    assert len(ecarts) == 1 + 2 + 3
    assert TotalAxe.objects.filter(signataire=region).count() == 1
