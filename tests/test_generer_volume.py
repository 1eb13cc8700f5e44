"""The benchmark's volume generator: the ledger totals stay the sums of their
rows (the triggers keep them as for any other writer)."""

from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from financement.models import Engagement, Enveloppe, LigneProgrammee, Paiement
from gouvernance.models import (
    ROLES_VOTANTS,
    Decision,
    EtatSeance,
    PointOrdreDuJour,
    Presence,
    Seance,
    StatutPresence,
    Vote,
)
from gouvernance.services import seance_clore
from projets.models import Origine, Projet, Statut


def _somme(queryset, champ):
    return queryset.aggregate(total=Sum(champ))["total"] or 0


def test_generer_volume_garde_les_totaux_du_registre_egaux_aux_lignes():
    call_command("generer_volume", "--seed", "7", "--dossiers", "40", verbosity=0)

    assert Projet.objects.filter(origine=Origine.DEPOT).count() == 40
    assert LigneProgrammee.objects.exists()
    assert Engagement.objects.exists()
    assert Paiement.objects.exists()
    assert Seance.objects.exists()
    assert Decision.objects.exists()
    for enveloppe in Enveloppe.objects.all():
        lignes = LigneProgrammee.objects.filter(signataire_id=enveloppe.signataire_id)
        assert enveloppe.montant_programme == _somme(lignes, "montant_programme")
        engagements = Engagement.objects.filter(signataire_id=enveloppe.signataire_id)
        assert enveloppe.montant_engage == _somme(engagements, "montant")
        paiements = Paiement.objects.filter(engagement__signataire_id=enveloppe.signataire_id)
        assert enveloppe.montant_paye == _somme(paiements, "montant")
        assert enveloppe.montant_programme <= enveloppe.montant
    for ligne in LigneProgrammee.objects.all():
        assert ligne.montant_engage == _somme(ligne.engagements.all(), "montant")
        assert ligne.montant_engage <= ligne.montant_programme
    for engagement in Engagement.objects.all():
        assert engagement.montant_paye == _somme(engagement.paiements.all(), "montant")


def test_generer_volume_date_les_engagements_apres_la_programmation():
    """A commitment follows the programming of its line, a payment its commitment."""
    call_command("generer_volume", "--seed", "7", "--dossiers", "40", verbosity=0)
    engagements = Engagement.objects.select_related("ligne")
    assert engagements.exists()
    for engagement in engagements:
        assert engagement.date_acte >= timezone.localdate(engagement.ligne.programme_le)
    for paiement in Paiement.objects.select_related("engagement"):
        assert paiement.date >= paiement.engagement.date_acte


def test_deux_longues_seances_dont_une_ouverte_prete_a_etre_close(administrateur):
    """The benchmark measures the minutes of a long closed session and the closing of a long
    open one: the open one has its attendance and every vote, on dossiers put on its agenda."""
    call_command(
        "generer_volume",
        "--seed",
        "7",
        "--dossiers",
        "300",
        "--points-grande-seance",
        "5",
        verbosity=0,
    )
    longues = Seance.objects.annotate(n=Count("points")).filter(n=5, lieu__endswith="séances")
    close = longues.get(etat=EtatSeance.CLOSE)
    ouverte = longues.get(etat=EtatSeance.OUVERTE)
    assert Decision.objects.filter(point__seance=close).count() == 5
    assert not Decision.objects.filter(point__seance=ouverte).exists()
    points = list(ouverte.points.select_related("projet"))
    assert {p.projet.statut for p in points} == {Statut.INSCRIT_ORDRE_DU_JOUR}
    # No dossier is on the agenda of two sessions.
    autres = PointOrdreDuJour.objects.exclude(seance__in=[close, ouverte])
    assert not autres.filter(projet__in=[p.projet for p in points]).exists()
    votants = Presence.objects.filter(
        seance=ouverte, statut=StatutPresence.PRESENT, membre__role__in=ROLES_VOTANTS
    ).count()
    assert votants and Vote.objects.filter(point__seance=ouverte).count() == 5 * votants

    decisions = seance_clore(seance=ouverte, par=administrateur)

    assert len(decisions) == 5
    ouverte.refresh_from_db()
    assert ouverte.etat == EtatSeance.CLOSE
    for decision in decisions:
        decision.point.projet.refresh_from_db()
        assert decision.point.projet.statut != Statut.INSCRIT_ORDRE_DU_JOUR


def test_le_banc_clot_la_longue_seance_en_une_transaction_sans_rien_laisser(
    base_transactionnelle_avec_contrat,
):
    """The benchmark's measure of the closing: real commits here, so that its check means
    something; the closing is undone afterwards and the base stays as generated."""
    from outillage.bench.mesurer import mesurer_cloture

    call_command(
        "generer_volume",
        "--seed",
        "7",
        "--dossiers",
        "300",
        "--points-grande-seance",
        "5",
        verbosity=0,
    )
    ouverte = Seance.objects.get(etat=EtatSeance.OUVERTE, lieu__endswith="séances")
    decisions_avant = Decision.objects.count()

    mesure = mesurer_cloture()

    assert mesure["points"] == 5 and mesure["decisions"] == 5
    assert mesure["une_transaction"] and mesure["commits"] == 1
    assert mesure["requetes_hors_transaction"] == 0
    assert mesure["rien_ecrit_apres_annulation"]
    ouverte.refresh_from_db()
    assert ouverte.etat == EtatSeance.OUVERTE
    assert Decision.objects.count() == decisions_avant
    assert set(ouverte.points.values_list("projet__statut", flat=True)) == {
        Statut.INSCRIT_ORDRE_DU_JOUR
    }
