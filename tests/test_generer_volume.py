"""The benchmark's volume generator: the ledger totals stay the sums of their
rows (the triggers keep them as for any other writer)."""

from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from financement.models import Engagement, Enveloppe, LigneProgrammee, Paiement
from gouvernance.models import Decision, Seance
from projets.models import Origine, Projet


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
